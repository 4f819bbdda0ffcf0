import { describe, expect, it } from 'vitest';
import {
  checkJid,
  DEFAULT_SETTINGS,
  defaultPrivacyMode,
  isConfigured,
  isLoopbackUrl,
  type Settings,
  settingsFromStorage,
  urlProblem,
  validateSettings,
} from './settings.ts';

const valid: Settings = {
  jid: 'alice@example.org',
  endpoint: { mode: 'url', url: 'wss://example.org/xmpp-websocket' },
  transport: 'websocket',
  observatoryUrl: 'https://observatory.example.org/',
  privacyMode: true,
  checkIntervalMinutes: 30,
  notifications: false,
};

describe('checkJid', () => {
  it.each([
    ['alice@example.org', 'alice@example.org'],
    ['a.b-c_d@xmpp.example.org', 'a.b-c_d@xmpp.example.org'],
    ['Alice@Example.ORG', 'alice@example.org'],
    ['jürgen@bücher.example', 'jürgen@xn--bcher-kva.example'],
  ])('accepts %s as %s', (jid, bare) => {
    expect(checkJid(jid)).toEqual({ ok: true, bare });
  });

  it.each([
    ['', 'Enter your XMPP address'],
    ['  ', 'Enter your XMPP address'],
    [' alice@example.org', 'Remove the spaces'],
    ['alice', 'needs a user name and a server'],
    ['example.org', 'needs a user name and a server'],
    ['@example.org', 'user name) is empty'],
    ['alice@', 'your server) is empty'],
    ['alice@example.org/phone', 'without a resource'],
    ['al ice@example.org', 'must not contain'],
    ['al:ice@example.org', 'must not contain'],
    ['a@b@example.org', 'not allowed in a domain name'],
    ['alice@-bad.example', 'letters, digits and inner hyphens'],
    ['alice@exa mple.org', 'spaces'],
    ['alice@example..org', 'empty label'],
    ['alice@localhost', 'single label'],
    ['alice@127.0.0.1', 'IP address'],
    [`${'a'.repeat(1024)}@example.org`, 'longer than 1023 octets'],
    [`alice@${'a.'.repeat(127)}org`, 'at most 253'],
  ])('refuses %j with a message for people', (jid, message) => {
    const result = checkJid(jid);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});

describe('the observatory and the privacy choice', () => {
  it('defaults to the observatory `npm start` serves on this machine', () => {
    expect(DEFAULT_SETTINGS.observatoryUrl).toBe('http://127.0.0.1:8080');
    expect(validateSettings({ ...DEFAULT_SETTINGS, jid: 'alice@example.org' }).ok).toBe(true);
  });
  it.each([
    ['http://127.0.0.1:8080', true],
    ['http://127.3.2.1/', true],
    ['http://localhost:8080/', true],
    ['http://[::1]:8080/', true],
    ['https://observatory.example.org/', false],
    ['http://127.0.0.1.example.org/', false],
    ['http://10.0.0.1:8080/', false],
    ['not a url', false],
  ])('%s is on this machine: %s', (url, own) => {
    expect(isLoopbackUrl(url)).toBe(own);
    // Lookups preselected for one's own observatory; for any other, no choice is made for the user.
    expect(defaultPrivacyMode(url)).toBe(own ? false : null);
  });
});

describe('urlProblem', () => {
  it('accepts the listed schemes only', () => {
    expect(urlProblem('wss://example.org/ws', ['wss', 'ws'], 'connection')).toBeNull();
    expect(urlProblem('https://example.org/ws', ['wss', 'ws'], 'connection')).toBe(
      'The connection URL must start with wss:// or ws://.',
    );
  });
  it('explains an empty, malformed or credential-carrying URL', () => {
    expect(urlProblem('', ['https'], 'observatory')).toBe('Enter the observatory URL.');
    expect(urlProblem('not a url', ['https'], 'observatory')).toBe('The observatory URL is not a valid URL.');
    expect(urlProblem('https://u:p@example.org/', ['https'], 'observatory')).toContain(
      'user name or password',
    );
  });
});

describe('validateSettings', () => {
  it('returns complete settings for valid input', () => {
    expect(validateSettings(valid)).toEqual({ ok: true, settings: valid });
  });

  it('accepts the defaults (not configured yet)', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
    expect(isConfigured(DEFAULT_SETTINGS)).toBe(false);
    expect(isConfigured(valid)).toBe(true);
  });

  it('stores the normalised JID', () => {
    expect(validateSettings({ ...valid, jid: 'Alice@EXAMPLE.org' })).toEqual({ ok: true, settings: valid });
  });

  it('trims URLs and drops unknown fields', () => {
    const result = validateSettings({
      ...valid,
      observatoryUrl: '  https://o.example/ ',
      password: 'secret',
    });
    expect(result).toEqual({ ok: true, settings: { ...valid, observatoryUrl: 'https://o.example/' } });
  });

  it('ties every problem to its field', () => {
    const result = validateSettings({
      jid: 'nobody',
      endpoint: { mode: 'url', url: 'https://example.org/http-bind' },
      transport: 'websocket',
      observatoryUrl: 'ftp://o.example/',
      checkIntervalMinutes: 2.5,
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual([
      'jid',
      'endpointUrl',
      'observatoryUrl',
      'checkIntervalMinutes',
    ]);
  });

  it('checks the endpoint scheme against the transport', () => {
    const bosh = {
      ...valid,
      transport: 'bosh',
      endpoint: { mode: 'url', url: 'https://example.org/http-bind' },
    };
    expect(validateSettings(bosh).ok).toBe(true);
    expect(validateSettings({ ...bosh, endpoint: valid.endpoint })).toMatchObject({
      ok: false,
      errors: [{ field: 'endpointUrl', message: 'The connection URL must start with https:// or http://.' }],
    });
  });

  it.each([null, undefined, 'settings', 42, [], [valid]])('refuses %j without throwing', (input) => {
    expect(validateSettings(input)).toEqual({
      ok: false,
      errors: [{ field: 'jid', message: 'The settings are damaged. Set them again.' }],
    });
  });

  it('refuses wrong types field by field', () => {
    const result = validateSettings({
      jid: 7,
      endpoint: 'auto',
      transport: 'carrier-pigeon',
      observatoryUrl: null,
      checkIntervalMinutes: '60',
    });
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual([
      'transport',
      'endpointUrl',
      'observatoryUrl',
      'checkIntervalMinutes',
    ]);
  });

  it.each([4, 1441, Number.NaN, Number.POSITIVE_INFINITY, -60])(
    'refuses an interval of %s minutes',
    (minutes) => {
      expect(validateSettings({ ...valid, checkIntervalMinutes: minutes }).ok).toBe(false);
    },
  );
});

describe('settingsFromStorage', () => {
  it('reads stored settings back', () => {
    expect(settingsFromStorage(valid)).toEqual(valid);
  });
  it('fills fields an older version did not store', () => {
    const { notifications: _n, privacyMode: _p, ...older } = valid;
    expect(settingsFromStorage(older)).toEqual({ ...valid, notifications: true, privacyMode: false });
  });
  it.each([undefined, null, 'garbage', { checkIntervalMinutes: -1 }])(
    'falls back to the defaults for %j',
    (s) => {
      expect(settingsFromStorage(s)).toEqual(DEFAULT_SETTINGS);
    },
  );
});
