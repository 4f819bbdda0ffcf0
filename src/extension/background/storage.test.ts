import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { ContactResult } from '../shared/check-types.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import {
  migrateResults,
  readCheckResults,
  readPackedResults,
  readResultsSummary,
  writeCheckResults,
} from './storage.ts';

function result(jid: string, light: ContactResult['light']): ContactResult {
  return {
    jid,
    name: 'Bob',
    light,
    reasons: [{ says: phrase('path_not_scanned', jid) }],
    hops: [{ name: 's2s', from: 'a', to: 'b', light, reasons: [{ says: phrase('path_not_scanned', 'b') }] }],
    e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
    scans: [{ domain: 'b', scannedAt: null }],
  };
}

const observed = { observations: [], userSoftware: null };
const at = '2026-11-24T17:00:00.000Z';

describe('results storage', () => {
  it('stores results packed with their count and light, and reads them back', async () => {
    const storage = memoryStorage();
    const results = [result('eve@b', 'red'), result('bob@b', 'green')];
    await writeCheckResults(storage, { lastCheck: at, results, observed });
    expect(storage.data.has('results')).toBe(false);
    expect(storage.data.get('resultsSummary')).toEqual({ count: 2, light: 'red' });
    expect(await readCheckResults(storage)).toEqual({ lastCheck: at, results });
  });

  it('migrates results of the version before the packed form, losing nothing', async () => {
    const results = [result('eve@b', 'red'), result('bob@b', 'yellow')];
    const storage = memoryStorage({ lastCheck: at, results });
    // Before the migration runs, reads see them already.
    expect(await readCheckResults(storage)).toEqual({ lastCheck: at, results });
    expect(await readResultsSummary(storage)).toEqual({ count: 2, light: 'red' });
    await migrateResults(storage);
    expect(storage.data.has('results')).toBe(false);
    expect(await readCheckResults(storage)).toEqual({ lastCheck: at, results });
    expect(storage.data.get('resultsSummary')).toEqual({ count: 2, light: 'red' });
    // A second start finds nothing to do.
    const before = JSON.stringify([...storage.data]);
    await migrateResults(storage);
    expect(JSON.stringify([...storage.data])).toBe(before);
  });

  it('finishes a migration stopped between writing the packed form and removing the old key', async () => {
    const results = [result('eve@b', 'red')];
    const storage = memoryStorage({ lastCheck: at, results });
    await writeCheckResults(storage, { lastCheck: at, results, observed });
    storage.data.set('results', [result('old@b', 'green')]);
    await migrateResults(storage);
    expect(storage.data.has('results')).toBe(false);
    expect((await readCheckResults(storage)).results).toEqual(results);
  });

  it('reads nothing stored as an empty set', async () => {
    const storage = memoryStorage();
    expect(await readCheckResults(storage)).toEqual({ lastCheck: null, results: [] });
    expect(await readResultsSummary(storage)).toEqual({ count: 0, light: 'grey' });
    expect((await readPackedResults(storage)).packed.rows).toEqual([]);
    await migrateResults(storage);
    expect(storage.data.size).toBe(0);
  });

  it('refuses damaged stored results with a clear error and leaves them in place', async () => {
    const damaged = { format: 1, fields: ['light'], values: ['red'], rows: [['eve@b']] };
    const storage = memoryStorage({ lastCheck: at, packedResults: damaged });
    await expect(readCheckResults(storage)).rejects.toThrow(
      'The stored results are damaged: row 1 is malformed.',
    );
    await migrateResults(storage);
    expect(storage.data.get('packedResults')).toEqual(damaged);
  });
});
