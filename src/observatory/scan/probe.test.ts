import { describe, expect, it } from 'vitest';
import { DeadlineError } from '../../core/deadline.ts';
import { DnsError } from './dns.ts';
import { attempt, attemptStatus, type Probe } from './probe.ts';
import { StreamProbeError } from './stream/errors.ts';

const probeOf = <T>(run: () => Promise<T>): Probe<null, T> => ({ name: 'test', run });

describe('attempt', () => {
  it('carries the result of a probe that finished', async () => {
    expect(
      await attempt(
        probeOf(async () => 42),
        null,
      ),
    ).toEqual({ status: 'ok', result: 42 });
  });

  it('turns what a probe throws into a status and text, never an exception', async () => {
    const failed = await attempt(
      probeOf(async () => {
        throw new StreamProbeError('closed', 'the server closed the XMPP stream');
      }),
      null,
    );
    expect(failed).toEqual({ status: 'error', error: 'the server closed the XMPP stream' });
    expect(
      await attempt(
        probeOf(() => Promise.reject('odd')),
        null,
      ),
    ).toEqual({
      status: 'error',
      error: 'odd',
    });
  });
});

describe('attemptStatus', () => {
  it('tells a timeout from a refusal from any other failure', () => {
    expect(attemptStatus(new DeadlineError('the TLS handshake', 500))).toBe('timed-out');
    expect(attemptStatus(new StreamProbeError('timeout', 'no complete answer within 500 ms'))).toBe(
      'timed-out',
    );
    expect(attemptStatus(new DnsError('TIMEOUT', 'a.test', 'A', 'no answer'))).toBe('timed-out');
    expect(attemptStatus(new StreamProbeError('connect', 'cannot connect: connect ECONNREFUSED'))).toBe(
      'refused',
    );
    expect(attemptStatus(new DnsError('REFUSED', 'a.test', 'A', 'refused'))).toBe('refused');
    expect(attemptStatus(new StreamProbeError('connect', 'cannot connect: EHOSTUNREACH'))).toBe('error');
    expect(attemptStatus(new Error('anything else'))).toBe('error');
  });
});
