// Fuzzing of the extension's reading of the observatory's answers (snapshot and lookup), which may come
// from any server the user typed in: valid answers with summaries changed, mutated bytes, any JSON, any
// status. The answers are real Response objects handed over by the `fetch` the client is given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertDomainSummary } from '../../src/core/shape.ts';
import {
  lookupSummaries,
  ObservatoryError,
  type ObservatoryOptions,
  refreshSnapshot,
  type SnapshotCache,
} from '../../src/extension/background/observatory.ts';
import { fuzzAsync } from './support/harness.ts';
import { mutated, oddText } from './support/mutate.ts';
import { domainSummary } from './support/summaries.ts';

const now = new Date('2026-12-01T06:00:00Z');

/** A summary, or one with a field replaced by anything. */
const summaryish = fc.oneof(
  { weight: 3, arbitrary: domainSummary },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        domainSummary,
        fc.constantFrom('domain', 'services', 'scannedAt', 'summaryVersion', 'rubricVersion'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([s, key, value]) => ({ ...s, [key]: value })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const body = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: json.map((j) => JSON.stringify(j)) },
    {
      weight: 2,
      arbitrary: mutated(json.map((j) => new TextEncoder().encode(JSON.stringify(j)))).map((b) =>
        new TextDecoder().decode(b),
      ),
    },
    { weight: 1, arbitrary: oddText },
  );

const status = fc.oneof(
  { weight: 6, arbitrary: fc.constant(200) },
  { weight: 1, arbitrary: fc.constantFrom(204, 304, 404, 429, 500, 503) },
);

function options(answer: { status: number; body: string; etag: string | null }): ObservatoryOptions {
  return {
    baseUrl: 'https://observatory.example/',
    timeoutMs: 5000,
    fetch: async () =>
      new Response([101, 204, 205, 304].includes(answer.status) ? null : answer.body, {
        status: answer.status,
        headers: answer.etag === null ? {} : { etag: answer.etag },
      }),
  };
}

async function settle<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ObservatoryError) {
      expect(err.message.length, err.message).toBeLessThan(300);
      return null;
    }
    throw new Error(`rejected with something other than ObservatoryError: ${String(err)}`, { cause: err });
  }
}

describe('fuzz: the extension reading the observatory', () => {
  it('refreshSnapshot: an ObservatoryError or a cache of valid summaries, each under its own domain', async () => {
    const snapshot = fc.record({ domains: fc.array(summaryish, { maxLength: 6 }) }, { requiredKeys: [] });
    const answer = fc.record({
      status,
      body: body(snapshot),
      etag: fc.option(oddText, { nil: null }),
      cached: fc.boolean(),
    });
    await fuzzAsync('extension.snapshot', answer, async (a) => {
      const cached: SnapshotCache | null = a.cached
        ? { etag: '"v1"', fetchedAt: now.toISOString(), domains: new Map() }
        : null;
      const r = await settle(refreshSnapshot(options(a), cached, now));
      if (!r) return;
      // A Map: no summary can reach a prototype (a domain named "__proto__").
      expect(r.domains).toBeInstanceOf(Map);
      expect(Object.keys(Object.prototype)).toEqual([]);
      for (const [domain, summary] of r.domains) {
        assertDomainSummary(summary);
        expect(summary.domain).toBe(domain);
      }
    });
  });

  it('lookupSummaries: an ObservatoryError or one entry per asked domain, valid summaries only', async () => {
    const asked = fc.uniqueArray(fc.domain(), { minLength: 1, maxLength: 5 });
    const answer = fc.tuple(asked, status, fc.option(oddText, { nil: null })).chain(([domains, code, etag]) =>
      fc
        .record(
          {
            results: fc.array(
              fc.oneof(
                summaryish.map((summary) => ({ domain: (summary as { domain?: unknown })?.domain, summary })),
                fc
                  .constantFrom(...domains)
                  .chain((d) => domainSummary.map((s) => ({ domain: d, summary: { ...s, domain: d } }))),
                fc.jsonValue({ maxDepth: 2 }),
              ),
              { maxLength: 6 },
            ),
          },
          { requiredKeys: [] },
        )
        .chain((json) => body(fc.constant(json)))
        .map((text) => ({ domains, status: code, body: text, etag })),
    );
    await fuzzAsync('extension.lookup', answer, async (a) => {
      const r = await settle(lookupSummaries(options(a), a.domains));
      if (!r) return;
      expect([...r.keys()].sort()).toEqual([...a.domains].sort());
      for (const summary of r.values()) if (summary) assertDomainSummary(summary);
    });
  });
});

// Answers that once broke the client, kept as they were found.
describe('regressions: the extension reading the observatory', () => {
  it('a snapshot summary for the domain "__proto__" is kept as an entry, not made the prototype of the cache', async () => {
    const summary = { ...fc.sample(domainSummary, { seed: 1, numRuns: 1 })[0]!, domain: '__proto__' };
    const r = await refreshSnapshot(
      options({ status: 200, body: JSON.stringify({ domains: [summary] }), etag: null }),
      null,
      now,
    );
    expect([...r.domains.keys()]).toEqual(['__proto__']);
    expect(r.domains.get('example.org')).toBeUndefined();
    expect(({} as Record<string, unknown>).rubric).toBeUndefined();
  });
});
