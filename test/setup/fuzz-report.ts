// Global setup of the fuzz project: gives the workers a file to record each target's throughput in,
// and prints one table of cases per second when every target has run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUZZ_LOG_ENV } from '../fuzz/support/harness.ts';

interface Figure {
  target: string;
  runs: number;
  ms: number;
  perSecond: number;
}

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
      .map((l) => JSON.parse(l) as Figure)
      .sort((a, b) => a.target.localeCompare(b.target));
    if (figures.length > 0) {
      const width = Math.max(...figures.map((f) => f.target.length));
      console.log('\nfuzz targets: cases, seconds, cases per second');
      for (const f of figures) {
        console.log(
          `  ${f.target.padEnd(width)}  ${String(f.runs).padStart(7)}  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${String(f.perSecond).padStart(7)}/s`,
        );
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
