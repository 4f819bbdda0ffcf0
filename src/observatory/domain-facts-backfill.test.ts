import { describe, expect, it } from 'vitest';
import { report } from '../core/testing/fixtures.ts';
import { backfillDomainFacts } from './domain-facts-backfill.ts';
import { gradedForStorage } from './regrade.ts';
import { openStore } from './store/open-store.ts';
import { DEFAULT_DIRECTORY_QUERY } from './web/directory-model.ts';

describe('backfillDomainFacts', () => {
  it('gives every domain whose latest report has no directory row one, once', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    try {
      for (const domain of ['a.example', 'b.example']) {
        await store.insertScan(store.db, { id: `scan-${domain}`, domain, requestedAt: new Date() });
        await store.completeScan(`scan-${domain}`, gradedForStorage(report({ domain })), new Date());
      }
      // As if stored before migration 0003: the rows are missing.
      await store.db.deleteFrom('domain_facts').execute();
      expect(await store.directoryPage({ ...query })).toMatchObject({ total: 0 });
      expect(await backfillDomainFacts(store, 1)).toBe(2);
      expect(await backfillDomainFacts(store)).toBe(0);
      const page = await store.directoryPage({ ...query });
      expect(page.rows.map((r) => [r.domain, r.c2sGrade])).toEqual([
        ['a.example', 'A'],
        ['b.example', 'A'],
      ]);
    } finally {
      await store.close();
    }
  });
});

const query = DEFAULT_DIRECTORY_QUERY;
