// The compact, versioned view of a graded report that the API serves and the extension stores and
// feeds to the path model. Facts the path needs and nothing else (no targets, no suites).
import type { AuthMethod, Encryption, Grade, LetterGrade, Severity, TlsVersion } from './report.ts';

/** Bumped whenever a field changes meaning. */
export const SUMMARY_VERSION = 1;

export interface FindingSummary {
  code: string;
  severity: Severity;
  message: string;
}

export interface ServiceSummary {
  /** Worst target grade; null when no target could be scanned. */
  grade: Grade | null;
  gradeIfTrusted: LetterGrade | null;
  encryption: Encryption;
  /** Every version some target accepts, lowest first (the path needs the best common one). */
  tlsVersions: TlsVersion[];
  /** Methods that authenticate the domain on every reachable target. */
  authentication: AuthMethod[];
  /** s2s: XEP-0220 dialback offered. */
  dialback: boolean;
  /** Worst first, without duplicates. */
  findings: FindingSummary[];
}

export interface DomainSummary {
  summaryVersion: typeof SUMMARY_VERSION;
  domain: string;
  scannedAt: string;
  rubricVersion: number;
  services: { c2s: ServiceSummary; s2s: ServiceSummary };
}
