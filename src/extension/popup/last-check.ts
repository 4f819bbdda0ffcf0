// "Last check" and "scanned" wording for the popup, in the browser's language.
import { t, uiLanguage } from '../shared/i18n.ts';

/** A person-readable time: relative when recent (Intl words it per language), else date and time. */
export function describeLastCheck(iso: string | null, now: Date, locale: string = uiLanguage()): string {
  if (iso === null) return t('time_never');
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return t('time_unknown');
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes >= 0 && minutes < 1) return t('time_justNow');
  if (minutes >= 1 && minutes < 60) {
    return new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(-minutes, 'minute');
  }
  return at.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}
