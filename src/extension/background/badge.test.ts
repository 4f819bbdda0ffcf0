import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { ContactResult } from '../shared/check-types.ts';
import { BADGE_COLORS, newlyRed, redToNotify, stillNotified, toolbarView } from './badge.ts';
import { openFromNotification, redNotification } from './notify.ts';

const row = (jid: string, light: ContactResult['light']): ContactResult => ({
  jid,
  name: null,
  light,
  reasons: [{ says: phrase('path_not_scanned', `${jid}.example`) }],
  hops: [],
  e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
});

describe('toolbarView', () => {
  it('is grey and empty before any result', () => {
    expect(toolbarView([])).toEqual({
      light: 'grey',
      badgeText: '',
      badgeColor: null,
      title: 'Hoplight: nothing known yet',
    });
  });
  it('shows the worst known light: grey contacts neither hide a red nor lift a green', () => {
    expect(toolbarView([row('a@x', 'grey'), row('b@x', 'red')]).light).toBe('red');
    expect(toolbarView([row('a@x', 'grey'), row('b@x', 'yellow'), row('c@x', 'green')]).light).toBe('yellow');
    expect(toolbarView([row('a@x', 'grey'), row('c@x', 'green')]).light).toBe('green');
    expect(toolbarView([row('a@x', 'grey'), row('b@x', 'grey')]).light).toBe('grey');
  });
  it('counts red contacts only in the badge', () => {
    expect(toolbarView([row('a@x', 'red'), row('b@x', 'yellow'), row('c@x', 'green')])).toEqual({
      light: 'red',
      badgeText: '1',
      badgeColor: BADGE_COLORS.red,
      title: 'Hoplight: 1 unsafe, 1 weakened',
    });
    expect(toolbarView([row('b@x', 'yellow'), row('c@x', 'grey')])).toMatchObject({
      light: 'yellow',
      badgeText: '',
      badgeColor: null,
    });
  });
  it('shows "!" when the last check failed, and says why in the title', () => {
    expect(toolbarView([row('a@x', 'red')], 'Your server refused the password.')).toEqual({
      light: 'red',
      badgeText: '!',
      badgeColor: BADGE_COLORS.failed,
      title: 'Hoplight: 1 unsafe, 0 weakened. The last check failed: Your server refused the password.',
    });
    expect(toolbarView([row('c@x', 'green')]).title).toBe('Hoplight: every known path is protected');
  });
});

describe('newlyRed', () => {
  it('names contacts that turned red since the last check, not new or already red ones', () => {
    const before = [row('a@x', 'green'), row('b@x', 'red'), row('c@x', 'yellow')];
    const now = [row('a@x', 'red'), row('b@x', 'red'), row('c@x', 'yellow'), row('d@x', 'red')];
    expect(newlyRed(before, now).map((r) => r.jid)).toEqual(['a@x']);
    expect(newlyRed([], now)).toEqual([]);
  });
});

describe('notifying a contact once', () => {
  /** Runs the checks through the rules as the background does, returning who was notified each time. */
  function run(checks: ContactResult['light'][][]): string[][] {
    let previous: ContactResult[] = [];
    let notified = new Set<string>();
    const out: string[][] = [];
    for (const lights of checks) {
      const results = lights.map((light, i) => row(`c${i}@x`, light));
      notified = stillNotified(notified, results);
      const due = redToNotify(newlyRed(previous, results), notified);
      notified = stillNotified(notified, results, due);
      out.push(due.map((r) => r.jid));
      previous = results;
    }
    return out;
  }
  it('does not notify twice for a contact flapping grey ↔ red', () => {
    expect(run([['green'], ['red'], ['grey'], ['red'], ['grey'], ['red']])).toEqual([
      [],
      ['c0@x'],
      [],
      [],
      [],
      [],
    ]);
  });
  it('notifies again once the contact was known safe in between', () => {
    expect(run([['green'], ['red'], ['green'], ['red'], ['yellow'], ['grey'], ['red']])).toEqual([
      [],
      ['c0@x'],
      [],
      ['c0@x'],
      [],
      [],
      ['c0@x'],
    ]);
  });
  it('forgets contacts that left the roster', () => {
    expect([...stillNotified(new Set(['gone@x', 'c0@x']), [row('c0@x', 'red')])]).toEqual(['c0@x']);
  });
});

describe('the notification', () => {
  it('words one notification for all of them, pointing to Hoplight for the reasons', () => {
    expect(redNotification([row('a@x', 'red')])).toMatchObject({
      title: 'A contact turned unsafe',
      message: 'a@x. Open Hoplight to see why and what you can do.',
    });
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => row(`${n}@x`, 'red'));
    expect(redNotification(many)).toMatchObject({
      title: '5 contacts turned unsafe',
      message: 'a@x, b@x, c@x and 2 more. Open Hoplight to see why and what you can do.',
    });
  });
  it('opens the popup on a click, or the options where the browser refuses (Firefox)', async () => {
    const opened: string[] = [];
    const openOptions = async () => {
      opened.push('options');
    };
    expect(await openFromNotification({ openPopup: async () => {}, openOptions })).toBe('popup');
    expect(
      await openFromNotification({
        openPopup: () => Promise.reject(new Error('openPopup requires a user gesture')),
        openOptions,
      }),
    ).toBe('options');
    expect(await openFromNotification({ openPopup: undefined, openOptions })).toBe('options');
    expect(opened).toEqual(['options', 'options']);
  });
});
