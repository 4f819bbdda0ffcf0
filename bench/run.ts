// `npm run bench`: runs every bench/*.bench.ts in name order, each in its own process on this same Node,
// streaming its output; exits non-zero when one fails. `--only NAME` (e.g. `scan`) runs just that one.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorText } from '../src/core/error-text.ts';

const SUFFIX = '.bench.ts';

/** The bench files to run, sorted; `only` names one by its stem (`scan`) or file name (`scan.bench.ts`). */
export function selectBenches(files: readonly string[], only?: string): string[] {
  const benches = files.filter((f) => f.endsWith(SUFFIX)).sort();
  if (only === undefined) return benches;
  const wanted = only.endsWith(SUFFIX) ? only : `${only}${SUFFIX}`;
  if (!benches.includes(wanted)) {
    const known = benches.map((f) => f.slice(0, -SUFFIX.length)).join(', ') || 'none';
    throw new Error(`no benchmark "${only}" in bench/ (known: ${known})`);
  }
  return [wanted];
}

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`cannot start ${file}: ${err.message}`);
      resolve(1);
    });
    // A signal death has no exit code: count it as a failure.
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const dir = import.meta.dirname;
  let benches: string[];
  try {
    const { values } = parseArgs({ options: { only: { type: 'string' } } });
    benches = selectBenches(readdirSync(dir), values.only);
  } catch (err) {
    console.error(`${errorText(err)}\nusage: node bench/run.ts [--only NAME]`);
    return 2;
  }
  const failed: string[] = [];
  for (const file of benches) {
    console.log(`\n=== ${file} ===`);
    const code = await runOne(join(dir, file));
    if (code !== 0) failed.push(`${file} (exit ${code})`);
  }
  if (failed.length > 0) console.error(`\nfailed: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main();
