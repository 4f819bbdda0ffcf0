// The few facts of a graded report that the directory lists and the network statistics count, one
// row per domain: derived when a report is stored, so a page never parses a report to count it. Pure.
import { GRADE_ORDER } from '../core/grades.ts';
import type { DomainReport, Encryption, Grade, ServiceReport, TargetReport } from '../core/report.ts';
import { availabilityOf } from '../core/service-facts.ts';
import type { Availability } from '../core/summary.ts';

/** DANE on a service: every validated TLSA set matches, one does not, records without DNSSEC, or none. */
export type DaneState = 'valid' | 'mismatch' | 'unsigned' | 'none';
/** POSH on a service: a document that matches, one that does not, or none. */
export type PoshState = 'valid' | 'mismatch' | 'none';

export interface ServiceFacts {
  grade: Grade | null;
  /** Position in GRADE_ORDER (0 = A+; no grade after F), so grades sort by an index. */
  gradeRank: number;
  encryption: Encryption;
  /** Methods that authenticate the domain on every reachable target, comma-separated; '' for none. */
  authentication: string;
  availability: Availability;
  /** Versions some reachable target accepts. */
  sslv3: boolean;
  tls10: boolean;
  tls11: boolean;
  tls12: boolean;
  tls13: boolean;
  /** Every reachable target's address answers were DNSSEC-validated (false without targets). */
  dnssec: boolean;
  dane: DaneState;
  posh: PoshState;
  /** The primary target's leaf key, e.g. `RSA 2048`, `EC 256`; null without a certificate. */
  keyType: string | null;
  keyBits: number | null;
  /** The primary leaf's issuer organisation (or common name); null without a certificate. */
  issuer: string | null;
  /** An ML-KEM hybrid group was accepted; null when the scan recorded no groups at all. */
  mlkem: boolean | null;
}

export interface DomainFacts {
  domain: string;
  scannedAt: string;
  c2s: ServiceFacts;
  s2s: ServiceFacts;
}

/** No grade sorts after F, so an index on the rank orders every row. */
export const NO_GRADE_RANK = GRADE_ORDER.length;

export function gradeRank(grade: Grade | null): number {
  return grade === null ? NO_GRADE_RANK : GRADE_ORDER.indexOf(grade);
}

export function domainFacts(report: DomainReport): DomainFacts {
  return {
    domain: report.domain,
    scannedAt: report.scannedAt,
    c2s: serviceFacts(report.services.c2s),
    s2s: serviceFacts(report.services.s2s),
  };
}

export function serviceFacts(service: ServiceReport): ServiceFacts {
  const reachable = service.targets.filter((t) => t.status === 'ok');
  const versions = new Set(reachable.flatMap((t) => t.tls?.versions ?? []));
  const primary = reachable.find((t) => t.certificate?.chain[0] !== undefined);
  const leaf = primary?.certificate?.chain[0];
  const groups = reachable.flatMap((t) => t.tls?.groups ?? []);
  return {
    grade: service.grade,
    gradeRank: gradeRank(service.grade),
    encryption: service.encryption,
    authentication: service.authentication.join(','),
    availability: availabilityOf(service).availability,
    sslv3: versions.has('SSLv3') || versions.has('SSLv2'),
    tls10: versions.has('TLSv1.0'),
    tls11: versions.has('TLSv1.1'),
    tls12: versions.has('TLSv1.2'),
    tls13: versions.has('TLSv1.3'),
    dnssec: reachable.length > 0 && reachable.every((t) => t.dnssec),
    dane: daneState(reachable),
    posh: service.posh?.found ? (service.posh.matches ? 'valid' : 'mismatch') : 'none',
    keyType: leaf ? leaf.keyType.toUpperCase() : null,
    keyBits: leaf ? leaf.keyBits : null,
    issuer: leaf ? issuerName(leaf.issuer) : null,
    mlkem: groups.length === 0 ? null : groups.some(isMlKemGroup),
  };
}

function daneState(targets: readonly TargetReport[]): DaneState {
  const withRecords = targets.flatMap((t) => (t.dane && t.dane.records.length > 0 ? [t.dane] : []));
  if (withRecords.length === 0) return 'none';
  if (withRecords.some((d) => d.dnssec && d.matches === false)) return 'mismatch';
  if (withRecords.every((d) => d.dnssec && d.matches === true)) return 'valid';
  return 'unsigned';
}

/** X25519MLKEM768, SecP256r1MLKEM768, MLKEM1024 and the like, however the scanner spells them. */
export function isMlKemGroup(group: string): boolean {
  return /mlkem|kyber/i.test(group);
}

/**
 * `O` of an issuer written as Node prints it (`C=US, O=Let's Encrypt, CN=R11`), else its `CN`, else the
 * whole text: CAs are counted by organisation, not by their many intermediates' names.
 */
export function issuerName(issuer: string): string {
  // Hand-split: attribute values in these names rarely hold ", X=" and a miscount only merges two rows.
  const parts = issuer.split(/,\s*(?=[A-Za-z.0-9]+=)/);
  const attribute = (key: string) =>
    parts
      .find((p) => p.toUpperCase().startsWith(`${key}=`))
      ?.slice(key.length + 1)
      .trim();
  return (attribute('O') || attribute('CN') || issuer.trim()).slice(0, 200);
}
