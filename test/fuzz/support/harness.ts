// The one way a fuzz target runs: fast-check with a number of cases scaled by one environment variable
// (HOPLIGHT_FUZZ_RUNS; a few thousand in `npm test`, 100,000 in `npm run fuzz`), and a line per target
// with its cases per second, slowest case and peak memory, which the fuzz project's teardown gathers into
// one table. Every run's seed is printed and, when a target fails, written beside its counterexample, so
// a failure of a long campaign can be replayed with HOPLIGHT_FUZZ_SEED (a seed once went missing).
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

/** The seed of every target's run: HOPLIGHT_FUZZ_SEED to replay one, else a fresh one. */
export function fuzzSeed(): number {
  const raw = process.env.HOPLIGHT_FUZZ_SEED;
  if (raw === undefined || raw === '') return Math.floor(Math.random() * 2 ** 31);
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`HOPLIGHT_FUZZ_SEED must be an integer, got ${raw}`);
  return n;
}

/**
 * A case that uses more CPU than this is reported as a hang. Far above any parser's normal time (well
 * under a millisecond): it catches runaway loops and quadratic blow-ups, not speed. CPU time, not the
 * clock, so that a machine loaded by others (load average 20 on 2 cores was seen) does not trip it.
 */
export const HANG_CPU_MS = 5000;

/** An asynchronous case (a socket round trip) still unsettled after this long is a hang. */
export const ASYNC_HANG_MS = 30_000;

/** Where the fuzz project's global setup wants the per-target figures (one JSON object a line). */
export const FUZZ_LOG_ENV = 'HOPLIGHT_FUZZ_LOG';

/** One target's line in the log; `failure` is set instead of the figures when it failed. */
export interface FuzzFigure {
  target: string;
  seed: number;
  runs: number;
  ms: number;
  perSecond: number;
  slowestMs: number;
  /** Resident memory of the worker when the target began, in MB. */
  rssBeforeMb: number;
  /** Peak resident memory of the worker so far (it runs one file's targets in turn), in MB. */
  peakRssMb: number;
  failure?: string;
}

function log(figure: FuzzFigure): void {
  const file = process.env[FUZZ_LOG_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function record(
  target: string,
  seed: number,
  runs: number,
  ms: number,
  slowestMs: number,
  rssBeforeMb: number,
): void {
  const perSecond = Math.round((runs * 1000) / Math.max(ms, 1));
  const peak = peakRssMb();
  console.log(
    `fuzz ${target}: ${runs} cases in ${(ms / 1000).toFixed(1)} s (${perSecond} cases/s, slowest ${slowestMs.toFixed(0)} ms, RSS ${rssBeforeMb} MB before, peak ${peak} MB, seed ${seed})`,
  );
  log({ target, seed, runs, ms, perSecond, slowestMs, rssBeforeMb, peakRssMb: peak });
}

function failed(target: string, seed: number, runs: number, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  // fast-check's message holds the seed, the path and the counterexample; keep its head.
  log({
    target,
    seed,
    runs,
    ms: 0,
    perSecond: 0,
    slowestMs: 0,
    rssBeforeMb: 0,
    peakRssMb: peakRssMb(),
    failure: message.slice(0, 2000),
  });
  throw err;
}

function timed<A extends unknown[], R>(slowest: { ms: number }, f: (...a: A) => R): (...a: A) => R {
  return (...a) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = f(...a);
    const ms = performance.now() - start;
    if (ms > slowest.ms) slowest.ms = ms;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (cpuMs > HANG_CPU_MS)
      throw new Error(`one case used ${Math.round(cpuMs)} ms of CPU (a hang: more than ${HANG_CPU_MS} ms)`);
    return result;
  };
}

/** Runs a synchronous property `runs` times (default: fuzzRuns()) and records its throughput. */
export function fuzz<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => void,
  runs = fuzzRuns(),
): void {
  const seed = fuzzSeed();
  const slowest = { ms: 0 };
  const rssBefore = rssMb();
  const one = timed(slowest, check);
  const start = performance.now();
  try {
    fc.assert(
      fc.property(arb, (value) => {
        one(value);
      }),
      { numRuns: runs, seed },
    );
  } catch (err) {
    failed(target, seed, runs, err);
  }
  record(target, seed, runs, performance.now() - start, slowest.ms, rssBefore);
}

/** The asynchronous twin of `fuzz`, for parsers reached through a socket. */
export async function fuzzAsync<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  runs = fuzzRuns(),
): Promise<void> {
  const seed = fuzzSeed();
  const slowest = { ms: 0 };
  const rssBefore = rssMb();
  const start = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (value) => {
        const begun = performance.now();
        await check(value);
        const ms = performance.now() - begun;
        if (ms > slowest.ms) slowest.ms = ms;
      }),
      // An asynchronous case can be cut off: one that never settles fails as a hang.
      { numRuns: runs, seed, timeout: ASYNC_HANG_MS },
    );
  } catch (err) {
    failed(target, seed, runs, err);
  }
  record(target, seed, runs, performance.now() - start, slowest.ms, rssBefore);
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
