// Fuzzing of the certificate parser and the chain check that read what a server presents: real
// certificates (RSA, EC, Ed25519; DNS-IDs, SRV-IDs, XmppAddrs; RSA-PSS) mutated byte by byte, raw
// bytes, and certificates signed properly but carrying odd names and dates.
import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as ax from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/observatory/scan/certificate/parse.ts';
import { checkCertificate } from '../../src/observatory/scan/certificate.ts';
import { matchDane } from '../../src/observatory/scan/dane.ts';
import { issue, makeChain, type TestCert } from '../support/pki.ts';
import { fuzz, fuzzAsync, fuzzRuns, onlyTypedErrors } from './support/harness.ts';
import { hostileBytes, oddText } from './support/mutate.ts';

const isCertificateError = (err: unknown) =>
  err instanceof Error && err.constructor === Error && /^not a valid X\.509 certificate/.test(err.message);
const isDaneError = (err: unknown) =>
  err instanceof Error &&
  err.constructor === Error &&
  /^DANE: certificate \d+ of the chain /.test(err.message);
const isChainError = (err: unknown) =>
  err instanceof Error && err.constructor === Error && /^certificate \d+ of the chain: /.test(err.message);

let seeds: Uint8Array[] = [];
let root: TestCert;
let leaf: TestCert;
let intermediate: TestCert;

beforeAll(async () => {
  ({ root, intermediate, leaf } = await makeChain('example.org'));
  const others = await Promise.all([
    issue(null, { subject: 'CN=rsa.example', key: 'rsa-1024', hash: 'SHA-1', dnsNames: ['rsa.example'] }),
    issue(null, { subject: 'CN=ed.example', key: 'ed25519', xmppAddrs: ['ed.example', 'bücher.example'] }),
    issue(root, { subject: 'CN=*.wild.example, O=Test', dnsNames: ['*.wild.example'], hash: 'SHA-512' }),
    issue(null, { subject: 'CN=nosan.example' }),
    issue(null, { subject: 'CN=p384.example', key: 'ec-p384', srvNames: ['_xmpp-server.p384.example'] }),
  ]);
  seeds = [root.der, intermediate.der, leaf.der, ...others.map((c) => c.der)];
});

function checkInfo(der: Uint8Array): void {
  const r = onlyTypedErrors(() => parseCertificate(der), isCertificateError);
  if (!r.ok) {
    // The error names the size, not the bytes: bounded whatever the input.
    expect(r.error.message.length).toBeLessThan(600);
    return;
  }
  const { info } = r.value;
  expect(Number.isNaN(Date.parse(info.notBefore))).toBe(false);
  expect(Number.isNaN(Date.parse(info.notAfter))).toBe(false);
  expect(info.sha256Fingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(info.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(Number.isFinite(info.keyBits)).toBe(true);
  for (const list of [info.names.dnsIds, info.names.srvIds, info.names.xmppAddrs]) {
    for (const name of list) expect(typeof name).toBe('string');
  }
}

describe('fuzz: certificates', () => {
  it('parseCertificate: only its own error on mutated and raw DER; what it reads is well-formed', () => {
    fuzz('certificate.parse', hostileBytes(fc.constantFrom(...seeds), 1024), checkInfo);
  });

  it('checkCertificate: only its own error on chains with mutated members', () => {
    const chain = fc.array(hostileBytes(fc.constantFrom(...seeds), 256), { minLength: 1, maxLength: 4 });
    fuzz('certificate.chain', fc.tuple(chain, fc.constantFrom('c2s', 's2s' as const)), ([certs, service]) => {
      const r = onlyTypedErrors(
        () => checkCertificate(certs, 'example.org', service, { extraCa: [root.pem] }),
        isChainError,
      );
      if (r.ok) expect(r.value.chain.length).toBe(certs.length);
    });
  });

  // TLSA records come from a stranger's zone and the chain from a stranger's server: matching them
  // parses the chain again (node's X.509, not the one checkCertificate uses) and exports its keys.
  it('matchDane: only its own error for hostile TLSA records against chains with mutated members', () => {
    const der = fc.constantFrom(...seeds);
    const association = fc.oneof(
      der,
      der.map((d) => new Uint8Array(createHash('sha256').update(d).digest())),
      der.map(
        (d) =>
          new Uint8Array(
            createHash('sha512')
              .update(new X509Certificate(d).publicKey.export({ type: 'spki', format: 'der' }))
              .digest(),
          ),
      ),
      fc.uint8Array({ maxLength: 80 }),
    );
    const record = fc.record({
      usage: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
      selector: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 255 })),
      matchingType: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })),
      data: association,
    });
    const input = fc.tuple(
      fc.array(record, { maxLength: 4 }),
      fc.array(hostileBytes(der, 256), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.boolean(),
    );
    fuzz('dane.match', input, ([records, chain, identityMatches, pkixTrusted]) => {
      const answer = { name: '_5269._tcp.example.org', dnssec: true, records };
      const r = onlyTypedErrors(
        () => matchDane(answer, chain, { domain: 'example.org', identityMatches, pkixTrusted }),
        isDaneError,
      );
      if (!r.ok) return;
      expect([null, true, false]).toContain(r.value.matches);
      expect(r.value.records.length).toBe(records.length);
    });
  });

  // Found by dane.match (seed 2043754686, case 1,429): a certificate whose key algorithm OID is
  // garbled still parses, but reading its key threw OpenSSL's decode error out of matchDane.
  it('matchDane: a certificate whose key cannot be read matches no "3 1 x" record, without throwing', () => {
    const ecPublicKey = Buffer.from('06072a8648ce3d0201', 'hex');
    const der = Buffer.from(root.der);
    const at = der.indexOf(ecPublicKey);
    expect(at).toBeGreaterThan(0);
    der[at + 2] = 0x2b;
    const records = [{ usage: 3, selector: 1, matchingType: 0, data: new Uint8Array(root.der) }];
    const answer = { name: '_5269._tcp.example.org', dnssec: true, records };
    const ctx = { domain: 'example.org', identityMatches: true, pkixTrusted: true };
    expect(matchDane(answer, [new Uint8Array(der)], ctx).matches).toBe(false);
  });

  it('parseCertificate: properly signed certificates with odd names and dates', async () => {
    const name = fc.oneof(oddText, fc.domain(), fc.string({ maxLength: 300 }));
    const date = fc.date({
      min: new Date('1950-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    const spec = fc.record({
      dns: fc.array(name, { maxLength: 3 }),
      srv: fc.array(name, { maxLength: 2 }),
      xmpp: fc.array(name, { maxLength: 2 }),
      cn: name,
      notBefore: date,
      notAfter: date,
      serial: fc.stringMatching(/^[1-7][0-9a-f]{0,40}$/),
    });
    await fuzzAsync(
      'certificate.generated',
      spec,
      async (s) => {
        const der = await signedWith(s);
        if (der) checkInfo(der);
      },
      // Each case signs a certificate: a tenth of the cases of the byte-level targets.
      Math.max(100, Math.ceil(fuzzRuns() / 10)),
    );
  });
});

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
let signingKeys: CryptoKeyPair | null = null;

/** A certificate signed by a fixed key with the given names; null when the library refuses the names. */
async function signedWith(s: {
  dns: string[];
  srv: string[];
  xmpp: string[];
  cn: string;
  notBefore: Date;
  notAfter: Date;
  serial: string;
}): Promise<Uint8Array | null> {
  signingKeys ??= (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const other = (typeId: string, value: ArrayBuffer) =>
    new ax.GeneralName({ otherName: new ax.OtherName({ typeId, value }) });
  let extensions: x509.Extension[];
  let subject: x509.Name;
  let cert: x509.X509Certificate;
  try {
    const names = [
      ...s.dns.map((d) => new ax.GeneralName({ dNSName: d })),
      ...s.srv.map((v) => other('1.3.6.1.5.5.7.8.7', new asn1js.IA5String({ value: v }).toBER())),
      ...s.xmpp.map((v) => other('1.3.6.1.5.5.7.8.5', new asn1js.Utf8String({ value: v }).toBER())),
    ];
    extensions =
      names.length === 0
        ? []
        : [
            new x509.Extension(
              ax.id_ce_subjectAltName,
              false,
              AsnConvert.serialize(new ax.SubjectAlternativeName(names)),
            ),
          ];
    subject = new x509.Name([{ '2.5.4.3': [s.cn] }]);
    cert = await x509.X509CertificateGenerator.create({
      serialNumber: s.serial,
      subject,
      issuer: subject,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      publicKey: signingKeys.publicKey,
      signingKey: signingKeys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions,
    });
  } catch {
    return null;
  }
  return new Uint8Array(cert.rawData);
}

// Inputs that once broke a parser, kept as they were found.
describe('regressions: certificates', () => {
  it('a notBefore UTCTime starting with a NUL byte is an unreadable certificate, not a RangeError', () => {
    // The test root with one byte of its notBefore overwritten by 0x00: OpenSSL parses the
    // certificate but validFromDate is an Invalid Date, and toISOString threw "Invalid time value".
    // After many certificates in one process Node gives an arbitrary date instead: still refused.
    const der = Buffer.from(
      '3082017230820118a00302010202081c822aa86356ffe5300a06082a8648ce3d040302301d311b301906035504031312486f' +
        '706c69676874205465737420526f6f74301e170d0036313230313034343330315a170d3237303330313035343330315a301d' +
        '311b301906035504031312486f706c69676874205465737420526f6f743059301306072a8648ce3d020106082a8648ce3d03' +
        '0107034200041c53cf8a0e1ec5515eb63091ca209f06307fc4082c25f884e99373d4066c1c0ad2b65b7a2ce938fe14dcc7d6' +
        'b8fcabd1d73400d2c96909cb65303afca739de54a3423040300f0603551d130101ff040530030101ff300e0603551d0f0101' +
        'ff040403020106301d0603551d0e04160414256996768e5c369879411dde5efec365b0ed0f5f300a06082a8648ce3d040302' +
        '0348003045022100a96c1405dda71efeb0c1b773eb9d366bb1e319b782f7f054873ff51b36d67b3e02201e5a5e324d5743a6' +
        'f460c4a493bf129f25d8b73ac66ad1cb88385dc6d33a293e',
      'hex',
    );
    expect(() => parseCertificate(der)).toThrow(
      /^not a valid X\.509 certificate \(374 bytes\): its validity dates/,
    );
  });
});
