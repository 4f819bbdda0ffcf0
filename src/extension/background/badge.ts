// What the toolbar shows after a check, and which contacts deserve a notification. Pure.
import type { ContactResult } from '../shared/check-types.ts';
import { LIGHT_LABELS, type Light } from '../shared/lights.ts';
import { overallLight } from './contact-paths.ts';

export interface ToolbarView {
  light: Light;
  /** Count of red and yellow contacts; empty when none. */
  badgeText: string;
  /** Badge colour by the worst of them (WCAG AA against white text); null without a badge. */
  badgeColor: string | null;
  title: string;
}

export const BADGE_COLORS: Record<'red' | 'yellow', string> = { red: '#b3261e', yellow: '#7a5200' };

export function toolbarView(results: readonly ContactResult[], failure: string | null = null): ToolbarView {
  const light = overallLight(results);
  const red = results.filter((r) => r.light === 'red').length;
  const yellow = results.filter((r) => r.light === 'yellow').length;
  const count = red + yellow;
  const parts = [
    red > 0 ? `${red} ${LIGHT_LABELS.red.toLowerCase()}` : null,
    yellow > 0 ? `${yellow} ${LIGHT_LABELS.yellow.toLowerCase()}` : null,
  ].filter((p): p is string => p !== null);
  const summary =
    results.length === 0
      ? LIGHT_LABELS.grey
      : parts.length > 0
        ? parts.join(', ')
        : `all ${LIGHT_LABELS.green.toLowerCase()}`;
  return {
    light,
    badgeText: count > 0 ? String(count) : '',
    badgeColor: red > 0 ? BADGE_COLORS.red : yellow > 0 ? BADGE_COLORS.yellow : null,
    title: `Hoplight: ${summary}${failure ? ` (last check failed: ${failure})` : ''}`,
  };
}

/**
 * Contacts that are red now and were checked before with another light. Contacts new to the roster,
 * and every contact at the very first check, are left out: that is a first look, not a change.
 */
export function newlyRed(
  previous: readonly ContactResult[],
  current: readonly ContactResult[],
): ContactResult[] {
  const before = new Map(previous.map((r) => [r.jid, r.light]));
  return current.filter((r) => r.light === 'red' && before.has(r.jid) && before.get(r.jid) !== 'red');
}
