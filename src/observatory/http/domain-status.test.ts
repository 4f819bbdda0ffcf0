import { describe, expect, it } from 'vitest';
import { domainStatus } from './domain-status.ts';

const now = new Date('2026-11-24T12:00:00.000Z');
const day = 86_400_000;

describe('domainStatus', () => {
  it('calls a report younger than the window fresh, older stale', () => {
    expect(
      domainStatus({ scannedAt: '2026-11-24T00:00:00.000Z', lastScan: null, now, freshForMs: day }),
    ).toBe('fresh');
    expect(
      domainStatus({ scannedAt: '2026-11-20T00:00:00.000Z', lastScan: null, now, freshForMs: day }),
    ).toBe('stale');
  });

  it('keeps a stored report visible while a rescan is pending or after it failed', () => {
    const scannedAt = '2026-11-24T11:00:00.000Z';
    expect(domainStatus({ scannedAt, lastScan: { status: 'running' }, now, freshForMs: day })).toBe('fresh');
    expect(domainStatus({ scannedAt, lastScan: { status: 'failed' }, now, freshForMs: day })).toBe('fresh');
  });

  it('without a report, follows the last scan request', () => {
    const base = { scannedAt: null, now, freshForMs: day };
    expect(domainStatus({ ...base, lastScan: { status: 'queued' } })).toBe('pending');
    expect(domainStatus({ ...base, lastScan: { status: 'running' } })).toBe('pending');
    expect(domainStatus({ ...base, lastScan: { status: 'failed' } })).toBe('failed');
    expect(domainStatus({ ...base, lastScan: null })).toBe('unknown');
  });
});
