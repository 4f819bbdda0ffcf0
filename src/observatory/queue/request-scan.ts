// Asking for a scan, with the abuse limits in front of the queue: an active scan is reused, then the
// per-domain cooldown, then the asking client's share (scans waiting, scans per hour), then the bound
// on the queue's length. One client can therefore fill neither the queue nor the workers' hours, and
// the share shrinks as the queue fills, so many clients together are refused by their share (429)
// before the queue is full (503): room is left for a client with nothing waiting.
import type { Store } from '../store/store.ts';
import type { ScanQueue } from './types.ts';

export interface ScanLimits {
  /** Minimum time between two scans of one domain (default 1 h). */
  cooldownMs: number;
  /** Queued scans beyond which new requests are refused (default 1000). */
  maxQueued: number;
  /** What to tell a client when the queue is full (default 60 s). */
  queueFullRetryAfterMs: number;
  /** One client's scans waiting at once while the queue is empty (default 50: 5 % of the queue). */
  maxQueuedPerClient: number;
  /** Scans one client may ask for per hour (default 200). */
  scansPerClientPerHour: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  cooldownMs: 3_600_000,
  maxQueued: 1_000,
  queueFullRetryAfterMs: 60_000,
  maxQueuedPerClient: 50,
  scansPerClientPerHour: 200,
};

const HOUR_MS = 3_600_000;

/**
 * How many of its scans one client may have waiting when `depth` scans wait in all: the full share
 * on an empty queue, shrinking with the free room, and never below one. With a fixed share, 500
 * clients asking for a few scans each filled the queue and everyone after them got 503; with this
 * one, those holding scans are refused (429) first, and the last room goes to clients holding none.
 */
export function clientShare(
  depth: number,
  limits: Pick<ScanLimits, 'maxQueued' | 'maxQueuedPerClient'>,
): number {
  const free = Math.max(0, 1 - depth / Math.max(1, limits.maxQueued));
  return Math.max(1, Math.ceil(limits.maxQueuedPerClient * free));
}

export type ScanRequestResult =
  | { kind: 'queued'; scanId: string }
  /** A scan of this domain is already queued or running: its id. */
  | { kind: 'existing'; scanId: string }
  | { kind: 'cooldown'; retryAfterMs: number }
  /** This client has used its share: too many of its scans wait, or too many this hour. */
  | { kind: 'client-limit'; reason: 'queued' | 'hourly'; retryAfterMs: number }
  | { kind: 'queue-full'; retryAfterMs: number };

/**
 * `client` is the asker's key (../http/client-key.ts); null for the operator's own requests, which
 * only the global bounds limit.
 */
export async function requestScan(
  store: Store,
  queue: ScanQueue,
  domain: string,
  limits: ScanLimits,
  now = new Date(),
  client: string | null = null,
): Promise<ScanRequestResult> {
  const state = await store.getDomain(domain);
  const last = state?.lastScan;
  if (last && (last.status === 'queued' || last.status === 'running'))
    return { kind: 'existing', scanId: last.id };
  const remaining = await store.cooldownRemaining(domain, now, limits.cooldownMs);
  if (remaining > 0) return { kind: 'cooldown', retryAfterMs: remaining };
  const depth = await queue.depth();
  if (client !== null) {
    const usage = await store.clientUsage(client, new Date(now.getTime() - HOUR_MS));
    if (usage.queued >= clientShare(depth, limits))
      return { kind: 'client-limit', reason: 'queued', retryAfterMs: limits.queueFullRetryAfterMs };
    if (usage.requestedSince >= limits.scansPerClientPerHour) {
      const frees = usage.oldestSince ? Date.parse(usage.oldestSince) + HOUR_MS - now.getTime() : HOUR_MS;
      return { kind: 'client-limit', reason: 'hourly', retryAfterMs: Math.max(1_000, frees) };
    }
  }
  if (depth >= limits.maxQueued) return { kind: 'queue-full', retryAfterMs: limits.queueFullRetryAfterMs };
  const claim = await store.claimCooldown(domain, now, limits.cooldownMs);
  if (!claim.ok) return { kind: 'cooldown', retryAfterMs: claim.retryAfterMs };
  return { kind: 'queued', scanId: await queue.enqueue(domain, now, client) };
}
