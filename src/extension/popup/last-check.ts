// "Last check" wording for the popup.

/** A person-readable time of the last check: relative when recent, else date and time. */
export function describeLastCheck(iso: string | null, now: Date, locale?: string): string {
  if (iso === null) return 'never';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return 'unknown';
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes >= 0 && minutes < 1) return 'just now';
  if (minutes >= 1 && minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  return at.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}
