// The periodic check is an `alarms` alarm, so it survives the service worker and event page stopping.

export const CHECK_ALARM = 'hoplight-check';

/** The parts of `alarms.Alarm` and the `alarms` API we use. */
export interface AlarmInfo {
  name: string;
  periodInMinutes?: number;
}
export interface AlarmsApi {
  get(name: string): Promise<AlarmInfo | undefined>;
  create(name: string, info: { delayInMinutes: number; periodInMinutes: number }): void | Promise<void>;
  clear(name: string): Promise<boolean>;
}

/**
 * Makes the check alarm match the interval. Leaves a matching alarm alone: re-creating it at every
 * background start would push the next check back each time the worker wakes.
 */
export async function scheduleChecks(alarms: AlarmsApi, configured: boolean, minutes: number): Promise<void> {
  const existing = await alarms.get(CHECK_ALARM);
  if (!configured) {
    if (existing) await alarms.clear(CHECK_ALARM);
    return;
  }
  if (existing?.periodInMinutes === minutes) return;
  await alarms.create(CHECK_ALARM, { delayInMinutes: minutes, periodInMinutes: minutes });
}
