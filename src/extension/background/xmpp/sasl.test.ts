import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import { chooseMechanism, SaslError } from './sasl.ts';

describe('chooseMechanism', () => {
  it('takes the strongest SCRAM offered, in any order', () => {
    const any = { hasPassword: true, plainAllowed: true };
    expect(chooseMechanism(['SCRAM-SHA-1', 'SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'], any)).toBe(
      'SCRAM-SHA-512',
    );
    expect(chooseMechanism(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-1'], any)).toBe('SCRAM-SHA-256');
    expect(chooseMechanism(['SCRAM-SHA-512', 'SCRAM-SHA-1'], { ...any, only: ['SCRAM-SHA-1'] })).toBe(
      'SCRAM-SHA-1',
    );
  });

  it('logs in with stored keys only by the mechanism they were made for', () => {
    const keys = { hasPassword: false, plainAllowed: true };
    expect(chooseMechanism(['SCRAM-SHA-512', 'SCRAM-SHA-1'], { ...keys, keysFor: 'SCRAM-SHA-1' })).toBe(
      'SCRAM-SHA-1',
    );
    expect(() => chooseMechanism(['SCRAM-SHA-1', 'PLAIN'], { ...keys, keysFor: 'SCRAM-SHA-256' })).toThrow(
      expect.objectContaining({ condition: 'no-scram' }),
    );
  });

  it('prefers SCRAM-SHA-1 even where PLAIN is allowed and listed first', () => {
    expect(chooseMechanism(['PLAIN', 'SCRAM-SHA-1'], { hasPassword: true, plainAllowed: true })).toBe(
      'SCRAM-SHA-1',
    );
    expect(
      chooseMechanism(['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1'], { hasPassword: false, plainAllowed: false }),
    ).toBe('SCRAM-SHA-1');
  });

  it('takes PLAIN only when allowed and with a password', () => {
    expect(chooseMechanism(['PLAIN'], { hasPassword: true, plainAllowed: true })).toBe('PLAIN');
    expect(() => chooseMechanism(['PLAIN'], { hasPassword: true, plainAllowed: false })).toThrow(
      expect.objectContaining({ condition: 'insecure-plain' }),
    );
    expect(() => chooseMechanism(['PLAIN'], { hasPassword: false, plainAllowed: true })).toThrow(
      expect.objectContaining({ condition: 'no-scram' }),
    );
  });

  it('says what was offered when nothing fits', () => {
    expect(() =>
      chooseMechanism(['EXTERNAL', 'ANONYMOUS'], { hasPassword: true, plainAllowed: true }),
    ).toThrow(/offered: EXTERNAL, ANONYMOUS/);
    expect(() => chooseMechanism([], { hasPassword: true, plainAllowed: true })).toThrow(/offered: none/);
  });
});

describe('SaslError.fromFailure', () => {
  it('reads the condition and text', () => {
    const error = SaslError.fromFailure(
      parse(
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text xml:lang='en'>Bad password</text></failure>",
      ),
    );
    expect(error).toMatchObject({ condition: 'not-authorized', text: 'Bad password' });
    expect(error.message).toBe('SASL not-authorized: Bad password');
    expect(
      SaslError.fromFailure(parse("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")).condition,
    ).toBe('undefined-condition');
  });
});
