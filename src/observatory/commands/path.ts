// The `path` command: scan two domains and print the path between them (hops, lights, reasons), for
// operators asking whether their server can talk safely to another.
import { parseArgs } from 'node:util';
import { normalizeDomain } from '../../core/domain.ts';
import { summarize } from '../../core/grade-report.ts';
import { formatPathReport, pathReport } from '../../core/path-report.ts';
import type { DomainSummary } from '../../core/summary.ts';
import { ScanRefusedError, scanDomain } from '../scan/scan-domain.ts';
import type { ScanOptions } from '../scan/types.ts';
import { buildScanOptions, SCAN_OPTION_SPEC, UsageError } from './scan.ts';

export async function pathCommand(argv: string[]): Promise<number> {
  let json: boolean;
  let domains: string[];
  let options: ScanOptions;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...SCAN_OPTION_SPEC, json: { type: 'boolean' } },
    });
    if (positionals.length !== 2) throw new UsageError('give exactly two domains: FROM TO.');
    domains = positionals.map((name) => {
      const normalized = normalizeDomain(name);
      if (!normalized.ok) throw new UsageError(`"${name}" is not a domain: ${normalized.error}`);
      return normalized.domain;
    });
    json = Boolean(values.json);
    options = await buildScanOptions(values);
  } catch (err) {
    process.stderr.write(`path: ${(err as Error).message}\n`);
    return 2;
  }
  const [from, to] = domains as [string, string];
  let summaries: DomainSummary[];
  try {
    const unique = [...new Set([from, to])];
    const scanned = await Promise.all(unique.map(async (d) => summarize(await scanDomain(d, options))));
    summaries = [from, to].map((d) => scanned[unique.indexOf(d)] as DomainSummary);
  } catch (err) {
    process.stderr.write(`path: ${(err as Error).message}\n`);
    return err instanceof ScanRefusedError ? 3 : 1;
  }
  const report = pathReport(
    { domain: from, summary: summaries[0] ?? null },
    { domain: to, summary: summaries[1] ?? null },
    new Date(),
  );
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatPathReport(report));
  return 0;
}
