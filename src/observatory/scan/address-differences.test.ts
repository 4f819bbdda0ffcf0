import { describe, expect, it } from 'vitest';
import { cert, leaf, SUITES, target, tls } from '../../core/testing/fixtures.ts';
import { bothFamilies } from './address-cap.ts';
import { addressDifferences } from './address-differences.ts';

const both = ['192.0.2.1', '2001:db8::1'];

describe('addressDifferences', () => {
  it('says nothing when the addresses answer alike, or a target has one address', () => {
    const v4 = target({ addresses: both, address: '192.0.2.1' });
    const v6 = target({ addresses: both, address: '2001:db8::1' });
    expect(addressDifferences([v4, v6])).toEqual([]);
    expect(addressDifferences([target()])).toEqual([]);
  });

  it('names each differing fact with every address’s value', () => {
    const v4 = target({ addresses: both, address: '192.0.2.1' });
    const v6 = target({
      addresses: both,
      address: '2001:db8::1',
      tls: tls({ 'TLSv1.0': [SUITES.rsa3des], 'TLSv1.2': [SUITES.ecdheAes128Gcm] }),
      certificate: cert({}, { sha256Fingerprint: 'ff'.repeat(32) }),
    });
    const [finding, ...rest] = addressDifferences([v4, v6]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      code: 'target.addresses-differ',
      severity: 'medium',
      target: 'good.test:5222',
    });
    expect(finding?.message).toContain(
      'TLS versions (192.0.2.1: TLSv1.2, TLSv1.3; 2001:db8::1: TLSv1.0, TLSv1.2)',
    );
    expect(finding?.message).toContain('cipher suites (');
    expect(finding?.message).toContain(`2001:db8::1: SHA-256 ${'ff'.repeat(8)}…`);
    expect(finding?.message).not.toContain('reachability');
    expect(leaf().sha256Fingerprint).not.toBe('ff'.repeat(32));
  });

  it('reports an address that fails while another answers, and compares TLS only where both answered', () => {
    const v4 = target({ addresses: both, address: '192.0.2.1' });
    const v6 = target({
      addresses: both,
      address: '2001:db8::1',
      status: 'error',
      failure: 'refused',
      stream: null,
      tls: null,
      certificate: null,
    });
    const [finding] = addressDifferences([v4, v6]);
    expect(finding?.message).toContain('reachability (192.0.2.1: answers; 2001:db8::1: fails (refused))');
    expect(finding?.message).not.toContain('TLS versions');
  });

  it('keeps targets apart by host, port and kind', () => {
    const a = target({ addresses: both, address: '192.0.2.1' });
    const b = target({
      addresses: both,
      address: '2001:db8::1',
      port: 5223,
      directTls: true,
      tls: tls({ 'TLSv1.0': [SUITES.rsa3des] }),
    });
    expect(addressDifferences([a, b])).toEqual([]);
  });
});

describe('bothFamilies', () => {
  it('takes IPv4 and IPv6 in turn up to the cap, so neither family is left out', () => {
    const v4 = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];
    expect(bothFamilies([...v4, '2001:db8::1'], 4)).toEqual([
      '192.0.2.1',
      '2001:db8::1',
      '192.0.2.2',
      '192.0.2.3',
    ]);
    expect(bothFamilies(v4, 4)).toEqual(v4.slice(0, 4));
    expect(bothFamilies(['2001:db8::1', '2001:db8::2'], 4)).toEqual(['2001:db8::1', '2001:db8::2']);
    expect(bothFamilies([], 4)).toEqual([]);
  });
});
