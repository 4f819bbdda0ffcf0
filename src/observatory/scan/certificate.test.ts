import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, makeCa, makeChain, type TestCert } from '../../../test/support/pki.ts';
import {
  checkCertificate,
  dnsNameMatches,
  matchIdentity,
  parseCertificate,
  srvIdMatches,
} from './certificate.ts';

let root: TestCert;
let intermediate: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  ({ root, intermediate, leaf } = await makeChain('example.org'));
});

const opts = () => ({ extraCa: [root.pem] });

describe('parseCertificate', () => {
  it('reads subject, issuer, validity, key, signature, fingerprints and names', () => {
    const { info } = parseCertificate(leaf.der);
    expect(info.subject).toBe('CN=example.org');
    expect(info.issuer).toBe('CN=Hoplight Test Intermediate');
    expect(info.keyType).toBe('EC');
    expect(info.keyBits).toBe(256);
    expect(info.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(info.signatureHash).toBe('sha256');
    expect(info.sha256Fingerprint).toBe(createHash('sha256').update(leaf.der).digest('hex'));
    const spki = new X509Certificate(leaf.der).publicKey.export({ type: 'spki', format: 'der' });
    expect(info.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(info.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(new Date(info.notAfter) > new Date(info.notBefore)).toBe(true);
    expect(info.names).toEqual({
      dnsIds: ['example.org'],
      srvIds: ['_xmpp-client.example.org', '_xmpp-server.example.org'],
      xmppAddrs: ['example.org'],
      commonName: 'example.org',
    });
  });

  it('reads RSA with SHA-1, EC P-384 and Ed25519', async () => {
    const rsa = await issue(null, { subject: 'CN=rsa.test', key: 'rsa-2048', hash: 'SHA-1' });
    expect(parseCertificate(rsa.der).info).toMatchObject({
      keyType: 'RSA',
      keyBits: 2048,
      signatureAlgorithm: 'sha1WithRSAEncryption',
      signatureHash: 'sha1',
    });
    const p384 = await issue(null, { subject: 'CN=p384.test', key: 'ec-p384', hash: 'SHA-384' });
    expect(parseCertificate(p384.der).info).toMatchObject({
      keyType: 'EC',
      keyBits: 384,
      curve: 'secp384r1',
      signatureAlgorithm: 'ecdsa-with-SHA384',
      signatureHash: 'sha384',
    });
    const ed = await issue(null, { subject: 'CN=ed.test', key: 'ed25519' });
    expect(parseCertificate(ed.der).info).toMatchObject({
      keyType: 'Ed25519',
      keyBits: 256,
      signatureAlgorithm: 'ED25519',
      signatureHash: 'intrinsic',
    });
  });

  it('reads the curve of EC keys and the extended key usage, null when the certificate has none', async () => {
    const serverOnly = await issue(null, { subject: 'CN=s.test', extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] });
    expect(parseCertificate(serverOnly.der).info).toMatchObject({
      curve: 'prime256v1',
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    });
    const both = await issue(null, {
      subject: 'CN=b.test',
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
    });
    expect(parseCertificate(both.der).info.extendedKeyUsage).toEqual([
      '1.3.6.1.5.5.7.3.1',
      '1.3.6.1.5.5.7.3.2',
    ]);
    const none = await issue(null, { subject: 'CN=n.test', key: 'rsa-2048' });
    expect(parseCertificate(none.der).info.extendedKeyUsage).toBeNull();
    expect(parseCertificate(none.der).info.curve).toBeUndefined();
  });

  it('rejects bytes that are not a certificate with a clear error', () => {
    expect(() => parseCertificate(new Uint8Array([1, 2, 3]))).toThrow(
      /not a valid X\.509 certificate \(3 bytes\)/,
    );
  });
});

describe('checkCertificate: chain', () => {
  it('trusts a chain to an extra CA', () => {
    const r = checkCertificate([leaf.der, intermediate.der], 'example.org', 's2s', opts());
    expect(r.trusted).toBe(true);
    expect(r.trustError).toBeNull();
    expect(r.selfSigned).toBe(false);
    expect(r.expired).toBe(false);
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=example.org', 'CN=Hoplight Test Intermediate']);
  });

  it('tolerates a chain out of order and with the root', () => {
    const r = checkCertificate([leaf.der, root.der, intermediate.der], 'example.org', 'c2s', opts());
    expect(r.trusted).toBe(true);
  });

  it('does not trust the test CA without the extra CA (Mozilla roots only)', () => {
    const r = checkCertificate([leaf.der, intermediate.der, root.der], 'example.org', 'c2s', { extraCa: [] });
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe('the chain ends in CN=Hoplight Test Root, a root that is not trusted');
  });

  it('reports a missing intermediate', () => {
    const r = checkCertificate([leaf.der], 'example.org', 'c2s', opts());
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe(
      'unknown issuer CN=Hoplight Test Intermediate (missing intermediate or untrusted CA)',
    );
  });

  it('detects a self-signed certificate', async () => {
    const self = await issue(null, { subject: 'CN=example.org', dnsNames: ['example.org'] });
    const r = checkCertificate([self.der], 'example.org', 'c2s', opts());
    expect(r.selfSigned).toBe(true);
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe('the certificate is self-signed');
    expect(r.identity.matches).toBe(true);
    // Pinned as an extra CA, the same certificate is trusted.
    expect(checkCertificate([self.der], 'example.org', 'c2s', { extraCa: [self.pem] }).trusted).toBe(true);
  });

  it('detects a bad signature: an issuer with the right name but another key', async () => {
    const impostor = await issue(root, { subject: 'CN=Hoplight Test Intermediate', ca: true });
    const r = checkCertificate([leaf.der, impostor.der], 'example.org', 'c2s', opts());
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe(
      'the signature of CN=example.org does not verify with its issuer\u2019s key'.replace('\u2019', "'"),
    );
  });

  it('refuses a leaf used as an issuer', async () => {
    const notCa = await issue(root, { subject: 'CN=leafy.example.org', ca: false });
    const child = await issue(notCa, { subject: 'CN=example.org', dnsNames: ['example.org'] });
    const r = checkCertificate([child.der, notCa.der], 'example.org', 'c2s', opts());
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe('CN=leafy.example.org signed CN=example.org but is not a CA certificate');
  });

  it('flags expired and not yet valid leaves', async () => {
    const old = await issue(intermediate, {
      subject: 'CN=example.org',
      dnsNames: ['example.org'],
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const r = checkCertificate([old.der, intermediate.der], 'example.org', 'c2s', opts());
    expect(r.expired).toBe(true);
    expect(r.notYetValid).toBe(false);
    const early = checkCertificate([leaf.der, intermediate.der], 'example.org', 'c2s', {
      ...opts(),
      now: new Date('2000-01-01T00:00:00Z'),
    });
    expect(early.notYetValid).toBe(true);
  });

  it('gives clear errors for bad input', () => {
    expect(() => checkCertificate([], 'example.org', 'c2s', opts())).toThrow(/chain is empty/);
    expect(() => checkCertificate([leaf.der, new Uint8Array(10)], 'example.org', 'c2s', opts())).toThrow(
      /certificate 2 of the chain: not a valid X\.509 certificate/,
    );
    expect(() => checkCertificate([leaf.der], 'example.org', 'c2s', { extraCa: ['nonsense'] })).toThrow(
      /extra CA: no PEM certificate found/,
    );
  });
});

describe('checkCertificate: identity', () => {
  it('matches DNS-ID, the right SRV-ID and XmppAddr', () => {
    expect(checkCertificate([leaf.der], 'example.org', 'c2s', opts()).identity).toEqual({
      matches: true,
      matchedBy: ['dns-id', 'srv-id', 'xmpp-addr'],
    });
    expect(checkCertificate([leaf.der], 'Example.ORG', 's2s', opts()).identity.matches).toBe(true);
    expect(checkCertificate([leaf.der], 'other.org', 's2s', opts()).identity).toEqual({
      matches: false,
      matchedBy: [],
    });
  });

  it('takes the SRV-ID of the right service only', async () => {
    const c = await issue(intermediate, { subject: 'CN=x', srvNames: ['_xmpp-client.example.org'] });
    const parsed = parseCertificate(c.der);
    expect(matchIdentity(parsed.info.names, parsed.hasSan, 'example.org', 'c2s').matchedBy).toEqual([
      'srv-id',
    ]);
    expect(matchIdentity(parsed.info.names, parsed.hasSan, 'example.org', 's2s').matches).toBe(false);
  });

  it('uses CN only when there is no SAN', async () => {
    const cnOnly = await issue(intermediate, { subject: 'CN=example.org' });
    expect(checkCertificate([cnOnly.der], 'example.org', 'c2s', opts()).identity.matchedBy).toEqual(['cn']);
    const withSan = await issue(intermediate, { subject: 'CN=example.org', dnsNames: ['other.org'] });
    expect(checkCertificate([withSan.der], 'example.org', 'c2s', opts()).identity.matches).toBe(false);
  });

  it('matches an XmppAddr written as a U-label against the A-label domain', () => {
    expect(
      matchIdentity(
        { dnsIds: [], srvIds: [], xmppAddrs: ['bücher.example'], commonName: null },
        true,
        'xn--bcher-kva.example',
        'c2s',
      ).matchedBy,
    ).toEqual(['xmpp-addr']);
  });
});

describe('dnsNameMatches', () => {
  it.each([
    ['example.org', 'example.org', true],
    ['EXAMPLE.org.', 'example.org', true],
    ['*.example.org', 'xmpp.example.org', true],
    ['*.example.org', 'example.org', false],
    ['*.example.org', 'a.b.example.org', false],
    ['x*.example.org', 'xy.example.org', false],
    ['a.*.example.org', 'a.b.example.org', false],
    ['*.org', 'example.org', false],
    ['*', 'example', false],
    ['', 'example.org', false],
  ])('%s vs %s: %s', (presented, reference, expected) => {
    expect(dnsNameMatches(presented, reference)).toBe(expected);
  });

  it('srvIdMatches', () => {
    expect(srvIdMatches('_xmpp-server.example.org', 'example.org', 's2s')).toBe(true);
    expect(srvIdMatches('_xmpp-server.example.org', 'example.org', 'c2s')).toBe(false);
    expect(srvIdMatches('_xmpp-client.sub.example.org', 'example.org', 'c2s')).toBe(false);
    expect(srvIdMatches('nodot', 'example.org', 'c2s')).toBe(false);
  });
});

describe('real roots', () => {
  it('loads Mozilla roots and still rejects an unknown CA', async () => {
    const other = await makeCa('CN=Someone Else');
    const x = await issue(other, { subject: 'CN=example.org', dnsNames: ['example.org'] });
    const r = checkCertificate([x.der], 'example.org', 'c2s', { extraCa: [] });
    expect(r.trusted).toBe(false);
    expect(r.trustError).toMatch(/^unknown issuer CN=Someone Else/);
  });
});
