import { describe, expect, it } from 'vitest';
import { english } from '../../core/english.ts';
import { E2E_LABELS } from '../../core/path.ts';
import type { Reason } from '../../core/reason.ts';
import { domainSummary } from '../../core/testing/fixtures.ts';
import { contactResults, sortWorstFirst } from './contact-paths.ts';

const summaries = new Map([
  ['good.example', domainSummary('good.example')],
  ['other.example', domainSummary('other.example')],
  [
    'plain.example',
    domainSummary('plain.example', {
      c2s: { grade: 'F', gradeIfTrusted: 'F', encryption: 'none', tlsVersions: [], authentication: [] },
      s2s: { grade: 'F', gradeIfTrusted: 'F', encryption: 'none', tlsVersions: [], authentication: [] },
    }),
  ],
]);

const base = {
  account: 'alice@good.example',
  omemo: new Map<string, boolean | null>([['erin@other.example', true]]),
  summaries,
  transportSecure: true,
  observations: new Map(),
  userSoftware: null,
  now: new Date('2026-11-24T18:00:00Z'),
};

/** The plain sentences of reasons, in English. */
function says(reasons: readonly Reason[] | undefined): string[] {
  return (reasons ?? []).map((r) => english(r.says));
}

describe('contactResults', () => {
  it('gives each contact its path, worst first, with hops in path order', () => {
    const results = contactResults({
      ...base,
      contacts: [
        { jid: 'erin@other.example', name: 'Erin' },
        { jid: 'bob@good.example', name: 'Bob' },
        { jid: 'dave@plain.example', name: 'Dave' },
        { jid: 'zed@unscanned.example', name: null },
      ],
    });
    expect(results.map((r) => [r.jid, r.light])).toEqual([
      ['dave@plain.example', 'red'],
      ['zed@unscanned.example', 'grey'],
      ['bob@good.example', 'green'],
      ['erin@other.example', 'green'],
    ]);
    const erin = results.find((r) => r.jid === 'erin@other.example');
    expect(erin?.hops.map((h) => h.name)).toEqual(['c2s-local', 's2s', 'c2s-remote']);
    expect(erin?.e2e.light).toBe('green');
    // Same domain: no server-to-server hop.
    expect(results.find((r) => r.jid === 'bob@good.example')?.hops.map((h) => h.name)).toEqual([
      'c2s-local',
      'c2s-remote',
    ]);
    expect(says(results[0]?.reasons)).toContain(
      'plain.example does not encrypt connections from chat apps: messages can be read on the way.',
    );
    expect(says(results[1]?.reasons)).toEqual([
      'unscanned.example has not been checked by the observatory yet.',
    ]);
    // Every reason names the domain it is about, for the link to its report.
    expect(results[1]?.reasons[0]?.about).toBe('unscanned.example');
    expect(results.find((r) => r.jid === 'dave@plain.example')?.e2e.label).toBeDefined();
    // Each row says when the domains it was judged by were scanned.
    expect(erin?.scans).toEqual([
      { domain: 'good.example', scannedAt: '2026-11-24T12:00:00.000Z' },
      { domain: 'other.example', scannedAt: '2026-11-24T12:00:00.000Z' },
    ]);
    expect(results[1]?.scans?.[1]).toEqual({ domain: 'unscanned.example', scannedAt: null });
    expect(results.find((r) => r.jid === 'bob@good.example')?.scans).toHaveLength(1);
  });

  it('makes every path red when the extension itself connects without TLS', () => {
    const [bob] = contactResults({
      ...base,
      transportSecure: false,
      contacts: [{ jid: 'bob@good.example', name: null }],
    });
    expect(bob?.light).toBe('red');
    expect(says(bob?.reasons)[0]).toBe('Your own connection to good.example is not encrypted.');
  });

  it('greys a contact whose address cannot be graded, and one with malformed data, without failing the rest', () => {
    const broken = new Map(summaries);
    broken.set('broken.example', { domain: 'broken.example' } as never);
    const results = contactResults({
      ...base,
      summaries: broken,
      contacts: [
        { jid: 'room@127.0.0.1', name: null },
        { jid: 'x@broken.example', name: null },
        { jid: 'bob@good.example', name: null },
      ],
    });
    expect(results.map((r) => r.light)).toEqual(['grey', 'grey', 'green']);
    expect(says(results.find((r) => r.jid === 'room@127.0.0.1')?.reasons)).toEqual([
      'Hoplight cannot check this contact: its address is not valid.',
    ]);
    const broken1 = results.find((r) => r.jid === 'x@broken.example');
    expect(says(broken1?.reasons)).toEqual(['The observatory’s data about broken.example cannot be used.']);
    // No exception text reaches the user: the ShapeError stays out of every part of the reason.
    expect(JSON.stringify(broken1)).not.toMatch(/Error|summary/i);
  });

  it('refuses an account that is not a JID', () => {
    expect(() => contactResults({ ...base, account: 'not a jid', contacts: [] })).toThrow('is not a JID');
  });

  it('lists every contact with the local hop when the observatory gave no summaries', () => {
    const results = contactResults({
      ...base,
      summaries: new Map(),
      transportSecure: false,
      observations: new Map([
        [
          'weak.example',
          {
            domain: 'weak.example',
            outcome: 'ok',
            condition: null,
            text: null,
            by: null,
            software: { name: 'Prosody', version: '0.12.3' },
            identities: [{ category: 'server', type: 'im', name: 'Prosody' }],
            observedAt: '2026-11-24T18:00:00.000Z',
          },
        ],
      ]),
      contacts: [
        { jid: 'bob@weak.example', name: null },
        { jid: 'carol@good.example', name: null },
      ],
    });
    expect(results.map((r) => r.jid)).toEqual(['bob@weak.example', 'carol@good.example']);
    for (const result of results) {
      expect(result.hops[0]).toMatchObject({ name: 'c2s-local', light: 'red' });
      expect(says(result.hops[0]?.reasons)[0]).toBe('Your own connection to good.example is not encrypted.');
    }
  });
});

describe('ordering and the overall light', () => {
  const row = (jid: string, light: 'red' | 'grey' | 'yellow' | 'green', name: string | null = null) => ({
    jid,
    name,
    light,
    reasons: [],
    hops: [],
    e2e: { light: 'grey' as const, label: E2E_LABELS.unknown, reasons: [] },
  });
  it('sorts by light, then name or JID', () => {
    const sorted = sortWorstFirst([
      row('b@x', 'green'),
      row('a@x', 'yellow', 'Zoe'),
      row('c@x', 'yellow', 'Al'),
    ]);
    expect(sorted.map((r) => r.jid)).toEqual(['c@x', 'a@x', 'b@x']);
  });
});
