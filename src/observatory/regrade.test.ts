// Stored reports made under rubric v1 (real lab scans, saved by the v1 scanner in
// test/fixtures/rubric-v1/) re-grade to the current rubric from their facts, without a scan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarize } from '../core/grade-report.ts';
import type { DomainReport, ServiceReport } from '../core/report.ts';
import { RUBRIC_VERSION } from '../core/rubric.ts';
import { regradeStored } from './regrade.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/rubric-v1');

function storedV1(domain: string): DomainReport {
  const report = JSON.parse(readFileSync(join(FIXTURES, `${domain}.json`), 'utf8')) as DomainReport;
  expect(report.rubricVersion).toBe(1);
  return report;
}

/** What the store held for a v1 report: its v1 grades, in the report and in the summary's columns. */
async function storeAsV1(store: Store, report: DomainReport, id: string): Promise<void> {
  const summary = summarize(report);
  for (const kind of ['c2s', 's2s'] as const) {
    summary.services[kind] = { ...summary.services[kind], grade: report.services[kind].grade };
  }
  const now = new Date(report.scannedAt);
  await store.insertScan(store.db, { id, domain: report.domain, requestedAt: now });
  await store.startScan(id, now);
  await store.completeScan(id, { report, summary: { ...summary, rubricVersion: 1 } }, now);
}

const facts = (s: ServiceReport) =>
  s.targets.map((t) => ({ tls: t.tls, certificate: t.certificate, dane: t.dane, stream: t.stream }));
const codes = (s: ServiceReport) => new Set(s.findings.map((f) => f.code));

describe('re-grading stored v1 reports to the current rubric', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ sqlitePath: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('replaces the grades and rubric findings, keeps every fact', async () => {
    const domains = ['good.test', 'weak.test', 'badtlsa.sec.test'];
    const before = new Map(domains.map((d) => [d, storedV1(d)]));
    let n = 0;
    for (const report of before.values()) await storeAsV1(store, report, `v1-${n++}`);

    expect(await regradeStored(store)).toBe(domains.length);
    expect(await regradeStored(store)).toBe(0);

    for (const [i, domain] of domains.entries()) {
      const old = before.get(domain);
      const now = (await store.getScan(`v1-${i}`))?.report;
      if (!old || !now) throw new Error(`no stored report of ${domain}`);
      expect(now.rubricVersion).toBe(RUBRIC_VERSION);
      for (const kind of ['c2s', 's2s'] as const) {
        expect(facts(now.services[kind])).toEqual(facts(old.services[kind]));
      }
      expect((await store.getDomain(domain))?.summary?.rubricVersion).toBe(RUBRIC_VERSION);
    }

    // weak.test offers CBC suites on TLS 1.2: v1 noted "not AEAD", v2 caps at A- with its own finding.
    const weak = (await store.getScan('v1-1'))?.report?.services.c2s;
    const weakBefore = before.get('weak.test')?.services.c2s;
    if (!weak || !weakBefore) throw new Error('no stored report of weak.test');
    expect(codes(weakBefore)).toContain('tls.cipher.not-aead');
    expect(codes(weak)).toContain('tls.cipher.cbc-tls12');
    expect(codes(weak)).not.toContain('tls.cipher.not-aead');
  });
});
