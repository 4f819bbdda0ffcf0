import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { errorsByField, type FormValues, formFromSettings, settingsFromForm, validateForm } from './form.ts';

const bob: Settings = {
  jid: 'bob@example.org',
  endpoint: { mode: 'url', url: 'https://example.org/http-bind' },
  transport: 'bosh',
  observatoryUrl: 'https://o.example/',
  privacyMode: true,
  checkIntervalMinutes: 90,
  notifications: false,
};

describe('the options form', () => {
  it('round-trips settings through the form values', () => {
    const values = formFromSettings(bob);
    expect(values.checkIntervalMinutes).toBe('90');
    expect(validateForm(values)).toEqual({ ok: true, settings: bob });
  });

  it('keeps a typed URL while "discover automatically" is chosen, without saving it', () => {
    const values: FormValues = { ...formFromSettings(bob), endpointMode: 'auto' };
    expect(values.endpointUrl).toBe('https://example.org/http-bind');
    expect(settingsFromForm(values)).toMatchObject({ endpoint: { mode: 'auto' } });
  });

  it('trims what was typed', () => {
    const values = { ...formFromSettings(bob), jid: '  bob@example.org ', checkIntervalMinutes: ' 90 ' };
    expect(validateForm(values)).toEqual({ ok: true, settings: bob });
  });

  it('needs an account, unlike stored settings', () => {
    const result = validateForm(formFromSettings(DEFAULT_SETTINGS));
    expect(result).toEqual({
      ok: false,
      errors: [{ field: 'jid', message: 'Enter your XMPP address, for example alice@example.org.' }],
    });
  });

  it.each(['', 'ten', '1e2', '15.5', '-5', '0x10'])('refuses the interval %j', (typed) => {
    const result = validateForm({ ...formFromSettings(bob), checkIntervalMinutes: typed });
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual(['checkIntervalMinutes']);
  });

  it('keeps the first message per field', () => {
    expect(
      errorsByField([
        { field: 'jid', message: 'first' },
        { field: 'jid', message: 'second' },
        { field: 'observatoryUrl', message: 'bad URL' },
      ]),
    ).toEqual({ jid: 'first', observatoryUrl: 'bad URL' });
  });
});
