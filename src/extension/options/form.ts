// The options form's values as the inputs hold them (strings and booleans) and their conversion to
// and from Settings. Validation itself is shared/settings.ts, the same the background applies.

import { t } from '../shared/i18n.ts';
import {
  checkJid,
  type Settings,
  type SettingsError,
  type SettingsField,
  type SettingsValidation,
  type Transport,
  validateSettings,
} from '../shared/settings.ts';

export interface FormValues {
  jid: string;
  endpointMode: 'auto' | 'url';
  endpointUrl: string;
  transport: Transport;
  observatoryUrl: string;
  privacyMode: boolean;
  /** As typed; converted to a number on submit. */
  checkIntervalMinutes: string;
  notifications: boolean;
  /** Typed only to be sent once to the background; never part of the settings. */
  password: string;
  remember: boolean;
}

export function formFromSettings(settings: Settings): FormValues {
  return {
    password: '',
    remember: false,
    jid: settings.jid,
    endpointMode: settings.endpoint.mode,
    endpointUrl: settings.endpoint.mode === 'url' ? settings.endpoint.url : '',
    transport: settings.transport,
    observatoryUrl: settings.observatoryUrl,
    privacyMode: settings.privacyMode,
    checkIntervalMinutes: String(settings.checkIntervalMinutes),
    notifications: settings.notifications,
  };
}

/** The candidate settings for validation; text the user typed is trimmed, the interval parsed. */
export function settingsFromForm(values: FormValues): unknown {
  const interval = values.checkIntervalMinutes.trim();
  return {
    jid: values.jid.trim(),
    endpoint:
      values.endpointMode === 'url' ? { mode: 'url', url: values.endpointUrl.trim() } : { mode: 'auto' },
    transport: values.transport,
    observatoryUrl: values.observatoryUrl.trim(),
    privacyMode: values.privacyMode,
    // Number('') is 0 and Number('1e2') is 100: only plain digits count as a number here.
    checkIntervalMinutes: /^\d+$/.test(interval) ? Number(interval) : Number.NaN,
    notifications: values.notifications,
  };
}

/** Validates what the form holds; unlike stored settings, the form needs an account to be saved. */
export function validateForm(values: FormValues): SettingsValidation {
  const result = validateSettings(settingsFromForm(values));
  if (values.jid.trim() !== '') return result;
  const empty = checkJid('');
  const missing: SettingsError = {
    field: 'jid',
    message: empty.ok ? t('jid_empty') : empty.message,
  };
  return { ok: false, errors: [missing, ...(result.ok ? [] : result.errors)] };
}

/** The first message per field, for showing beside each input. */
export function errorsByField(errors: readonly SettingsError[]): Partial<Record<SettingsField, string>> {
  const byField: Partial<Record<SettingsField, string>> = {};
  for (const { field, message } of errors) byField[field] ??= message;
  return byField;
}

/** Fields in the order they appear on the page, so focus goes to the first one that is wrong. */
export const FIELD_ORDER: readonly SettingsField[] = [
  'jid',
  'transport',
  'endpointUrl',
  'observatoryUrl',
  'checkIntervalMinutes',
];
