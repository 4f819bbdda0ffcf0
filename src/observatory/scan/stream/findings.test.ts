import { describe, expect, it } from 'vitest';
import type { StreamResult } from '../../../core/report.ts';
import { streamFindings } from './findings.ts';

const base: StreamResult = {
  header: { from: 'a.test', id: '1', version: '1.0' },
  starttls: 'required',
  saslBeforeTls: [],
  saslAfterTls: ['SCRAM-SHA-1'],
  dialback: true,
  saslExternal: false,
  software: null,
};

describe('streamFindings', () => {
  it('nothing to say about a good stream', () => {
    expect(streamFindings(base, 'c2s', false)).toEqual([]);
    expect(streamFindings(base, 's2s', false)).toEqual([]);
  });

  it('STARTTLS missing or optional, PLAIN before TLS', () => {
    const codes = (s: Partial<StreamResult>, service: 'c2s' | 's2s' = 'c2s', direct = false) =>
      streamFindings({ ...base, ...s }, service, direct, 'a.test:5222').map((f) => [
        f.code,
        f.severity,
        f.target,
      ]);
    expect(codes({ starttls: 'none', saslBeforeTls: ['PLAIN'] })).toEqual([
      ['stream.starttls.none', 'critical', 'a.test:5222'],
      ['stream.sasl.plain-before-tls', 'high', 'a.test:5222'],
    ]);
    expect(codes({ starttls: 'offered' })).toEqual([['stream.starttls.optional', 'high', 'a.test:5222']]);
    expect(codes({ starttls: 'none' }, 'c2s', true)).toEqual([]);
    expect(codes({ dialback: false }, 's2s')).toEqual([['stream.s2s.no-auth-method', 'info', 'a.test:5222']]);
  });
});
