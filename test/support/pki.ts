// Test certificates made at test time with @peculiar/x509 and WebCrypto: CAs, intermediates and
// leaves with DNS-IDs, SRV-IDs and XmppAddrs, any validity window, RSA, EC or Ed25519 keys.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as ax from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

export type KeyKind = 'ec-p256' | 'ec-p384' | 'rsa-1024' | 'rsa-2048' | 'ed25519';

export interface TestCert {
  cert: x509.X509Certificate;
  der: Uint8Array;
  pem: string;
  keyPem: string;
  keys: CryptoKeyPair;
  alg: Algorithm;
}

export interface IssueOptions {
  subject: string;
  dnsNames?: string[];
  srvNames?: string[];
  xmppAddrs?: string[];
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  key?: KeyKind;
  /** Hash the issuer signs with (RSA and ECDSA issuers). */
  hash?: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  serial?: string;
  /** Extended key usage OIDs; no EKU extension when absent. */
  extendedKeyUsages?: string[];
}

function algorithm(kind: KeyKind, hash: string): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (kind) {
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256', hash } as EcKeyGenParams;
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384', hash } as EcKeyGenParams;
    case 'rsa-1024':
    case 'rsa-2048':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: kind === 'rsa-1024' ? 1024 : 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash,
      } as RsaHashedKeyGenParams;
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

const OID_SRV = '1.3.6.1.5.5.7.8.7';
const OID_XMPP = '1.3.6.1.5.5.7.8.5';

function sanExtension(o: IssueOptions): x509.Extension | null {
  const names: ax.GeneralName[] = [
    ...(o.dnsNames ?? []).map((d) => new ax.GeneralName({ dNSName: d })),
    ...(o.srvNames ?? []).map(
      (s) =>
        new ax.GeneralName({
          otherName: new ax.OtherName({ typeId: OID_SRV, value: new asn1js.IA5String({ value: s }).toBER() }),
        }),
    ),
    ...(o.xmppAddrs ?? []).map(
      (s) =>
        new ax.GeneralName({
          otherName: new ax.OtherName({
            typeId: OID_XMPP,
            value: new asn1js.Utf8String({ value: s }).toBER(),
          }),
        }),
    ),
  ];
  if (names.length === 0) return null;
  return new x509.Extension(
    ax.id_ce_subjectAltName,
    false,
    AsnConvert.serialize(new ax.SubjectAlternativeName(names)),
  );
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Issues a certificate signed by `issuer`, or self-signed when `issuer` is null. */
export async function issue(issuer: TestCert | null, o: IssueOptions): Promise<TestCert> {
  const kind = o.key ?? 'ec-p256';
  const alg = algorithm(kind, o.hash ?? 'SHA-256');
  const keys = (await subtle.generateKey(alg as EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  const signer = issuer ?? { keys, alg };
  const signingAlgorithm = {
    ...signer.alg,
    ...(o.hash && signer.alg.name !== 'Ed25519' ? { hash: o.hash } : {}),
  };
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca === true, undefined, true),
    new x509.KeyUsagesExtension(
      o.ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const san = sanExtension(o);
  if (san) extensions.push(san);
  if (o.extendedKeyUsages) extensions.push(new x509.ExtendedKeyUsageExtension(o.extendedKeyUsages));
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber:
      o.serial ??
      Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
    subject: o.subject,
    issuer: issuer ? issuer.cert.subject : o.subject,
    notBefore: o.notBefore ?? new Date(now - 3600_000),
    notAfter: o.notAfter ?? new Date(now + 90 * 86400_000),
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm,
    extensions,
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return {
    cert,
    der: new Uint8Array(cert.rawData),
    pem: `${cert.toString('pem').trim()}\n`,
    keyPem: toPem('PRIVATE KEY', pkcs8),
    keys,
    alg,
  };
}

export function makeCa(name = 'CN=Hoplight Test Root', o: Partial<IssueOptions> = {}): Promise<TestCert> {
  return issue(null, { subject: name, ca: true, ...o });
}

/** A CA, an intermediate and a leaf for `domain` (DNS-ID, both SRV-IDs and an XmppAddr). */
export async function makeChain(domain: string, leaf: Partial<IssueOptions> = {}) {
  const root = await makeCa();
  const intermediate = await issue(root, { subject: 'CN=Hoplight Test Intermediate', ca: true });
  const cert = await issue(intermediate, {
    subject: `CN=${domain}`,
    dnsNames: [domain],
    srvNames: [`_xmpp-client.${domain}`, `_xmpp-server.${domain}`],
    xmppAddrs: [domain],
    ...leaf,
  });
  return { root, intermediate, leaf: cert };
}
