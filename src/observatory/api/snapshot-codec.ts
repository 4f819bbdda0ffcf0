// The compact snapshot: every summary, losslessly, in about a hundredth of the bytes. Most servers
// share one of a few dozen service configurations, and their findings differ only by the domain name
// in the sentences; so each distinct service summary is stored once with the domain replaced by `%d`,
// and each domain is a row of columns pointing into that table. Pure: no I/O.
import type { DomainSummary, ServiceSummary } from '../../core/summary.ts';
import { SUMMARY_VERSION } from '../../core/summary.ts';

export const COMPACT_SNAPSHOT_FORMAT = 'hoplight-snapshot-compact';
export const COMPACT_SNAPSHOT_VERSION = 2;

/** Columns of equal length, one entry per domain, sorted by domain. */
export interface CompactSnapshot {
  format: typeof COMPACT_SNAPSHOT_FORMAT;
  version: typeof COMPACT_SNAPSHOT_VERSION;
  rubricVersion: number;
  summaryVersion: number;
  /** Distinct service summaries; in finding messages `%d` is the domain and `%25` a literal `%`. */
  services: ServiceSummary[];
  domain: string[];
  /** Epoch milliseconds, or the ISO string itself when it does not survive the round trip. */
  scannedAt: (number | string)[];
  /** Each summary's rubric version (all the same after re-grading; compresses to almost nothing). */
  rubric: number[];
  c2s: number[];
  s2s: number[];
  /** Each domain's s2s endpoints (`address:port`), for telling domains that share a server. */
  endpoints: string[][];
}

/** Builds a compact snapshot one summary at a time (the store pages through its rows). */
export class CompactSnapshotBuilder {
  readonly #index = new Map<string, number>();
  readonly #snapshot: CompactSnapshot;

  constructor(rubricVersion: number) {
    this.#snapshot = {
      format: COMPACT_SNAPSHOT_FORMAT,
      version: COMPACT_SNAPSHOT_VERSION,
      rubricVersion,
      summaryVersion: SUMMARY_VERSION,
      services: [],
      domain: [],
      scannedAt: [],
      rubric: [],
      c2s: [],
      s2s: [],
      endpoints: [],
    };
  }

  add(summary: DomainSummary): void {
    const s = this.#snapshot;
    s.domain.push(summary.domain);
    const ms = Date.parse(summary.scannedAt);
    const roundTrips = Number.isFinite(ms) && new Date(ms).toISOString() === summary.scannedAt;
    s.scannedAt.push(roundTrips ? ms : summary.scannedAt);
    s.rubric.push(summary.rubricVersion);
    s.c2s.push(this.#serviceIndex(summary.services.c2s, summary.domain));
    s.s2s.push(this.#serviceIndex(summary.services.s2s, summary.domain));
    s.endpoints.push(summary.s2sEndpoints);
  }

  finish(): CompactSnapshot {
    return this.#snapshot;
  }

  #serviceIndex(service: ServiceSummary, domain: string): number {
    const template: ServiceSummary = {
      ...service,
      findings: service.findings.map((f) => ({ ...f, message: templateOf(f.message, domain) })),
    };
    const key = JSON.stringify(template);
    let index = this.#index.get(key);
    if (index === undefined) {
      index = this.#snapshot.services.length;
      this.#snapshot.services.push(template);
      this.#index.set(key, index);
    }
    return index;
  }
}

export function encodeSnapshot(summaries: Iterable<DomainSummary>, rubricVersion: number): CompactSnapshot {
  const builder = new CompactSnapshotBuilder(rubricVersion);
  for (const summary of summaries) builder.add(summary);
  return builder.finish();
}

// Split on the domain first, then escape: every `%` in a template then starts exactly one token.
function templateOf(message: string, domain: string): string {
  return message
    .split(domain)
    .map((part) => part.replaceAll('%', '%25'))
    .join('%d');
}

function fromTemplate(message: string, domain: string): string {
  return message.replace(/%(d|25)/g, (_, token: string) => (token === 'd' ? domain : '%'));
}

// A stranger's value in an error message: a template literal or String() calls the value's own
// `toString`, which JSON can set to a non-function (`{"toString": []}` threw a TypeError), and a
// long value would make the message as long; so only primitives are quoted, and cut short.
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

/** The summaries back, in snapshot order; a clear error for anything that is not a compact snapshot. */
export function decodeSnapshot(input: unknown): DomainSummary[] {
  const s = input as Partial<CompactSnapshot> | null;
  if (typeof s !== 'object' || s === null || s.format !== COMPACT_SNAPSHOT_FORMAT)
    throw new Error('Not a compact snapshot (format is not hoplight-snapshot-compact).');
  if (s.version !== COMPACT_SNAPSHOT_VERSION)
    throw new Error(
      `Compact snapshot version ${shown(s.version)} is not supported (only ${COMPACT_SNAPSHOT_VERSION}).`,
    );
  const { services, domain, scannedAt, rubric, c2s, s2s, endpoints } = s;
  if (!Array.isArray(services) || !Array.isArray(domain))
    throw new Error('Compact snapshot: no services or domains.');
  const n = domain.length;
  for (const [name, column] of Object.entries({ scannedAt, rubric, c2s, s2s, endpoints })) {
    if (!Array.isArray(column) || column.length !== n)
      throw new Error(`Compact snapshot: column ${name} does not have one entry per domain.`);
  }
  const service = (column: unknown[], i: number, name: string): ServiceSummary => {
    const at = column[i];
    // Only an index into the table: a key such as "__proto__" or an object would reach past it.
    const template = Number.isInteger(at) && (at as number) >= 0 ? services[at as number] : undefined;
    if (typeof template !== 'object' || template === null || !Array.isArray(template.findings))
      throw new Error(
        `Compact snapshot: ${name} of ${shown(domain[i])} points at no service (${shown(at)}).`,
      );
    if (!template.findings.every((f) => typeof f === 'object' && f !== null && typeof f.message === 'string'))
      throw new Error(`Compact snapshot: service ${shown(at)} has a finding without a message.`);
    const d = domain[i] as string;
    return {
      ...template,
      findings: template.findings.map((f) => ({ ...f, message: fromTemplate(f.message, d) })),
    };
  };
  const summaries: DomainSummary[] = [];
  for (let i = 0; i < n; i++) {
    const at = (scannedAt as (number | string)[])[i];
    if (typeof domain[i] !== 'string' || (typeof at !== 'number' && typeof at !== 'string'))
      throw new Error(`Compact snapshot: entry ${i} has no domain or scan time.`);
    // A number outside the Date range made toISOString throw a RangeError.
    if (typeof at === 'number' && Number.isNaN(new Date(at).getTime()))
      throw new Error(`Compact snapshot: entry ${i} has a scan time out of range.`);
    summaries.push({
      summaryVersion: (s.summaryVersion ?? SUMMARY_VERSION) as typeof SUMMARY_VERSION,
      domain: domain[i] as string,
      scannedAt: typeof at === 'number' ? new Date(at).toISOString() : at,
      rubricVersion: (rubric as number[])[i] as number,
      services: { c2s: service(c2s as unknown[], i, 'c2s'), s2s: service(s2s as unknown[], i, 's2s') },
      s2sEndpoints: Array.isArray(endpoints?.[i]) ? (endpoints[i] as string[]) : [],
    });
  }
  return summaries;
}
