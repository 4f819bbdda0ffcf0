import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, makeChain, type TestCert } from '../../../test/support/pki.ts';
import { daneFindings, matchDane, type TlsaAnswer } from './dane.ts';
import type { TlsaRecord } from './dns.ts';

let root: TestCert;
let intermediate: TestCert;
let leaf: TestCert;
let other: TestCert;
let chain: Uint8Array[];

beforeAll(async () => {
  ({ root, intermediate, leaf } = await makeChain('example.org'));
  other = await issue(null, { subject: 'CN=other', ca: true });
  chain = [leaf.der, intermediate.der];
});

const spki = (c: TestCert) =>
  new Uint8Array(new X509Certificate(c.der).publicKey.export({ type: 'spki', format: 'der' }));
const sha = (alg: 'sha256' | 'sha512', d: Uint8Array) => new Uint8Array(createHash(alg).update(d).digest());

function rec(usage: number, selector: number, matchingType: number, cert: TestCert): TlsaRecord {
  const data = selector === 0 ? cert.der : spki(cert);
  return {
    usage,
    selector,
    matchingType,
    data: matchingType === 0 ? data : sha(matchingType === 1 ? 'sha256' : 'sha512', data),
  };
}

const answer = (records: TlsaRecord[], dnssec = true): TlsaAnswer => ({
  name: '_5269._tcp.xmpp.example.org',
  dnssec,
  records,
});
const ctx = { domain: 'example.org', identityMatches: true, pkixTrusted: true };
const noTrust = { domain: 'example.org', identityMatches: false, pkixTrusted: false };

describe('matchDane', () => {
  it.each([
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 0],
    [1, 1],
    [1, 2],
  ])('DANE-EE selector %i matching %i matches the leaf, without PKIX or name', (selector, matching) => {
    const r = matchDane(answer([rec(3, selector, matching, leaf)]), chain, noTrust);
    expect(r.matches).toBe(true);
  });

  it('DANE-EE of another key does not match', () => {
    expect(matchDane(answer([rec(3, 1, 1, other)]), chain, ctx).matches).toBe(false);
  });

  it('one matching record among others is enough', () => {
    expect(matchDane(answer([rec(3, 1, 1, other), rec(3, 1, 2, leaf)]), chain, ctx).matches).toBe(true);
  });

  it('DANE-TA matches a CA the leaf chains to, and still needs the name', () => {
    expect(matchDane(answer([rec(2, 1, 1, intermediate)]), chain, ctx).matches).toBe(true);
    expect(
      matchDane(answer([rec(2, 0, 1, intermediate)]), chain, { ...ctx, pkixTrusted: false }).matches,
    ).toBe(true);
    expect(
      matchDane(answer([rec(2, 1, 1, intermediate)]), chain, { ...ctx, identityMatches: false }).matches,
    ).toBe(false);
  });

  it('DANE-TA: a root carried in full in the record ("2 0 0") anchors the chain', () => {
    expect(matchDane(answer([rec(2, 0, 0, root)]), chain, ctx).matches).toBe(true);
  });

  it('DANE-TA: a CA the leaf does not chain to does not match, even if sent', () => {
    expect(
      matchDane(answer([rec(2, 1, 1, other)]), [leaf.der, intermediate.der, other.der], ctx).matches,
    ).toBe(false);
    // The leaf's key as a "TA" is not a CA in the chain above the leaf.
    expect(matchDane(answer([rec(2, 1, 1, leaf)]), chain, ctx).matches).toBe(false);
  });

  it('PKIX-EE and PKIX-TA also need PKIX validity and the name', () => {
    expect(matchDane(answer([rec(1, 1, 1, leaf)]), chain, ctx).matches).toBe(true);
    expect(matchDane(answer([rec(1, 1, 1, leaf)]), chain, { ...ctx, pkixTrusted: false }).matches).toBe(
      false,
    );
    expect(matchDane(answer([rec(1, 1, 1, leaf)]), chain, { ...ctx, identityMatches: false }).matches).toBe(
      false,
    );
    expect(matchDane(answer([rec(0, 1, 1, intermediate)]), chain, ctx).matches).toBe(true);
    expect(
      matchDane(answer([rec(0, 1, 1, intermediate)]), chain, { ...ctx, pkixTrusted: false }).matches,
    ).toBe(false);
    expect(matchDane(answer([rec(0, 1, 1, leaf)]), chain, ctx).matches).toBe(false);
  });

  it('ignores records that are not DNSSEC-validated', () => {
    const r = matchDane(answer([rec(3, 1, 1, leaf)], false), chain, ctx);
    expect(r.matches).toBeNull();
    expect(r.dnssec).toBe(false);
    expect(daneFindings(r, 'xmpp.example.org:5269').map((f) => [f.code, f.target])).toEqual([
      ['dane.not-validated', 'xmpp.example.org:5269'],
    ]);
  });

  it('null without records, and with only unusable ones', () => {
    expect(matchDane(answer([]), chain, ctx).matches).toBeNull();
    expect(daneFindings(matchDane(answer([]), chain, ctx))).toEqual([]);
    const unusable = matchDane(
      answer([
        { usage: 4, selector: 1, matchingType: 1, data: new Uint8Array(32) },
        { usage: 3, selector: 2, matchingType: 1, data: new Uint8Array(32) },
        { usage: 3, selector: 1, matchingType: 9, data: new Uint8Array(32) },
      ]),
      chain,
      ctx,
    );
    expect(unusable.matches).toBeNull();
    expect(daneFindings(unusable).map((f) => f.code)).toEqual(['dane.unusable']);
  });

  it('reports records as hex and a mismatch as a finding', () => {
    const r = matchDane(answer([rec(3, 1, 1, other)]), chain, ctx);
    expect(r.records[0]).toEqual({
      usage: 3,
      selector: 1,
      matchingType: 1,
      data: Buffer.from(sha('sha256', spki(other))).toString('hex'),
    });
    expect(daneFindings(r).map((f) => f.code)).toEqual(['dane.mismatch']);
  });

  it('a chain that is not X.509 gives a clear error', () => {
    expect(() => matchDane(answer([rec(3, 1, 1, leaf)]), [new Uint8Array([0x30, 0x00])], ctx)).toThrow(
      /DANE: certificate 1 of the chain is not valid X\.509/,
    );
  });
});
