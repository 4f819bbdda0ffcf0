// The extension's settings: their type, defaults and validation. Shared by the background (which
// stores them in storage.local, never storage.sync) and the options page (which validates as you type).
// No credentials here: passwords and SCRAM keys are a separate store with their own rules (DESIGN §5).
import { parseJid } from '../../core/domain.ts';
import { t } from './i18n.ts';

export type Transport = 'websocket' | 'bosh';

/** Where the XMPP connection goes: discovered with XEP-0156 host-meta, or a URL the user gave. */
export type Endpoint = { mode: 'auto' } | { mode: 'url'; url: string };

export interface Settings {
  /** The user's bare JID; empty until the account is set up. */
  jid: string;
  endpoint: Endpoint;
  transport: Transport;
  /** Base URL of the observatory API. */
  observatoryUrl: string;
  /** Look grades up only in the downloaded snapshot, so the observatory never sees which domains we ask about. */
  privacyMode: boolean;
  checkIntervalMinutes: number;
  notifications: boolean;
}

/** The settings fields a validation message can point at (the options form focuses that field). */
export type SettingsField = 'jid' | 'endpointUrl' | 'transport' | 'observatoryUrl' | 'checkIntervalMinutes';

export interface SettingsError {
  field: SettingsField;
  message: string;
}

export type SettingsValidation = { ok: true; settings: Settings } | { ok: false; errors: SettingsError[] };

export const MIN_CHECK_INTERVAL_MINUTES = 5;
export const MAX_CHECK_INTERVAL_MINUTES = 24 * 60;

/** What `npm start` serves in the Hoplight folder: the user's own observatory. */
export const DEFAULT_OBSERVATORY_URL = 'http://127.0.0.1:8080';

export const DEFAULT_SETTINGS: Settings = {
  jid: '',
  endpoint: { mode: 'auto' },
  transport: 'websocket',
  observatoryUrl: DEFAULT_OBSERVATORY_URL,
  privacyMode: false,
  checkIntervalMinutes: 60,
  notifications: true,
};

export function isConfigured(settings: Settings): boolean {
  return settings.jid !== '';
}

/** A bare JID as typed, checked: the normalised form to store, or why it is not acceptable. */
export type JidCheck = { ok: true; bare: string } | { ok: false; message: string };

/**
 * Checks the user's own address. The common slips get a sentence for the person typing; the rest
 * (IDNA, localpart rules) is the path model's JID parser, so the extension and the observatory agree.
 */
export function checkJid(jid: string): JidCheck {
  const problem = (message: string): JidCheck => ({ ok: false, message });
  if (jid.trim() === '') return problem(t('jid_empty'));
  if (jid !== jid.trim()) return problem(t('jid_spaces'));
  if (jid.includes('/')) return problem(t('jid_resource'));
  const at = jid.indexOf('@');
  if (at === -1) return problem(t('jid_noAt'));
  if (at === 0) return problem(t('jid_noLocal'));
  if (at === jid.length - 1) return problem(t('jid_noDomain'));
  const parsed = parseJid(jid);
  // The parser's reason names the rule broken ("single label", "empty label"): kept after our sentence.
  if (!parsed.ok) return problem(t('jid_invalid', jid, parsed.error));
  return { ok: true, bare: parsed.jid.bare };
}

/** Which URL a message is about, in the user's words. */
export type UrlUse = 'connection' | 'observatory';

/** Why a URL is not acceptable for this use, or null. `schemes` lists the accepted ones without ':'. */
export function urlProblem(value: string, schemes: readonly string[], use: UrlUse): string | null {
  const c = use === 'connection';
  if (value.trim() === '') return c ? t('url_emptyConnection') : t('url_emptyObservatory');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return c ? t('url_invalidConnection') : t('url_invalidObservatory');
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    const list = schemes.map((s) => `${s}://`).join(` ${t('common_or')} `);
    return c ? t('url_schemeConnection', list) : t('url_schemeObservatory', list);
  }
  if (url.username !== '' || url.password !== '')
    return c ? t('url_credentialsConnection') : t('url_credentialsObservatory');
  return null;
}

/** The observatory runs on this machine (`npm start`): the user's own, which may learn their contacts' servers. */
export function isLoopbackUrl(value: string): boolean {
  let host: string;
  try {
    host = new URL(value.trim()).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The privacy choice the setup preselects: lookups for the user's own (loopback) observatory; none
 * for any other, where the user chooses explicitly. `true` is privacy mode (download the list only).
 */
export function defaultPrivacyMode(observatoryUrl: string): boolean | null {
  return isLoopbackUrl(observatoryUrl) ? false : null;
}

const ENDPOINT_SCHEMES: Record<Transport, readonly string[]> = {
  websocket: ['wss', 'ws'],
  bosh: ['https', 'http'],
};

/**
 * Checks an untrusted value (from the options form, a message or storage) and returns either complete,
 * normalised settings or every problem found, each tied to its field.
 */
export function validateSettings(input: unknown): SettingsValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'jid', message: t('settings_notObject') }] };
  }
  const raw = input as Record<string, unknown>;
  const errors: SettingsError[] = [];

  let jid = typeof raw.jid === 'string' ? raw.jid : '';
  // An empty JID is allowed: it means "not configured yet" and the popup says so.
  if (jid !== '') {
    const checked = checkJid(jid);
    if (checked.ok) jid = checked.bare;
    else errors.push({ field: 'jid', message: checked.message });
  }

  const transport = raw.transport;
  if (transport !== 'websocket' && transport !== 'bosh') {
    errors.push({ field: 'transport', message: t('settings_transport') });
  }

  let endpoint: Endpoint = { mode: 'auto' };
  const rawEndpoint = raw.endpoint as Record<string, unknown> | null | undefined;
  if (typeof rawEndpoint === 'object' && rawEndpoint !== null && rawEndpoint.mode === 'url') {
    const url = typeof rawEndpoint.url === 'string' ? rawEndpoint.url.trim() : '';
    const schemes = ENDPOINT_SCHEMES[transport === 'bosh' ? 'bosh' : 'websocket'];
    const problem = urlProblem(url, schemes, 'connection');
    if (problem) errors.push({ field: 'endpointUrl', message: problem });
    endpoint = { mode: 'url', url };
  } else if (!(typeof rawEndpoint === 'object' && rawEndpoint !== null && rawEndpoint.mode === 'auto')) {
    errors.push({ field: 'endpointUrl', message: t('settings_endpoint') });
  }

  const observatoryUrl = typeof raw.observatoryUrl === 'string' ? raw.observatoryUrl.trim() : '';
  const observatoryProblem = urlProblem(observatoryUrl, ['https', 'http'], 'observatory');
  if (observatoryProblem) errors.push({ field: 'observatoryUrl', message: observatoryProblem });

  const interval = raw.checkIntervalMinutes;
  if (
    typeof interval !== 'number' ||
    !Number.isInteger(interval) ||
    interval < MIN_CHECK_INTERVAL_MINUTES ||
    interval > MAX_CHECK_INTERVAL_MINUTES
  ) {
    errors.push({
      field: 'checkIntervalMinutes',
      message: t('settings_interval', MIN_CHECK_INTERVAL_MINUTES, MAX_CHECK_INTERVAL_MINUTES),
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      jid,
      endpoint,
      transport: transport as Transport,
      observatoryUrl,
      privacyMode: raw.privacyMode === true,
      checkIntervalMinutes: interval as number,
      notifications: raw.notifications !== false,
    },
  };
}

/**
 * Settings read back from storage: whatever is missing or no longer valid (an older version, a
 * hand edit) falls back to the defaults, so the extension always starts.
 */
export function settingsFromStorage(stored: unknown): Settings {
  const merged =
    typeof stored === 'object' && stored !== null ? { ...DEFAULT_SETTINGS, ...stored } : DEFAULT_SETTINGS;
  const result = validateSettings(merged);
  return result.ok ? result.settings : DEFAULT_SETTINGS;
}
