// What the toolbar shows after a check, and which contacts deserve a notification. Pure.
import type { ContactResult } from '../shared/check-types.ts';
import { t } from '../shared/i18n.ts';
import { worstKnownLight } from '../shared/known-light.ts';
import type { Light } from '../shared/lights.ts';

export interface ToolbarView {
  /** The worst *known* light: grey only when nothing is known. */
  light: Light;
  /** The number of red contacts; `!` when the last check failed; empty when neither. */
  badgeText: string;
  /** WCAG AA against the badge's white text; null without a badge. */
  badgeColor: string | null;
  title: string;
}

export const BADGE_COLORS = { red: '#b3261e', failed: '#5f5f5f' } as const;

export function toolbarView(results: readonly ContactResult[], failure: string | null = null): ToolbarView {
  const light = worstKnownLight(results);
  const red = results.filter((r) => r.light === 'red').length;
  const yellow = results.filter((r) => r.light === 'yellow').length;
  const summary =
    results.length === 0
      ? t('title_nothingKnown')
      : red > 0 || yellow > 0
        ? t('title_counts', red, yellow)
        : light === 'green'
          ? t('title_allGreen')
          : t('title_nothingKnown');
  const badgeText = failure !== null ? '!' : red > 0 ? String(red) : '';
  return {
    light,
    badgeText,
    badgeColor: failure !== null ? BADGE_COLORS.failed : red > 0 ? BADGE_COLORS.red : null,
    title: failure !== null ? t('title_failed', summary, failure) : t('title_summary', summary),
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

/**
 * Of the contacts that turned red, those not already notified: a contact flapping red → grey → red
 * (an observatory or a server answering now and then) is notified once. Pure.
 */
export function redToNotify(
  candidates: readonly ContactResult[],
  notified: ReadonlySet<string>,
): ContactResult[] {
  return candidates.filter((r) => !notified.has(r.jid));
}

/**
 * The notified set after a check: a contact stays in it while red or grey (unknown is no all-clear),
 * and leaves it once known green or yellow, or gone from the roster; then turning red notifies again.
 */
export function stillNotified(
  notified: ReadonlySet<string>,
  results: readonly ContactResult[],
  justNotified: readonly ContactResult[] = [],
): Set<string> {
  const light = new Map(results.map((r) => [r.jid, r.light]));
  const kept = [...notified].filter((jid) => {
    const now = light.get(jid);
    return now === 'red' || now === 'grey';
  });
  return new Set([...kept, ...justNotified.map((r) => r.jid)]);
}
