import { describe, expect, it } from 'vitest';
import { failure, failureFrom } from './failure.ts';
import { ObservatoryError } from './observatory.ts';
import { CheckError } from './xmpp/errors.ts';

const at = new Date('2026-11-24T18:00:00Z');

describe('failureFrom', () => {
  it.each([
    ['wrong-password', 'wrong-password', 'Your server refused the password.'],
    ['unreachable', 'server-unreachable', 'Your XMPP server could not be reached.'],
    ['timeout', 'timeout', 'did not answer in time'],
    ['protocol', 'protocol', 'does not understand'],
    ['insecure', 'insecure', 'unencrypted'],
    ['invalid-input', 'invalid-settings', 'cannot be used'],
    ['aborted', 'interrupted', 'interrupted'],
  ] as const)('turns a CheckError %s into %s', (kind, expected, lead) => {
    const result = failureFrom(new CheckError(kind, 'good.test said no'), at);
    expect(result.kind).toBe(expected);
    expect(result.message).toContain(lead);
    // The exact reason follows, as written (a domain keeps its lower case).
    expect(result.message).toContain('Reason: good.test said no.');
    expect(result.at).toBe('2026-11-24T18:00:00.000Z');
  });

  it('names an unreachable observatory, and anything else as internal', () => {
    expect(failureFrom(new ObservatoryError('no answer'), at).kind).toBe('observatory-unreachable');
    expect(failureFrom(new TypeError('x is undefined'), at)).toMatchObject({
      kind: 'internal',
      message: 'The check failed unexpectedly. Reason: x is undefined.',
    });
    expect(failureFrom('a string', at).kind).toBe('internal');
  });

  it('gives the lead alone without a detail', () => {
    expect(failure('no-password', null, at).message).toBe(
      'Enter your password in the settings to run a check.',
    );
  });
});
