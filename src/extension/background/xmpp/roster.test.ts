import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import { parseRoster } from './roster.ts';

const query = (items: string) => parse(`<query xmlns='jabber:iq:roster' ver='1'>${items}</query>`);

describe('parseRoster', () => {
  it('reads items as plain data with bare, normalised JIDs and sorted groups', () => {
    const roster = parseRoster(
      query(
        "<item jid='Bob@Good.test' name='Bob' subscription='both'><group>Weak</group><group>Friends</group><group>Weak</group></item>" +
          "<item jid='carol@good.test' subscription='none' ask='subscribe'/>" +
          "<item jid='dave@plain.test/phone' name='' subscription='odd'/>",
      ),
    );
    expect(roster).toEqual([
      {
        jid: 'bob@good.test',
        name: 'Bob',
        subscription: 'both',
        pendingOut: false,
        groups: ['Friends', 'Weak'],
      },
      { jid: 'carol@good.test', name: null, subscription: 'none', pendingOut: true, groups: [] },
      { jid: 'dave@plain.test', name: null, subscription: 'none', pendingOut: false, groups: [] },
    ]);
  });

  it('skips removed, JID-less, invalid and duplicate items', () => {
    const roster = parseRoster(
      query(
        "<item jid='a@b.test' subscription='remove'/><item name='x'/><item jid='x@'/>" +
          "<item jid='c@d.test'/><item jid='C@d.test' name='dup'/>",
      ),
    );
    expect(roster.map((r) => r.jid)).toEqual(['c@d.test']);
  });

  it('an empty roster is an empty list', () => {
    expect(parseRoster(query(''))).toEqual([]);
  });

  it('refuses what is not a roster', () => {
    expect(() => parseRoster(undefined)).toThrow(/not a <query xmlns='jabber:iq:roster'/);
    expect(() => parseRoster(parse("<query xmlns='jabber:iq:version'/>"))).toThrow(/not a <query/);
  });
});
