// The extension's settings: their type, defaults and validation. Shared by the background (which
// stores them in storage.local, never storage.sync) and the options page (which validates as you type).
// No credentials here: passwords and SCRAM keys are a separate store with their own rules (DESIGN §5).
import { parseJid } from '../../core/domain.ts';

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

/** Placeholder until the project runs a public observatory; `.example` never resolves (RFC 2606). */
export const DEFAULT_OBSERVATORY_URL = 'https://observatory.hoplight.example/';

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
  if (jid.trim() === '') return problem('Enter your XMPP address, for example alice@example.org.');
  if (jid !== jid.trim()) return problem('Remove the spaces before or after the address.');
  if (jid.includes('/')) return problem('Enter the address without a resource (the part after "/").');
  const at = jid.indexOf('@');
  if (at === -1) return problem('The address needs a user name and a server, like alice@example.org.');
  if (at === 0) return problem('The part before "@" (your user name) is empty.');
  if (at === jid.length - 1) return problem('The part after "@" (your server) is empty.');
  const parsed = parseJid(jid);
  if (!parsed.ok) return problem(parsed.error);
  return { ok: true, bare: parsed.jid.bare };
}

/** Why a URL is not acceptable for this use, or null. `schemes` lists the accepted ones without ':'. */
export function urlProblem(value: string, schemes: readonly string[], what: string): string | null {
  if (value.trim() === '') return `Enter the ${what}.`;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `The ${what} is not a valid URL.`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    return `The ${what} must start with ${schemes.map((s) => `${s}://`).join(' or ')}.`;
  }
  if (url.username !== '' || url.password !== '')
    return `The ${what} must not contain a user name or password.`;
  return null;
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
    return { ok: false, errors: [{ field: 'jid', message: 'The settings are not an object.' }] };
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
    errors.push({ field: 'transport', message: 'Choose WebSocket or BOSH as the transport.' });
  }

  let endpoint: Endpoint = { mode: 'auto' };
  const rawEndpoint = raw.endpoint as Record<string, unknown> | null | undefined;
  if (typeof rawEndpoint === 'object' && rawEndpoint !== null && rawEndpoint.mode === 'url') {
    const url = typeof rawEndpoint.url === 'string' ? rawEndpoint.url.trim() : '';
    const schemes = ENDPOINT_SCHEMES[transport === 'bosh' ? 'bosh' : 'websocket'];
    const problem = urlProblem(url, schemes, 'connection URL');
    if (problem) errors.push({ field: 'endpointUrl', message: problem });
    endpoint = { mode: 'url', url };
  } else if (!(typeof rawEndpoint === 'object' && rawEndpoint !== null && rawEndpoint.mode === 'auto')) {
    errors.push({ field: 'endpointUrl', message: 'Choose automatic discovery or give a connection URL.' });
  }

  const observatoryUrl = typeof raw.observatoryUrl === 'string' ? raw.observatoryUrl.trim() : '';
  const observatoryProblem = urlProblem(observatoryUrl, ['https', 'http'], 'observatory URL');
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
      message: `Check every ${MIN_CHECK_INTERVAL_MINUTES} to ${MAX_CHECK_INTERVAL_MINUTES} minutes (a whole number).`,
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
