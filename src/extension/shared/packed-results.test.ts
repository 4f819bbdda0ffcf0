import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { ContactResult } from './check-types.ts';
import { PackedResultsError, packResults, unpackResults } from './packed-results.ts';

/** A contact as the path model gives it: hops, scans and reasons shared by every contact of a domain. */
function contact(i: number, domains: number): ContactResult {
  const domain = `d${i % domains}.example`;
  const omemo = i % 3 === 0;
  return {
    jid: `user${i}@${domain}`,
    name: i % 2 === 0 ? `Contact ${i}` : null,
    light: omemo ? 'green' : 'yellow',
    reasons: [{ says: phrase('path_not_scanned', domain), about: domain }],
    hops: [
      {
        name: 'c2s-local',
        from: 'you',
        to: 'home.example',
        light: 'green',
        reasons: [{ says: phrase('path_not_scanned', 'home.example') }],
      },
      {
        name: 's2s',
        from: 'home.example',
        to: domain,
        light: 'green',
        reasons: [{ says: phrase('path_not_scanned', domain), about: domain }],
      },
      {
        name: 'c2s-remote',
        from: domain,
        to: 'them',
        light: 'yellow',
        reasons: [{ says: phrase('path_not_scanned', domain) }],
      },
    ],
    e2e: {
      light: omemo ? 'green' : 'grey',
      label: omemo ? E2E_LABELS.available : E2E_LABELS.unknown,
      reasons: [],
    },
    scans: [
      { domain: 'home.example', scannedAt: '2026-11-30T10:00:00.000Z' },
      { domain, scannedAt: null },
    ],
  };
}

describe('packResults', () => {
  it('gives back exactly the results, in their order, optional fields absent where they were', () => {
    const results = [contact(0, 3), contact(1, 3), { ...contact(2, 3), scans: undefined }].map((r) =>
      JSON.parse(JSON.stringify(r)),
    );
    const packed = JSON.parse(JSON.stringify(packResults(results)));
    expect(unpackResults(packed)).toEqual(results);
    expect(unpackResults(packed)[2]).not.toHaveProperty('scans');
  });

  it('keeps a field it does not know (a newer version added it), so nothing is lost', () => {
    const results = [{ ...contact(0, 1), since: '2026-01-01' } as ContactResult];
    expect(unpackResults(packResults(results))).toEqual(results);
  });

  it('keeps each shared value once: 10,000 contacts over 300 domains in well under 3 MB', () => {
    const results = Array.from({ length: 10_000 }, (_, i) => contact(i, 300));
    const plain = JSON.stringify(results).length;
    const packed = JSON.stringify(packResults(results)).length;
    expect(packed).toBeLessThan(1_500_000);
    expect(packed * 4).toBeLessThan(plain);
    expect(unpackResults(packResults(results))).toEqual(results);
  });

  it('packs an empty list', () => {
    expect(unpackResults(packResults([]))).toEqual([]);
  });
});

describe('unpackResults', () => {
  const good = packResults([contact(0, 1)]);
  it.each([
    [null, 'not in a format this version knows'],
    [[], 'not in a format this version knows'],
    [{ ...good, format: 2 }, 'not in a format this version knows'],
    [{ ...good, fields: ['jid'] }, 'field list is invalid'],
    [{ ...good, values: undefined }, 'values or rows are missing'],
    [{ ...good, rows: [['a@b', null]] }, 'row 1 is malformed'],
    [{ ...good, rows: [[7, null, 0, 0, 0, 0, 0]] }, 'row 1 is malformed'],
    [{ ...good, rows: [['a@b', null, 0, 0, 0, 0, 99]] }, 'row 1 refers to value 99 of'],
    [{ ...good, rows: [['a@b', null, 0, 0, 0, 0, 1.5]] }, 'row 1 refers to value 1.5 of'],
    [{ ...good, rows: [['a@b', null, -1, 0, 0, 0, 0]] }, 'row 1 lacks part of a result'],
  ])('refuses %j with a clear error', (packed, message) => {
    expect(() => unpackResults(packed)).toThrow(PackedResultsError);
    expect(() => unpackResults(packed)).toThrow(message);
  });
});
