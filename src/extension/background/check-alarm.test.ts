import { describe, expect, it } from 'vitest';
import { type AlarmInfo, type AlarmsApi, CHECK_ALARM, scheduleChecks } from './check-alarm.ts';

/** An in-memory alarms API recording each create and clear; the browser test covers the real one. */
function alarms(existing?: AlarmInfo) {
  const store = new Map<string, AlarmInfo>(existing ? [[existing.name, existing]] : []);
  const calls: string[] = [];
  const api: AlarmsApi = {
    async get(name) {
      return store.get(name);
    },
    create(name, info) {
      calls.push(`create ${name} every ${info.periodInMinutes}`);
      store.set(name, { name, periodInMinutes: info.periodInMinutes });
    },
    async clear(name) {
      calls.push(`clear ${name}`);
      return store.delete(name);
    },
  };
  return { api, calls, store };
}

describe('scheduleChecks', () => {
  it('creates the alarm once an account is configured', async () => {
    const a = alarms();
    await scheduleChecks(a.api, true, 60);
    expect(a.calls).toEqual([`create ${CHECK_ALARM} every 60`]);
  });
  it('leaves a matching alarm alone, so a waking worker does not postpone the check', async () => {
    const a = alarms({ name: CHECK_ALARM, periodInMinutes: 60 });
    await scheduleChecks(a.api, true, 60);
    expect(a.calls).toEqual([]);
  });
  it('replaces the alarm when the interval changed', async () => {
    const a = alarms({ name: CHECK_ALARM, periodInMinutes: 60 });
    await scheduleChecks(a.api, true, 15);
    expect(a.calls).toEqual([`create ${CHECK_ALARM} every 15`]);
  });
  it('removes the alarm when no account is set, and does nothing when there is none', async () => {
    const a = alarms({ name: CHECK_ALARM, periodInMinutes: 60 });
    await scheduleChecks(a.api, false, 60);
    expect(a.calls).toEqual([`clear ${CHECK_ALARM}`]);
    await scheduleChecks(a.api, false, 60);
    expect(a.calls).toEqual([`clear ${CHECK_ALARM}`]);
  });
});
