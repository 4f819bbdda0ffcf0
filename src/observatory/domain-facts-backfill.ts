// Reports stored before the directory existed get their directory row once, at start-up: the row is
// derived from the stored report (report-facts.ts); reads never derive it.
import type { Store } from './store/store.ts';

/** Writes the missing directory rows in batches; returns how many were written. */
export async function backfillDomainFacts(store: Store, batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await store.domainsWithoutFacts(batchSize);
    if (rows.length === 0) return total;
    for (const row of rows) await store.writeDomainFacts(row.report);
    total += rows.length;
  }
}
