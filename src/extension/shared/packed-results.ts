// The results in a compact form, as storage.local keeps them and the background hands them to the popup.
// A contact's verdicts repeat across its domain (every contact on one server shares its hops, scans and
// most reasons), so each distinct value is kept once and rows refer to it by index: 5,000 contacts over
// 300 domains take well under 1 MB instead of ~6 MB. Written by hand: no library interns JSON values.
import type { ContactResult } from './check-types.ts';

/** One contact: its JID, its name, then for each of `fields` an index into `values` (-1: absent). */
export type PackedRow = [jid: string, name: string | null, ...valueIndexes: number[]];

export interface PackedResults {
  format: 1;
  /** The names of the fields beside `jid` and `name`, in the order rows give their indexes. */
  fields: string[];
  /** Each distinct field value once. */
  values: unknown[];
  /** Worst first, as the results were. */
  rows: PackedRow[];
}

export class PackedResultsError extends Error {
  override name = 'PackedResultsError';
}

/** Packs results; `unpackResults(packResults(r))` deep-equals `r`. */
export function packResults(results: readonly ContactResult[]): PackedResults {
  const fields: string[] = [];
  for (const result of results)
    for (const key of Object.keys(result))
      if (key !== 'jid' && key !== 'name' && !fields.includes(key)) fields.push(key);
  const values: unknown[] = [];
  const indexOf = new Map<string, number>();
  const intern = (value: unknown): number => {
    if (value === undefined) return -1;
    const key = JSON.stringify(value);
    let index = indexOf.get(key);
    if (index === undefined) {
      index = values.push(value) - 1;
      indexOf.set(key, index);
    }
    return index;
  };
  const rows = results.map((result): PackedRow => {
    const record = result as unknown as Record<string, unknown>;
    return [result.jid, result.name, ...fields.map((field) => intern(record[field]))];
  });
  return { format: 1, fields, values, rows };
}

/**
 * The results back, each row a fresh object (shared values are shared by reference: read them only).
 * Throws PackedResultsError, naming what is wrong, on anything that is not a packed form we wrote.
 */
export function unpackResults(packed: unknown): ContactResult[] {
  const p = packed as Partial<PackedResults> | null;
  if (typeof p !== 'object' || p === null || p.format !== 1)
    throw new PackedResultsError('The stored results are not in a format this version knows.');
  const { fields, values, rows } = p;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string' && f !== 'jid' && f !== 'name'))
    throw new PackedResultsError('The stored results are damaged: their field list is invalid.');
  if (!Array.isArray(values) || !Array.isArray(rows))
    throw new PackedResultsError('The stored results are damaged: values or rows are missing.');
  return rows.map((row, n) => {
    if (
      !Array.isArray(row) ||
      row.length !== fields.length + 2 ||
      typeof row[0] !== 'string' ||
      (row[1] !== null && typeof row[1] !== 'string')
    )
      throw new PackedResultsError(`The stored results are damaged: row ${n + 1} is malformed.`);
    const result: Record<string, unknown> = { jid: row[0], name: row[1] };
    fields.forEach((field, i) => {
      const index = row[i + 2];
      if (index === -1) return;
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= values.length)
        throw new PackedResultsError(
          `The stored results are damaged: row ${n + 1} refers to value ${String(index)} of ${values.length}.`,
        );
      result[field] = values[index as number];
    });
    if (!isContactResult(result))
      throw new PackedResultsError(`The stored results are damaged: row ${n + 1} lacks part of a result.`);
    return result;
  });
}

/** The fields every result has since hops were stored; older ones are dropped rather than shown half. */
export function isContactResult(value: unknown): value is ContactResult {
  const r = value as ContactResult | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.jid === 'string' &&
    typeof r.light === 'string' &&
    Array.isArray(r.reasons) &&
    r.reasons.every((reason: unknown) => typeof reason === 'object' && reason !== null) &&
    Array.isArray(r.hops) &&
    typeof r.e2e === 'object' &&
    r.e2e !== null &&
    typeof r.e2e.label === 'object'
  );
}
