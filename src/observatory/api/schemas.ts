// JSON schemas of the API v1: they validate requests, shape responses and make the OpenAPI document.
// The limit and the enums come from src/core/observatory-api.ts, which the extension's client uses too.
import { DOMAIN_STATUSES, MAX_LOOKUP_DOMAINS, SCAN_STATUSES } from '../../core/observatory-api.ts';

export { MAX_LOOKUP_DOMAINS };
/** Longer than any domain (253 octets, or its Unicode form); longer input is refused before parsing. */
export const MAX_DOMAIN_INPUT = 1024;

const nullableString = { type: ['string', 'null'] } as const;

export const domainStatusSchema = {
  type: 'string',
  enum: [...DOMAIN_STATUSES],
  description:
    'fresh/stale: a report exists (younger/older than the freshness window); pending: no report yet, a scan is queued or running; failed: no report, the last scan failed; unknown: never scanned.',
} as const;

/** `DomainSummary` from src/core/summary.ts; left open here so the core may add fields. */
export const summarySchema = { type: ['object', 'null'], additionalProperties: true } as const;

export const scanInfoSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['id', 'status', 'requestedAt', 'startedAt', 'finishedAt', 'error'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: [...SCAN_STATUSES] },
    requestedAt: { type: 'string' },
    startedAt: nullableString,
    finishedAt: nullableString,
    error: nullableString,
  },
} as const;

export const domainViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['domain', 'status', 'scannedAt', 'summary', 'lastScan'],
  properties: {
    domain: { type: 'string', description: 'Normalised: ASCII (IDNA), lower case, no trailing dot.' },
    status: domainStatusSchema,
    scannedAt: nullableString,
    summary: summarySchema,
    lastScan: scanInfoSchema,
  },
} as const;

export const domainInputSchema = { type: 'string', minLength: 1, maxLength: MAX_DOMAIN_INPUT } as const;
