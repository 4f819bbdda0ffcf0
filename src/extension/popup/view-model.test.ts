import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import type { ContactResult } from '../shared/check-types.ts';
import {
  countByLight,
  detailsIdFor,
  failureView,
  filterResults,
  hopLabel,
  progressText,
} from './view-model.ts';

const row = (jid: string, name: string | null, light: ContactResult['light']): ContactResult => ({
  jid,
  name,
  light,
  reasons: [],
  hops: [],
  e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
});
const rows = [
  row('dave@plain.test', 'Dave', 'red'),
  row('bob@good.test', 'Bob', 'green'),
  row('carol@good.test', null, 'green'),
];

describe('filterResults', () => {
  it('searches names and JIDs without regard to case, keeping the order', () => {
    expect(filterResults(rows, '  GOOD ', 'all').map((r) => r.jid)).toEqual([
      'bob@good.test',
      'carol@good.test',
    ]);
    expect(filterResults(rows, 'dav', 'all').map((r) => r.jid)).toEqual(['dave@plain.test']);
  });
  it('filters by light, together with the search', () => {
    expect(filterResults(rows, '', 'red').map((r) => r.jid)).toEqual(['dave@plain.test']);
    expect(filterResults(rows, 'bob', 'red')).toEqual([]);
  });
  it('counts each light', () => {
    expect(countByLight(rows)).toEqual({ red: 1, grey: 0, yellow: 0, green: 2 });
  });
});

describe('progressText', () => {
  it('names every phase', () => {
    expect(progressText({ phase: 'omemo', done: 3, total: 9 })).toBe('Looking for OMEMO devices (3 of 9)…');
    for (const phase of ['starting', 'discovery', 'login', 'roster', 'grades', 'saving'] as const) {
      expect(progressText({ phase })).toMatch(/…$/);
    }
  });
});

describe('failureView', () => {
  it('sends password and settings problems to the settings, the rest to a retry', () => {
    const at = '2026-11-24T18:00:00.000Z';
    expect(failureView({ kind: 'wrong-password', message: 'refused', at })).toEqual({
      title: 'Wrong password',
      detail: 'refused',
      action: 'settings',
      banner: false,
    });
    expect(failureView({ kind: 'server-unreachable', message: 'down', at })).toMatchObject({
      title: 'Server unreachable',
      action: 'retry',
    });
    // No observatory: a banner above the listed contacts, pointing to where another one is set.
    expect(failureView({ kind: 'observatory-unreachable', message: 'down', at })).toMatchObject({
      title: 'No observatory answered',
      action: 'settings',
      banner: true,
    });
  });
});

describe('labels', () => {
  it('names the hops', () => {
    expect(hopLabel('c2s-local')).toBe('You → your server');
    expect(hopLabel('s2s')).toBe('Server → server');
  });
});

describe('detailsIdFor', () => {
  it('gives distinct JIDs distinct ids without spaces, even where punctuation differs only', () => {
    const ids = ['a@b.c', 'a-b@c', 'a.b@c', 'ümlaut@b.c'].map(detailsIdFor);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^details-\S+$/);
  });
});
