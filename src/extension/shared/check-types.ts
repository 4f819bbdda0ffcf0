// What a check cycle produces and how it is going, as the background stores it and the popup shows it.
// Plain data (storage.local holds it), never a secret.
import type { HopName, Phrase, Reason } from '../../core/path.ts';
import type { Light } from './lights.ts';

export interface HopView {
  name: HopName;
  from: string;
  to: string;
  light: Light;
  reasons: Reason[];
}

/** One contact's outcome of the last check. */
export interface ContactResult {
  jid: string;
  name: string | null;
  /** The path light: the worst hop. */
  light: Light;
  /** Why the light is what it is, worst first: phrases the popup renders in the user's language. */
  reasons: Reason[];
  /** The hops in path order (you → your server → their server → them); empty when not computable. */
  hops: HopView[];
  /** End-to-end encryption (OMEMO) is a capability, not a hop: shown beside the path. */
  e2e: { light: Light; label: Phrase; reasons: Reason[] };
  /** When the observatory last scanned the domains the path was judged by (null: never). */
  scans?: { domain: string; scannedAt: string | null }[];
}

/** Where a running check is, for the popup's progress line. */
export type CheckPhase =
  | { phase: 'starting' }
  | { phase: 'discovery' }
  | { phase: 'login' }
  | { phase: 'roster' }
  | { phase: 'omemo'; done: number; total: number }
  | { phase: 'grades' }
  | { phase: 'saving' };

/** Why the last check did not complete, each with its own message in the popup. */
export type FailureKind =
  | 'no-password'
  | 'wrong-password'
  | 'server-unreachable'
  | 'timeout'
  | 'protocol'
  | 'insecure'
  | 'invalid-settings'
  | 'observatory-unreachable'
  | 'interrupted'
  | 'internal';

export interface CheckFailure {
  kind: FailureKind;
  /** The exact failure, for people (no secrets). */
  message: string;
  /** ISO time. */
  at: string;
}

/** The cycle's persisted state: survives the service worker stopping, so a reopened popup never hangs. */
export type CycleState =
  | { state: 'idle' }
  | { state: 'running'; runId: string; startedAt: string; progress: CheckPhase }
  /** A run that was `running` when the worker stopped; the next popup open or alarm re-runs it. */
  | { state: 'interrupted'; startedAt: string };
