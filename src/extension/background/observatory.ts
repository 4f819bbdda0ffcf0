// The observatory over HTTP (DESIGN §6: the extension knows it only through its API): the snapshot,
// revalidated with its ETag, and one lookup for the domains the snapshot lacks. Every answer is
// untrusted: read up to a size cap (a huge body must not exhaust the worker's memory) and parsed into
// Maps (a domain named `__proto__` must not reach an object's prototype).

import {
  type LookupRequest,
  type LookupResponse,
  MAX_LOOKUP_DOMAINS,
  type SnapshotResponse,
} from '../../core/observatory-api.ts';
import { assertDomainSummary } from '../../core/shape.ts';
import type { DomainSummary } from '../../core/summary.ts';

export class ObservatoryError extends Error {
  override name = 'ObservatoryError';
}

/** The snapshot as storage.local keeps it between checks. */
export interface SnapshotCache {
  etag: string | null;
  fetchedAt: string;
  /** By normalised domain. */
  domains: ReadonlyMap<string, DomainSummary>;
}

/**
 * Caps on what an answer may hold. The observatory aims at 100,000 domains of about 1 KB of summary
 * each (100 MB of snapshot); a lookup carries at most MAX_LOOKUP_DOMAINS.
 */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;
export const MAX_SNAPSHOT_DOMAINS = 250_000;
export const MAX_LOOKUP_BYTES = 4 * 1024 * 1024;

export interface ObservatoryOptions {
  /** Base URL from the settings, e.g. `https://observatory.example/`. */
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Size caps in bytes (default MAX_SNAPSHOT_BYTES and MAX_LOOKUP_BYTES). */
  maxBytes?: { snapshot?: number; lookup?: number };
}

/** The API allows this many domains per lookup. */
export const LOOKUP_BATCH = MAX_LOOKUP_DOMAINS;

export function apiUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(path, base).toString();
}

async function call(options: ObservatoryOptions, path: string, init: RequestInit): Promise<Response> {
  const url = apiUrl(options.baseUrl, path);
  const signals = [AbortSignal.timeout(options.timeoutMs)];
  if (options.signal) signals.push(options.signal);
  try {
    return await options.fetch(url, { ...init, credentials: 'omit', signal: AbortSignal.any(signals) });
  } catch (error) {
    throw didNotAnswer(options, error);
  }
}

function didNotAnswer(options: ObservatoryOptions, error: unknown): ObservatoryError {
  // Chrome rejects with the timeout's own TimeoutError; Firefox rejects a body read cut by that timeout
  // with a plain AbortError. The caller's signal is the only other abort, so that one is the timeout.
  const timedOut =
    error instanceof Error &&
    (error.name === 'TimeoutError' || (error.name === 'AbortError' && !options.signal?.aborted));
  const reason = timedOut ? 'no answer in time' : String(error);
  return new ObservatoryError(`The observatory at ${options.baseUrl} did not answer (${reason}).`);
}

function tooLarge(what: string, maxBytes: number): ObservatoryError {
  return new ObservatoryError(
    `The observatory's ${what} is larger than ${Math.round(maxBytes / 1024)} KiB; Hoplight did not read it.`,
  );
}

/** The body, read up to `maxBytes` and no further. */
async function cappedText(response: Response, what: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(what, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  // Decoded as it arrives, so the bytes and the text are never both held whole.
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(what, maxBytes);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** The body as JSON, at most `maxBytes`. The request's time budget covers the body too: a stalled body is no answer. */
async function json(
  options: ObservatoryOptions,
  response: Response,
  what: string,
  maxBytes: number,
): Promise<unknown> {
  let text: string;
  try {
    text = await cappedText(response, what, maxBytes);
  } catch (error) {
    if (error instanceof ObservatoryError) throw error;
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw didNotAnswer(options, error);
    }
    throw new ObservatoryError(`The observatory's ${what} broke off.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ObservatoryError(`The observatory's ${what} is not JSON.`);
  }
}

/** Valid summaries only: one malformed entry must not hide all the others. */
function validSummaries(values: unknown[]): DomainSummary[] {
  return values.filter((value): value is DomainSummary => {
    try {
      assertDomainSummary(value);
      return true;
    } catch {
      return false;
    }
  });
}

/** Fetches the snapshot unless the cached one is still current (HTTP 304 on its ETag). */
export async function refreshSnapshot(
  options: ObservatoryOptions,
  cached: SnapshotCache | null,
  now: Date,
): Promise<SnapshotCache> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  const response = await call(options, 'api/v1/snapshot', { headers });
  if (response.status === 304 && cached) return { ...cached, fetchedAt: now.toISOString() };
  if (!response.ok) {
    throw new ObservatoryError(`The observatory's snapshot answered HTTP ${response.status}.`);
  }
  const body = (await json(
    options,
    response,
    'snapshot',
    options.maxBytes?.snapshot ?? MAX_SNAPSHOT_BYTES,
  )) as Partial<SnapshotResponse> | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.domains)) {
    throw new ObservatoryError("The observatory's snapshot has no list of domains.");
  }
  if (body.domains.length > MAX_SNAPSHOT_DOMAINS) {
    throw new ObservatoryError(
      `The observatory's snapshot lists ${body.domains.length} domains, more than the ${MAX_SNAPSHOT_DOMAINS} Hoplight reads.`,
    );
  }
  const domains = new Map<string, DomainSummary>();
  for (const summary of validSummaries(body.domains)) domains.set(summary.domain, summary);
  return { etag: response.headers.get('etag'), fetchedAt: now.toISOString(), domains };
}

/**
 * Summaries of `domains` in one POST per `MAX_LOOKUP_DOMAINS`; unknown domains are queued for a scan. A domain the
 * observatory has no summary for maps to null.
 */
export async function lookupSummaries(
  options: ObservatoryOptions,
  domains: readonly string[],
): Promise<Map<string, DomainSummary | null>> {
  const found = new Map<string, DomainSummary | null>();
  for (let i = 0; i < domains.length; i += LOOKUP_BATCH) {
    const batch = domains.slice(i, i + LOOKUP_BATCH);
    const response = await call(options, 'api/v1/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ domains: batch, scanUnknown: true } satisfies LookupRequest),
    });
    if (!response.ok)
      throw new ObservatoryError(`The observatory's lookup answered HTTP ${response.status}.`);
    // Checked field by field below: an answer is untrusted until each part has the shape it claims.
    const body = (await json(
      options,
      response,
      'lookup answer',
      options.maxBytes?.lookup ?? MAX_LOOKUP_BYTES,
    )) as Partial<LookupResponse> | null;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.results)) {
      throw new ObservatoryError("The observatory's lookup answer has no results.");
    }
    for (const domain of batch) found.set(domain, null);
    for (const result of body.results as { [K in 'domain' | 'summary']?: unknown }[]) {
      if (typeof result !== 'object' || result === null || typeof result.domain !== 'string') continue;
      const [summary] = validSummaries([result.summary]);
      if (summary && found.has(result.domain)) found.set(result.domain, summary);
    }
  }
  return found;
}

/**
 * Summaries for every domain: the snapshot first; the ones it lacks by lookup, unless privacy mode
 * keeps the observatory from learning which domains we ask about.
 */
export async function summariesFor(
  options: ObservatoryOptions,
  domains: readonly string[],
  snapshot: SnapshotCache,
  privacyMode: boolean,
): Promise<{ summaries: Map<string, DomainSummary>; lookedUp: number }> {
  const summaries = new Map<string, DomainSummary>();
  const missing: string[] = [];
  for (const domain of new Set(domains)) {
    const known = snapshot.domains.get(domain);
    if (known) summaries.set(domain, known);
    else missing.push(domain);
  }
  if (privacyMode || missing.length === 0) return { summaries, lookedUp: 0 };
  for (const [domain, summary] of await lookupSummaries(options, missing)) {
    if (summary) summaries.set(domain, summary);
  }
  return { summaries, lookedUp: missing.length };
}
