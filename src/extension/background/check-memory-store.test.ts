import { describe, expect, it } from 'vitest';
import {
  readOmemoCache,
  readServerFacts,
  readStoredRoster,
  writeOmemoCache,
  writeServerFacts,
  writeStoredRoster,
} from './check-memory-store.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import type { RosterItem } from './xmpp/roster.ts';

const ALICE = 'alice@good.test';
const item = (jid: string, extra: Partial<RosterItem> = {}): RosterItem => ({
  jid,
  name: null,
  subscription: 'both',
  pendingOut: false,
  groups: [],
  ...extra,
});

describe('OMEMO cache in storage', () => {
  it('reads back what was written, for the same account only', async () => {
    const area = memoryStorage();
    const cache = new Map([
      ['a@x', { answer: true, checkedAt: 1000 }],
      ['b@x', { answer: false, checkedAt: 2000 }],
      ['c@y', { answer: null, checkedAt: 3000 }],
    ]);
    await writeOmemoCache(area, ALICE, cache);
    expect(await readOmemoCache(area, ALICE)).toEqual(cache);
    expect(await readOmemoCache(area, 'bob@good.test')).toEqual(new Map());
  });

  it('drops entries that do not read back, keeps the others', async () => {
    const area = memoryStorage({
      omemoCache: {
        account: ALICE,
        entries: [
          ['a@x', 1, 5],
          ['b@x', 'yes', 5],
          [7, 0, 5],
          ['c@x', 0, 'now'],
          ['d@x', 0, 9],
        ],
      },
    });
    expect([...(await readOmemoCache(area, ALICE)).keys()]).toEqual(['a@x', 'd@x']);
    expect(await readOmemoCache(memoryStorage({ omemoCache: 'garbage' }), ALICE)).toEqual(new Map());
  });
});

describe('roster in storage', () => {
  it('reads back a versioned roster for the same account', async () => {
    const area = memoryStorage();
    const roster = {
      version: 'v4',
      items: [
        item('a@x', { name: 'A', groups: ['Friends'] }),
        item('b@y', { subscription: 'none', pendingOut: true }),
      ],
    };
    await writeStoredRoster(area, ALICE, roster);
    expect(await readStoredRoster(area, ALICE)).toEqual(roster);
    expect(await readStoredRoster(area, 'bob@good.test')).toBeNull();
  });

  it('keeps nothing when the server keeps no version', async () => {
    const area = memoryStorage();
    await writeStoredRoster(area, ALICE, { version: 'v1', items: [item('a@x')] });
    await writeStoredRoster(area, ALICE, { version: null, items: [item('a@x')] });
    expect(await readStoredRoster(area, ALICE)).toBeNull();
  });

  it('voids a stored roster with an unreadable item rather than lose a contact', async () => {
    const area = memoryStorage({
      rosterCache: {
        account: ALICE,
        version: 'v2',
        items: [
          ['a@x', null, 'both', 0, []],
          ['b@x', null, 'sideways', 0, []],
        ],
      },
    });
    expect(await readStoredRoster(area, ALICE)).toBeNull();
  });
});

describe('server facts in storage', () => {
  it('reads back what was written for the same account, and drops rows that do not read back', async () => {
    const area = memoryStorage();
    const facts = new Map([
      [
        'good.test',
        {
          software: { name: 'Prosody', version: '0.12.3' },
          identities: [{ category: 'server', type: 'im', name: null }],
          checkedAt: 5,
        },
      ],
      ['quiet.test', { software: null, identities: [], checkedAt: 6 }],
    ]);
    await writeServerFacts(area, ALICE, facts);
    expect(await readServerFacts(area, ALICE)).toEqual(facts);
    expect(await readServerFacts(area, 'bob@good.test')).toEqual(new Map());
    const bad = memoryStorage({
      serverFacts: {
        account: ALICE,
        entries: [
          ['a.test', { name: 7 }, [], 1],
          ['b.test', null, [{ category: 'server' }], 1],
          ['c.test', null, [], 'yesterday'],
          ['d.test', null, [], 1],
        ],
      },
    });
    expect([...(await readServerFacts(bad, ALICE)).keys()]).toEqual(['d.test']);
  });
});
