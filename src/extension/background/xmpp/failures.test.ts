import { describe, expect, it } from 'vitest';
import { BoshError } from './bosh.ts';
import { CheckError } from './errors.ts';
import { type FailureContext, toCheckError } from './failures.ts';
import { SaslError } from './sasl.ts';
import { ScramError } from './scram.ts';

const ctx: FailureContext = {
  phase: 'login',
  endpoint: 'wss://x.test/ws',
  domain: 'x.test',
  connected: true,
};

function named(name: string, props: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(String(props.message ?? name)), { name, ...props });
}

describe('toCheckError', () => {
  it.each([
    [new SaslError('not-authorized', ''), 'wrong-password', /x\.test refused the user name or password/],
    [new SaslError('credentials-expired', ''), 'wrong-password', /refused/],
    [new SaslError('no-scram', '', 'enter the password again'), 'key-unusable', /enter the password again/],
    [new SaslError('insecure-plain', '', 'use wss'), 'insecure', /use wss/],
    [new SaslError('account-disabled', 'gone'), 'protocol', /login failed: SASL account-disabled: gone/],
    [
      new ScramError('stale-keys', 'salt changed'),
      'key-unusable',
      /^x.test sent another salt(?!.*password changed)/,
    ],
    [new ScramError('bad-signature', 'sig'), 'protocol', /SCRAM login failed: sig/],
    [new BoshError('network', 'no route'), 'unreachable', /no route/],
    [new BoshError('http', 'HTTP 502'), 'unreachable', /HTTP 502/],
    [new BoshError('timeout', 'slow'), 'timeout', /slow/],
    [new BoshError('terminate', 'gone', { condition: 'remote-connection-failed' }), 'unreachable', /gone/],
    [new BoshError('terminate', 'bad', { condition: 'host-unknown' }), 'protocol', /bad/],
    [named('TimeoutError'), 'timeout', /did not answer in time while logging in/],
    [named('StreamError', { condition: 'host-unknown' }), 'protocol', /does not host x\.test/],
    [
      named('StreamError', { condition: 'conflict', message: 'conflict' }),
      'protocol',
      /stream error: conflict/,
    ],
    [named('StanzaError', { condition: 'forbidden' }), 'protocol', /refused while logging in/],
    [
      Object.assign(new TypeError(''), { event: {}, url: 'wss://x' }),
      'protocol',
      /connection to wss:\/\/x\.test\/ws failed/,
    ],
    [new Error('what'), 'protocol', /unexpected failure while logging in at wss:\/\/x\.test\/ws: what/],
  ])('%s → %s', (error, kind, message) => {
    const mapped = toCheckError(error, ctx);
    expect(mapped).toBeInstanceOf(CheckError);
    expect(mapped.kind).toBe(kind);
    expect(mapped.message).toMatch(message);
    expect(mapped.cause).toBe(error);
  });

  it('anything before the transport opened is unreachable', () => {
    const mapped = toCheckError(new TypeError(''), { ...ctx, connected: false });
    expect(mapped).toMatchObject({ kind: 'unreachable', message: 'cannot connect to wss://x.test/ws' });
  });

  it('keeps conditions and passes CheckErrors through', () => {
    expect(toCheckError(new SaslError('not-authorized', ''), ctx).condition).toBe('not-authorized');
    const own = new CheckError('aborted', 'stop');
    expect(toCheckError(own, ctx)).toBe(own);
    expect(toCheckError('a string', ctx).kind).toBe('protocol');
  });
});
