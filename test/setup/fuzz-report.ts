// Global setup of the fuzz project: gives the workers a file to record each target's throughput in,
// and prints one table (cases, seconds, cases per second, slowest case, peak RSS, seed) when every
// target has run, with the seed and counterexample of any target that failed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUZZ_LOG_ENV, type FuzzFigure } from '../fuzz/support/harness.ts';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-fuzz-'));
  const log = join(dir, 'figures.jsonl');
  // Workers start after global setup and inherit the environment.
  process.env[FUZZ_LOG_ENV] = log;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // No target finished: nothing to print.
    }
    const figures = lines
      .map((l) => JSON.parse(l) as FuzzFigure)
      .sort((a, b) => a.target.localeCompare(b.target));
    const passed = figures.filter((f) => f.failure === undefined);
    if (passed.length > 0) {
      const width = Math.max(...passed.map((f) => f.target.length));
      console.log(
        '\nfuzz targets: cases, seconds, cases per second, slowest case, worker RSS before → peak, seed',
      );
      for (const f of passed) {
        console.log(
          `  ${f.target.padEnd(width)}  ${String(f.runs).padStart(7)}  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${String(f.perSecond).padStart(7)}/s  ${f.slowestMs.toFixed(0).padStart(5)} ms  ${String(f.rssBeforeMb).padStart(4)} → ${String(f.peakRssMb).padStart(4)} MB  seed ${f.seed}`,
        );
      }
    }
    for (const f of figures.filter((f) => f.failure !== undefined))
      console.log(`\nfuzz ${f.target} FAILED (replay: HOPLIGHT_FUZZ_SEED=${f.seed}):\n${f.failure}`);
    rmSync(dir, { recursive: true, force: true });
  };
}
