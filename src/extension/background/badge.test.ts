import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { ContactResult } from '../shared/check-types.ts';
import { BADGE_COLORS, newlyRed, toolbarView } from './badge.ts';
import { redNotification } from './notify.ts';

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
      title: 'Hoplight: Unknown',
    });
  });
  it('counts red and yellow contacts, coloured by the worst', () => {
    expect(toolbarView([row('a@x', 'red'), row('b@x', 'yellow'), row('c@x', 'green')])).toEqual({
      light: 'red',
      badgeText: '2',
      badgeColor: BADGE_COLORS.red,
      title: 'Hoplight: 1 unsafe, 1 weakened',
    });
    expect(toolbarView([row('b@x', 'yellow'), row('c@x', 'grey')])).toMatchObject({
      light: 'grey',
      badgeText: '1',
      badgeColor: BADGE_COLORS.yellow,
    });
  });
  it('says all is well, or that the last check failed', () => {
    expect(toolbarView([row('c@x', 'green')]).title).toBe('Hoplight: all protected');
    expect(toolbarView([row('c@x', 'green')], 'server down').title).toBe(
      'Hoplight: all protected (last check failed: server down)',
    );
  });
});

describe('newlyRed', () => {
  it('names contacts that turned red since the last check, not new or already red ones', () => {
    const before = [row('a@x', 'green'), row('b@x', 'red'), row('c@x', 'yellow')];
    const now = [row('a@x', 'red'), row('b@x', 'red'), row('c@x', 'yellow'), row('d@x', 'red')];
    expect(newlyRed(before, now).map((r) => r.jid)).toEqual(['a@x']);
    expect(newlyRed([], now)).toEqual([]);
  });
  it('words one notification for all of them', () => {
    expect(redNotification([row('a@x', 'red')])).toMatchObject({
      title: 'A contact turned unsafe',
      message: 'a@x: a@x.example has not been checked by the observatory yet.',
    });
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => row(`${n}@x`, 'red'));
    expect(redNotification(many)).toMatchObject({
      title: '5 contacts turned unsafe',
      message: 'a@x, b@x, c@x and 2 more: a@x.example has not been checked by the observatory yet.',
    });
  });
});
