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

const lightSchema = { type: 'string', enum: ['green', 'yellow', 'red', 'grey'] } as const;
const pathEndSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['domain', 'scannedAt'],
  properties: { domain: { type: 'string' }, scannedAt: nullableString },
} as const;

/** `ReasonText` from src/core/english.ts: one reason of a path, in English. */
const reasonTextSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['says'],
  properties: {
    says: { type: 'string', description: 'One plain sentence.' },
    todo: { type: 'string', description: 'What can be done about it, on every red and yellow reason.' },
    detail: {
      type: 'string',
      description: 'The expert’s words: grades, protocol and suite names, server errors.',
    },
    about: { type: 'string', description: 'The domain the reason is about (its report: /domain/{about}).' },
  },
} as const;

/** `PathReport` from src/core/path-report.ts (version 2). */
export const pathReportSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'pathReportVersion',
    'from',
    'to',
    'computedAt',
    'light',
    'hops',
    'reasons',
    'kind',
    'undeliverable',
  ],
  properties: {
    pathReportVersion: { type: 'integer', const: 2 },
    from: pathEndSchema,
    to: pathEndSchema,
    computedAt: { type: 'string' },
    light: lightSchema,
    hops: {
      type: 'array',
      description:
        "FROM's clients → FROM → TO → TO's clients; no s2s hop for one domain or one shared server.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'from', 'to', 'light', 'reasons', 'undeliverable'],
        properties: {
          name: { type: 'string', enum: ['c2s-local', 's2s', 'c2s-remote'] },
          from: { type: 'string' },
          to: { type: 'string' },
          light: lightSchema,
          reasons: { type: 'array', items: reasonTextSchema },
          undeliverable: { type: 'boolean' },
        },
      },
    },
    reasons: { type: 'array', items: reasonTextSchema },
    kind: { type: 'string', enum: ['account', 'group-chat', 'gateway', 'component'] },
    undeliverable: {
      type: 'boolean',
      description: 'Messages between the two bounce or cannot be delivered.',
    },
  },
} as const;
