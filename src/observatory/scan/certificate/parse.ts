// One X.509 certificate into the report's CertificateInfo. node:crypto's X509Certificate gives keys,
// validity and fingerprints natively; the SAN otherNames XMPP needs (SRV-ID, XmppAddr) and the
// RSA-PSS hash are read with @peculiar/asn1-x509/asn1-rsa, which @peculiar/x509 itself builds on
// (its GeneralName class throws on otherName types it does not know, such as these two).

import { createHash, X509Certificate } from 'node:crypto';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { errorText } from '../../../core/error-text.ts';
import type { CertificateInfo } from '../../../core/report.ts';

export const OID_ON_DNS_SRV = '1.3.6.1.5.5.7.8.7';
export const OID_ON_XMPP_ADDR = '1.3.6.1.5.5.7.8.5';

export interface ParsedCertificate {
  info: CertificateInfo;
  x509: X509Certificate;
  der: Uint8Array;
  /** The certificate has a subjectAltName extension (then CN is never used for identity). */
  hasSan: boolean;
}

const SIGNATURES: Record<string, [string, string]> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.2.840.10040.4.3': ['dsa-with-SHA1', 'sha1'],
  '2.16.840.1.101.3.4.3.2': ['dsa-with-SHA256', 'sha256'],
  '1.3.101.112': ['ED25519', 'intrinsic'],
  '1.3.101.113': ['ED448', 'intrinsic'],
};

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
  prime192v1: 192,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

function hex(data: Uint8Array | Buffer): string {
  return Buffer.from(data).toString('hex');
}

function signatureOf(asn: Certificate): { signatureAlgorithm: string; signatureHash: string } {
  const oid = asn.signatureAlgorithm.algorithm;
  if (oid === '1.2.840.113549.1.1.10') {
    // RSASSA-PSS: the hash is in the parameters, SHA-1 when absent (RFC 4055).
    let hash = 'sha1';
    const params = asn.signatureAlgorithm.parameters;
    if (params && params.byteLength > 2) {
      const pss = AsnConvert.parse(params, RsaSaPssParams);
      hash = HASH_OIDS[pss.hashAlgorithm.algorithm] ?? pss.hashAlgorithm.algorithm;
    }
    return { signatureAlgorithm: 'rsassaPss', signatureHash: hash };
  }
  const known = SIGNATURES[oid];
  return { signatureAlgorithm: known?.[0] ?? oid, signatureHash: known?.[1] ?? 'unknown' };
}

function keyOf(x: X509Certificate): { keyType: string; keyBits: number } {
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { keyType: 'RSA', keyBits: details.modulusLength ?? 0 };
    case 'dsa':
      return { keyType: 'DSA', keyBits: details.modulusLength ?? 0 };
    case 'ec':
      return { keyType: 'EC', keyBits: CURVE_BITS[details.namedCurve ?? ''] ?? 0 };
    case 'ed25519':
      return { keyType: 'Ed25519', keyBits: 256 };
    case 'ed448':
      return { keyType: 'Ed448', keyBits: 448 };
    default:
      return { keyType: key.asymmetricKeyType ?? 'unknown', keyBits: 0 };
  }
}

/** Decodes an otherName value (the content of its [0] EXPLICIT) as a string of any ASN.1 string type. */
function otherNameString(value: ArrayBuffer): string | null {
  const parsed = asn1js.fromBER(value);
  if (parsed.offset === -1) return null;
  const block = parsed.result as { valueBlock?: { value?: unknown } };
  const v = block.valueBlock?.value;
  return typeof v === 'string' ? v : null;
}

function namesOf(asn: Certificate, x: X509Certificate): { names: CertificateInfo['names']; hasSan: boolean } {
  const names: CertificateInfo['names'] = { dnsIds: [], srvIds: [], xmppAddrs: [], commonName: null };
  const ext = asn.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (ext) {
    const san = AsnConvert.parse(ext.extnValue.buffer, SubjectAlternativeName);
    for (const g of san) {
      if (g.dNSName !== undefined) names.dnsIds.push(g.dNSName);
      else if (g.otherName?.typeId === OID_ON_DNS_SRV) {
        const s = otherNameString(g.otherName.value);
        if (s !== null) names.srvIds.push(s);
      } else if (g.otherName?.typeId === OID_ON_XMPP_ADDR) {
        const s = otherNameString(g.otherName.value);
        if (s !== null) names.xmppAddrs.push(s);
      }
    }
  }
  const cn = x.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3);
  names.commonName = cn ?? null;
  return { names, hasSan: ext !== undefined };
}

/** Parses DER; throws a clear error for bytes that are not a certificate. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let x: X509Certificate;
  let asn: Certificate;
  try {
    x = new X509Certificate(der);
    asn = AsnConvert.parse(der, Certificate);
  } catch (err) {
    throw new Error(`not a valid X.509 certificate (${der.length} bytes): ${errorText(err)}`);
  }
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  const { names, hasSan } = namesOf(asn, x);
  const info: CertificateInfo = {
    subject: x.subject.split('\n').join(', '),
    issuer: x.issuer.split('\n').join(', '),
    serialNumber: x.serialNumber.toLowerCase(),
    notBefore: x.validFromDate.toISOString(),
    notAfter: x.validToDate.toISOString(),
    ...keyOf(x),
    ...signatureOf(asn),
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    spkiSha256: hex(createHash('sha256').update(spki).digest()),
    names,
  };
  return { info, x509: x, der, hasSan };
}
