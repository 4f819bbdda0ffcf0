import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import { report } from '../../core/testing/fixtures.ts';
import { gradedForStorage } from '../regrade.ts';
import { openStore } from '../store/open-store.ts';
import { regradeCommand } from './regrade.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-regrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('regrade', () => {
  it('re-grades a report stored under an older rubric, and then has nothing left to do', async () => {
    const path = join(dir, 'store.sqlite');
    const store = await openStore({ sqlitePath: path });
    const old = report();
    expect(old.rubricVersion).toBeLessThan(RUBRIC_VERSION);
    await store.insertScan(store.db, {
      id: '00000000-0000-4000-8000-000000000001',
      domain: old.domain,
      requestedAt: new Date(),
    });
    // Stored as it was made, as a store written by an older version holds it.
    await store.completeScan(
      '00000000-0000-4000-8000-000000000001',
      { report: old, summary: gradedForStorage(old).summary },
      new Date(),
    );
    await store.close();

    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await regradeCommand(['--db', path])).toBe(0);
      expect(await regradeCommand(['--db', path])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0]))).toEqual([
        'regrade: 1 stored report re-graded\n',
        'regrade: 0 stored reports re-graded\n',
      ]);
    } finally {
      out.mockRestore();
    }
    const reopened = await openStore({ sqlitePath: path });
    const scan = await reopened.getScan('00000000-0000-4000-8000-000000000001');
    await reopened.close();
    expect(scan?.report?.rubricVersion).toBe(RUBRIC_VERSION);
  });

  it('refuses an unknown option with a usage error', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await regradeCommand(['--nope'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
