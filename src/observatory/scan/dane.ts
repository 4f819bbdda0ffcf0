// DANE for XMPP (RFC 6698, RFC 7671, RFC 7673): does any DNSSEC-validated TLSA record match the
// chain the server presented, with the checks each certificate usage requires.

import { createHash, X509Certificate } from 'node:crypto';
import { errorText } from '../../core/error-text.ts';
import type { DaneResult, Finding } from '../../core/report.ts';
import { verifyChain } from './certificate/chain.ts';
import type { TlsaRecord } from './dns.ts';

export interface TlsaAnswer {
  /** Owner name, e.g. `_5269._tcp.xmpp.example.org`. */
  name: string;
  dnssec: boolean;
  records: TlsaRecord[];
}

export interface DaneContext {
  /** Source domain, for messages. */
  domain: string;
  /** The leaf matches the reference identity (RFC 7673: source domain or SRV target host). */
  identityMatches: boolean;
  /** The chain validates by PKIX to a trusted root (needed by usages 0 and 1). */
  pkixTrusted: boolean;
  now?: Date;
}

const USAGE = { PKIX_TA: 0, PKIX_EE: 1, DANE_TA: 2, DANE_EE: 3 } as const;

function selectorData(cert: X509Certificate, der: Uint8Array, selector: number): Uint8Array | null {
  if (selector === 0) return der;
  if (selector !== 1) return null;
  try {
    return new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
  } catch {
    // A key OpenSSL cannot read (an unknown or garbled algorithm; fuzzing found a certificate that
    // parses but whose key throws ERR_OSSL_EVP_DECODE_ERROR): its key cannot be shown to match.
    return null;
  }
}

function associationMatches(data: Uint8Array, matchingType: number, expected: Uint8Array): boolean {
  let got: Uint8Array;
  if (matchingType === 0) got = data;
  else if (matchingType === 1) got = createHash('sha256').update(data).digest();
  else if (matchingType === 2) got = createHash('sha512').update(data).digest();
  else return false;
  return Buffer.from(got).equals(Buffer.from(expected));
}

export function isUsable(r: TlsaRecord): boolean {
  return r.usage >= 0 && r.usage <= 3 && (r.selector === 0 || r.selector === 1) && r.matchingType <= 2;
}

interface Presented {
  x509: X509Certificate;
  der: Uint8Array;
}

function recordMatches(r: TlsaRecord, chain: Presented[], ctx: DaneContext): boolean {
  const leaf = chain[0];
  if (!leaf) return false;
  const matchesCert = (c: Presented) => {
    const data = selectorData(c.x509, c.der, r.selector);
    return data !== null && associationMatches(data, r.matchingType, r.data);
  };
  switch (r.usage) {
    case USAGE.DANE_EE:
      // RFC 7671 §5.1: the leaf key or certificate is all that matters; no PKIX, no name check.
      return matchesCert(leaf);
    case USAGE.PKIX_EE:
      return matchesCert(leaf) && ctx.pkixTrusted && ctx.identityMatches;
    case USAGE.PKIX_TA:
      return chain.slice(1).some(matchesCert) && ctx.pkixTrusted && ctx.identityMatches;
    case USAGE.DANE_TA: {
      if (!ctx.identityMatches) return false;
      const anchors = chain
        .slice(1)
        .filter(matchesCert)
        .map((c) => c.x509);
      // "2 0 0" may carry the trust anchor certificate itself rather than point into the chain.
      if (r.selector === 0 && r.matchingType === 0) {
        try {
          anchors.push(new X509Certificate(r.data));
        } catch {
          // Not a certificate: only a match inside the chain can count.
        }
      }
      return anchors.some(
        (a) =>
          verifyChain(
            chain.map((c) => c.x509),
            [a],
            ctx.now ?? new Date(),
          ).trusted,
      );
    }
    default:
      return false;
  }
}

function toPresented(chain: Uint8Array[]): Presented[] {
  return chain.map((der, i) => {
    try {
      return { x509: new X509Certificate(der), der };
    } catch (err) {
      throw new Error(`DANE: certificate ${i + 1} of the chain is not valid X.509: ${errorText(err)}`);
    }
  });
}

/**
 * `matches` is null when nothing can be decided: no records, records not DNSSEC-validated (they
 * must then be ignored, RFC 6698 §4.1), or no record with a usage/selector/matching type we know.
 */
export function matchDane(tlsa: TlsaAnswer, chain: Uint8Array[], ctx: DaneContext): DaneResult {
  const result: DaneResult = {
    name: tlsa.name,
    dnssec: tlsa.dnssec,
    records: tlsa.records.map((r) => ({
      usage: r.usage,
      selector: r.selector,
      matchingType: r.matchingType,
      data: Buffer.from(r.data).toString('hex'),
    })),
    matches: null,
  };
  const usable = tlsa.records.filter(isUsable);
  if (!tlsa.dnssec || usable.length === 0) return result;
  const presented = toPresented(chain);
  result.matches = usable.some((r) => recordMatches(r, presented, ctx));
  return result;
}

/** Findings an operator should see about a DANE result. */
export function daneFindings(dane: DaneResult, target?: string): Finding[] {
  const at = target ? { target } : {};
  if (dane.records.length === 0) return [];
  if (!dane.dnssec) {
    return [
      {
        code: 'dane.not-validated',
        severity: 'medium',
        message: `TLSA records at ${dane.name} are not DNSSEC-validated, so they cannot be used.`,
        fix: 'Sign the zone with DNSSEC (and publish the DS record at the parent), or remove the TLSA records.',
        ...at,
      },
    ];
  }
  if (dane.matches === null) {
    return [
      {
        code: 'dane.unusable',
        severity: 'low',
        message: `No TLSA record at ${dane.name} has a usage, selector and matching type that can be used.`,
        fix: 'Publish TLSA records with usage 2 or 3, selector 0 or 1 and matching type 1 or 2 (e.g. "3 1 1").',
        ...at,
      },
    ];
  }
  if (dane.matches === false) {
    return [
      {
        code: 'dane.mismatch',
        severity: 'high',
        message: `No TLSA record at ${dane.name} matches the certificate the server presents: DANE clients will refuse to connect.`,
        fix: 'Update the TLSA records to the current certificate or key (publish the new record before rolling the key).',
        ...at,
      },
    ];
  }
  return [];
}
