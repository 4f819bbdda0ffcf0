// The compact, versioned view of a graded report that the API serves and the extension stores and
// feeds to the path model. Facts the path needs and nothing else (no targets, no certificates).
import type { SoftwareVersion } from './observation.ts';
import type { AuthMethod, Encryption, Grade, LetterGrade, Severity, TlsVersion } from './report.ts';

/** Bumped whenever a field changes meaning. v2: availability, suites, policy, software, endpoints. */
export const SUMMARY_VERSION = 2;

export interface FindingSummary {
  code: string;
  severity: Severity;
  message: string;
}

/**
 * Whether the service exists: `served` (some target answered), `none` (DNS or every target says there
 * is no such service: messages cannot be delivered), `failed` (the scan could not tell: unknown).
 */
export type Availability = 'served' | 'none' | 'failed';

/** Why a service is `none`. */
export type NoService = 'nxdomain' | 'no-address' | 'srv-unavailable' | 'refused';

/** The suites a service accepts for one version, by IANA code, in its own preference order when it has one. */
export interface SuiteOffer {
  version: TlsVersion;
  codes: number[];
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
  availability: Availability;
  /** Why there is no service, when `availability` is `none`. */
  noService: NoService | null;
  /** Accepted suites per version (the primary target's), lowest version first. */
  suites: SuiteOffer[];
  /** The server picks its own favourite suite; null when it could not be told. */
  serverPreference: boolean | null;
  /** s2s: the server closes the stream of a peer it cannot authenticate; null when not probed. */
  refusesUnauthenticated: boolean | null;
  /** The server software, where the scanner could tell. */
  software: SoftwareVersion | null;
}

export interface DomainSummary {
  summaryVersion: typeof SUMMARY_VERSION;
  domain: string;
  scannedAt: string;
  rubricVersion: number;
  services: { c2s: ServiceSummary; s2s: ServiceSummary };
  /** `address:port` of every s2s target, sorted: two domains with the same set share a server. */
  s2sEndpoints: string[];
}
