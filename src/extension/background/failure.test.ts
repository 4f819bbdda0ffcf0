import { describe, expect, it } from 'vitest';
import { failure, failureFrom, plainDetail } from './failure.ts';
import { ObservatoryError } from './observatory.ts';
import { CheckError } from './xmpp/errors.ts';

const at = new Date('2026-11-24T18:00:00Z');

describe('failureFrom', () => {
  it.each([
    ['wrong-password', 'wrong-password', 'Your server refused the password. Enter the right one'],
    ['unreachable', 'server-unreachable', 'could not be reached. Check your internet connection'],
    ['timeout', 'timeout', 'did not answer in time. Try again later'],
    ['protocol', 'protocol', 'choose the other transport'],
    ['insecure', 'insecure', 'Use a wss:// or https://'],
    ['invalid-input', 'invalid-settings', 'correct the marked fields'],
    ['aborted', 'interrupted', 'runs again'],
  ] as const)('turns a CheckError %s into %s, with what to do', (kind, expected, sentence) => {
    const result = failureFrom(new CheckError(kind, 'good.test said no'), at);
    expect(result.kind).toBe(expected);
    expect(result.message).toContain(sentence);
    // Our own wording of the cause follows, as written (a domain keeps its lower case).
    expect(result.message).toMatch(/ Details: good\.test said no\.$/);
    expect(result.at).toBe('2026-11-24T18:00:00.000Z');
  });

  it('never shows an exception’s own text: the observatory’s or anything unexpected', () => {
    const observatory = failureFrom(
      new ObservatoryError('The observatory at http://x/ did not answer (TypeError: Failed to fetch).'),
      at,
    );
    expect(observatory.kind).toBe('observatory-unreachable');
    expect(observatory.message).toContain('npm start');
    expect(observatory.message).toMatch(/Details: The observatory at http:\/\/x\/ did not answer\.$/);
    expect(observatory.message).not.toMatch(/TypeError|Failed to fetch/);
    const internal = failureFrom(new TypeError('x is undefined'), at);
    expect(internal).toMatchObject({ kind: 'internal' });
    expect(internal.message).toBe(
      'The check failed unexpectedly. Try again; if it keeps failing, restart the browser.',
    );
    expect(failureFrom('a string', at).kind).toBe('internal');
  });

  it('drops raw parts from our own sentences and keeps the rest', () => {
    expect(
      failureFrom(
        new CheckError('unreachable', 'cannot connect to wss://a.test/ws (TypeError: Failed to fetch)'),
        at,
      ).message,
    ).toMatch(/Details: cannot connect to wss:\/\/a\.test\/ws\.$/);
  });

  it('gives the sentence alone without a detail', () => {
    expect(failure('no-password', null, at).message).toBe(
      'Hoplight needs your password to check. Enter it in the settings.',
    );
  });
});

describe('plainDetail', () => {
  it.each([
    [
      'good.test refused the user name or password (not-authorized)',
      'good.test refused the user name or password (not-authorized)',
    ],
    ['login took longer than 15000 ms', 'login took longer than 15000 ms'],
    ['cannot connect to wss://x (TypeError: Failed to fetch)', 'cannot connect to wss://x'],
    ['TypeError: Failed to fetch', null],
    ['x is undefined', null],
    ["Cannot read properties of undefined (reading 'a')", null],
    ['NetworkError when attempting to fetch resource.', null],
    ['failed in handler (background.js:12:34)', 'failed in handler'],
    ['    at handler (chrome-extension://id/background.js:12:34)', null],
    ['', null],
  ])('%j → %j', (detail, plain) => {
    expect(plainDetail(detail)).toBe(plain);
  });
});
