// The `scan` command: options → ScanOptions, then one domain to stdout or a list to report files.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { normalizeDomain } from '../../core/domain.ts';
import { errorText } from '../../core/error-text.ts';
import type { DomainReport } from '../../core/report.ts';
import { formatReport } from '../report-text.ts';
import { ScanRefusedError, scanDomain } from '../scan/scan-domain.ts';
import { DEFAULT_CONCURRENCY } from '../scan/tls/prober.ts';
import type { Resolver, ScanOptions } from '../scan/types.ts';
import { labScanOptions } from './lab-options.ts';

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  resolver: null,
  extraCa: [],
  allowPrivate: false,
  timeoutMs: 5000,
  // Handshakes to one target at once (the scan's socket caps still apply).
  perHostConcurrency: DEFAULT_CONCURRENCY,
};

export class UsageError extends Error {}

export function parseResolver(value: string): Resolver {
  // HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const hostPort = /^([^:]+)(?::(\d+))?$/.exec(value);
  const host = bracketed?.[1] ?? hostPort?.[1] ?? (value.includes(':') ? value : null);
  const port = Number(bracketed?.[2] ?? hostPort?.[2] ?? 53);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`--resolver wants HOST[:PORT], got "${value}".`);
  }
  return { host, port };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} wants a whole number above 0, got "${value}".`);
  return n;
}

export async function buildScanOptions(values: {
  resolver?: string;
  ca?: string;
  'allow-private'?: boolean;
  timeout?: string;
  concurrency?: string;
  lab?: boolean;
}): Promise<ScanOptions> {
  const base = values.lab ? labScanOptions() : DEFAULT_SCAN_OPTIONS;
  const extraCa = [...base.extraCa];
  if (values.ca) {
    try {
      extraCa.push(await readFile(values.ca, 'utf8'));
    } catch (err) {
      throw new UsageError(`--ca: cannot read ${values.ca}: ${errorText(err)}`);
    }
  }
  return {
    resolver: values.resolver ? parseResolver(values.resolver) : base.resolver,
    extraCa,
    allowPrivate: Boolean(values['allow-private']) || base.allowPrivate,
    timeoutMs: positiveInt('timeout', values.timeout, base.timeoutMs),
    perHostConcurrency: positiveInt('concurrency', values.concurrency, base.perHostConcurrency),
  };
}

export async function scanCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  let options: ScanOptions;
  try {
    parsed = parse(argv);
    options = await buildScanOptions(parsed.values);
  } catch (err) {
    process.stderr.write(`scan: ${errorText(err)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.file) return scanList(values.file, values.out ?? 'reports', options);
  const [domain, ...extra] = positionals;
  if (domain === undefined || extra.length > 0) {
    process.stderr.write('scan: give exactly one DOMAIN, or --file LIST.\n');
    return 2;
  }
  try {
    const report = await scanDomain(domain, options);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (err) {
    process.stderr.write(`scan: ${errorText(err)}\n`);
    return err instanceof ScanRefusedError ? 3 : 1;
  }
}

/** The options that shape a scan, shared by `scan`, `serve` and `worker`. */
export const SCAN_OPTION_SPEC = {
  resolver: { type: 'string' },
  ca: { type: 'string' },
  'allow-private': { type: 'boolean' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  lab: { type: 'boolean' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...SCAN_OPTION_SPEC,
        json: { type: 'boolean' },
        file: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(errorText(err));
  }
}

/** Scans a list with a progress bar; one JSON report per domain, failures listed, never fatal. */
async function scanList(file: string, outDir: string, options: ScanOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`scan: cannot read ${file}: ${errorText(err)}\n`);
    return 2;
  }
  const names = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  await mkdir(outDir, { recursive: true });
  const bar = new cliProgress.SingleBar(
    { format: 'scan [{bar}] {value}/{total} {domain}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(names.length, 0, { domain: '' });
  const failures: string[] = [];
  for (const name of names) {
    bar.update({ domain: name });
    const normalized = normalizeDomain(name);
    if (!normalized.ok) {
      failures.push(`${name}: ${normalized.error}`);
      bar.increment();
      continue;
    }
    try {
      const report: DomainReport = await scanDomain(normalized.domain, options);
      await writeFile(join(outDir, `${normalized.domain}.json`), `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      failures.push(`${name}: ${errorText(err)}`);
    }
    bar.increment();
  }
  bar.stop();
  process.stderr.write(`${names.length - failures.length} of ${names.length} scanned into ${outDir}/\n`);
  for (const failure of failures) process.stderr.write(`  failed: ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}
