// Service identity per RFC 6125 as profiled for XMPP by RFC 6120 §13.7.1.2 and RFC 7590: DNS-ID,
// SRV-ID for the service in question, XmppAddr; the subject CN only when there is no SAN at all.
import { domainToASCII } from 'node:url';
import type { CertificateInfo, CertificateResult, ServiceKind } from '../../../core/report.ts';

type MatchKind = CertificateResult['identity']['matchedBy'][number];

function norm(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** IDNA A-label form for names that may be written as U-labels (XmppAddr is UTF-8). */
function ascii(name: string): string {
  const a = domainToASCII(norm(name));
  return a === '' ? norm(name) : a;
}

/**
 * RFC 6125 §6.4.3: a wildcard only as the whole left-most label, matching exactly one label, and
 * never directly under a public suffix-like single label (`*.org`).
 */
export function dnsNameMatches(presented: string, reference: string): boolean {
  const p = norm(presented);
  const r = norm(reference);
  if (p.length === 0 || r.length === 0) return false;
  if (!p.includes('*')) return p === r;
  const [first, ...rest] = p.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((l) => l.includes('*'))) return false;
  const [rFirst, ...rRest] = r.split('.');
  return rFirst !== undefined && rFirst.length > 0 && rRest.join('.') === rest.join('.');
}

export function srvIdMatches(presented: string, domain: string, service: ServiceKind): boolean {
  const p = norm(presented);
  const dot = p.indexOf('.');
  if (dot < 0) return false;
  const wanted = service === 'c2s' ? '_xmpp-client' : '_xmpp-server';
  return p.slice(0, dot) === wanted && p.slice(dot + 1) === norm(domain);
}

export function matchIdentity(
  names: CertificateInfo['names'],
  hasSan: boolean,
  domain: string,
  service: ServiceKind,
): CertificateResult['identity'] {
  const matchedBy: MatchKind[] = [];
  const reference = ascii(domain);
  if (names.dnsIds.some((d) => dnsNameMatches(d, reference))) matchedBy.push('dns-id');
  if (names.srvIds.some((s) => srvIdMatches(s, reference, service))) matchedBy.push('srv-id');
  if (names.xmppAddrs.some((x) => ascii(x) === reference)) matchedBy.push('xmpp-addr');
  if (!hasSan && names.commonName !== null && dnsNameMatches(names.commonName, reference))
    matchedBy.push('cn');
  return { matches: matchedBy.length > 0, matchedBy };
}
