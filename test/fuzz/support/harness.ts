// The one way a fuzz target runs: fast-check with a number of cases scaled by one environment variable
// (HOPLIGHT_FUZZ_RUNS; a few thousand in `npm test`, 100,000 in `npm run fuzz`), and a line per target
// with its cases per second, which the fuzz project's teardown gathers into one table.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/** Cases per target in `npm test`, when HOPLIGHT_FUZZ_RUNS is not set. */
export const DEFAULT_RUNS = 2000;

export function fuzzRuns(): number {
  const raw = process.env.HOPLIGHT_FUZZ_RUNS;
  if (raw === undefined || raw === '') return DEFAULT_RUNS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`HOPLIGHT_FUZZ_RUNS must be a positive integer, got ${raw}`);
  return n;
}

/** Where the fuzz project's global setup wants the per-target figures (one JSON object a line). */
export const FUZZ_LOG_ENV = 'HOPLIGHT_FUZZ_LOG';

function record(target: string, runs: number, ms: number): void {
  const perSecond = Math.round((runs * 1000) / Math.max(ms, 1));
  console.log(`fuzz ${target}: ${runs} cases in ${(ms / 1000).toFixed(1)} s (${perSecond} cases/s)`);
  const log = process.env[FUZZ_LOG_ENV];
  if (log) appendFileSync(log, `${JSON.stringify({ target, runs, ms, perSecond })}\n`);
}

/** Runs a synchronous property `runs` times (default: fuzzRuns()) and records its throughput. */
export function fuzz<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => void,
  runs = fuzzRuns(),
): void {
  const start = performance.now();
  fc.assert(
    fc.property(arb, (value) => {
      check(value);
    }),
    { numRuns: runs },
  );
  record(target, runs, performance.now() - start);
}

/** The asynchronous twin of `fuzz`, for parsers reached through a socket. */
export async function fuzzAsync<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  runs = fuzzRuns(),
): Promise<void> {
  const start = performance.now();
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      await check(value);
    }),
    { numRuns: runs },
  );
  record(target, runs, performance.now() - start);
}

/**
 * Calls `parse` and lets through only its own typed error: anything else (a TypeError deep inside, a
 * RangeError from a library) fails the property with the input that caused it.
 */
export function onlyTypedErrors<R>(
  parse: () => R,
  isOwnError: (err: unknown) => boolean,
): { ok: true; value: R } | { ok: false; error: Error } {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (isOwnError(err)) return { ok: false, error: err as Error };
    throw new Error(`threw something other than its own error: ${String(err)}`, { cause: err });
  }
}
