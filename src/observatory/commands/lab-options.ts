// `--lab`: scan options from the running test lab's state file (resolver, CA, private addresses).
// Read by the command layer: the scanner itself knows nothing of the lab.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONCURRENCY } from '../scan/tls/prober.ts';
import type { ScanOptions } from '../scan/types.ts';

const DEFAULT_STATE = fileURLToPath(new URL('../../../lab/.state/lab.json', import.meta.url));

export function labScanOptions(statePath = process.env.HOPLIGHT_LAB_STATE ?? DEFAULT_STATE): ScanOptions {
  let state: { resolver?: { host: string; port: number }; caFile?: string; signedZone?: { name: string } };
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    throw new Error(`--lab: no running lab (${statePath} is missing); start it with "npm run lab:up".`);
  }
  if (!state.resolver || !state.caFile) throw new Error(`--lab: ${statePath} has no resolver or caFile.`);
  return {
    resolver: state.resolver,
    extraCa: [readFileSync(state.caFile, 'utf8')],
    allowPrivate: true,
    // The lab's resolvers know only the lab's names: its signed zone tells whether one validates.
    ...(state.signedZone ? { dnssecProbeName: state.signedZone.name } : {}),
    // Loopback answers in microseconds; a short budget keeps hostile-target tests fast.
    timeoutMs: 3000,
    perHostConcurrency: DEFAULT_CONCURRENCY,
  };
}
