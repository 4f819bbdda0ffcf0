// Asking for a scan, with the abuse limits in front of the queue: an active scan is reused, then the
// per-domain cooldown, then the bound on the queue's length.
import type { Store } from '../store/store.ts';
import type { ScanQueue } from './types.ts';

export interface ScanLimits {
  /** Minimum time between two scans of one domain (default 1 h). */
  cooldownMs: number;
  /** Queued scans beyond which new requests are refused (default 1000). */
  maxQueued: number;
  /** What to tell a client when the queue is full (default 60 s). */
  queueFullRetryAfterMs: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  cooldownMs: 3_600_000,
  maxQueued: 1_000,
  queueFullRetryAfterMs: 60_000,
};

export type ScanRequestResult =
  | { kind: 'queued'; scanId: string }
  /** A scan of this domain is already queued or running: its id. */
  | { kind: 'existing'; scanId: string }
  | { kind: 'cooldown'; retryAfterMs: number }
  | { kind: 'queue-full'; retryAfterMs: number };

export async function requestScan(
  store: Store,
  queue: ScanQueue,
  domain: string,
  limits: ScanLimits,
  now = new Date(),
): Promise<ScanRequestResult> {
  const state = await store.getDomain(domain);
  const last = state?.lastScan;
  if (last && (last.status === 'queued' || last.status === 'running'))
    return { kind: 'existing', scanId: last.id };
  const remaining = await store.cooldownRemaining(domain, now, limits.cooldownMs);
  if (remaining > 0) return { kind: 'cooldown', retryAfterMs: remaining };
  if ((await queue.depth()) >= limits.maxQueued)
    return { kind: 'queue-full', retryAfterMs: limits.queueFullRetryAfterMs };
  const claim = await store.claimCooldown(domain, now, limits.cooldownMs);
  if (!claim.ok) return { kind: 'cooldown', retryAfterMs: claim.retryAfterMs };
  return { kind: 'queued', scanId: await queue.enqueue(domain, now) };
}
