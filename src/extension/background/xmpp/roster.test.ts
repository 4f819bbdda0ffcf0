import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import {
  applyRosterPushes,
  offersRosterVersioning,
  parseRoster,
  readRosterPush,
  readRosterResult,
  rosterQuery,
} from './roster.ts';

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

describe('roster versioning', () => {
  const ME = 'alice@good.test';
  const push = (attrs: string, item: string) =>
    parse(`<iq type='set' ${attrs}><query xmlns='jabber:iq:roster' ver='v9'>${item}</query></iq>`);

  it('asks with the stored version only when given one', () => {
    expect(rosterQuery().attrs).toEqual({ xmlns: 'jabber:iq:roster' });
    expect(rosterQuery('v3').attrs).toEqual({ xmlns: 'jabber:iq:roster', ver: 'v3' });
    expect(rosterQuery('').attrs.ver).toBe('');
  });

  it('reads the stream feature', () => {
    const features = (inner: string) =>
      parse(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'>${inner}</stream:features>`);
    expect(offersRosterVersioning(features("<ver xmlns='urn:xmpp:features:rosterver'/>"))).toBe(true);
    expect(offersRosterVersioning(features("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"))).toBe(false);
  });

  it('an empty result means unchanged; a full one carries its version', () => {
    expect(readRosterResult(parse("<iq type='result' id='1'/>"))).toBe('unchanged');
    expect(
      readRosterResult(
        parse(
          "<iq type='result'><query xmlns='jabber:iq:roster' ver='7'><item jid='b@c' subscription='to'/></query></iq>",
        ),
      ),
    ).toEqual({ version: '7', items: [expect.objectContaining({ jid: 'b@c', subscription: 'to' })] });
    expect(readRosterResult(parse("<iq type='result'><query xmlns='jabber:iq:roster'/></iq>"))).toEqual({
      version: null,
      items: [],
    });
    expect(() => readRosterResult(parse("<iq type='result'><other xmlns='x'/></iq>"))).toThrow(
      /not a <query/,
    );
  });

  it('reads pushes from the own account only', () => {
    const item = "<item jid='Erin@Other.test' subscription='both'/>";
    expect(readRosterPush(push('', item), ME)).toEqual({
      jid: 'erin@other.test',
      item: expect.objectContaining({ jid: 'erin@other.test', subscription: 'both' }),
      version: 'v9',
    });
    expect(readRosterPush(push("from='alice@good.test'", item), ME)?.jid).toBe('erin@other.test');
    expect(readRosterPush(push("from='alice@good.test/phone'", item), ME)?.jid).toBe('erin@other.test');
    // RFC 6121 §2.1.6: a push from someone else is ignored.
    expect(readRosterPush(push("from='mallory@weak.test'", item), ME)).toBeNull();
    expect(readRosterPush(push('', "<item jid='b@c' subscription='remove'/>"), ME)).toEqual({
      jid: 'b@c',
      item: null,
      version: 'v9',
    });
    expect(readRosterPush(push('', `${item}${item}`), ME)).toBeNull();
    expect(readRosterPush(parse("<iq type='get'><query xmlns='jabber:iq:roster'/></iq>"), ME)).toBeNull();
  });

  it('applies pushes in order on top of the stored roster', () => {
    const stored = {
      version: 'v1',
      items: parseRoster(query("<item jid='a@x' subscription='both'/><item jid='b@x' subscription='to'/>")),
    };
    const pushes = [
      readRosterPush(push('', "<item jid='c@y' subscription='none'/>"), ME),
      readRosterPush(push('', "<item jid='a@x' subscription='remove'/>"), ME),
      readRosterPush(push('', "<item jid='b@x' name='B' subscription='both'/>"), ME),
    ].filter((p) => p !== null);
    const next = applyRosterPushes(stored, pushes);
    expect(next.version).toBe('v9');
    expect(next.items.map((i) => [i.jid, i.subscription, i.name])).toEqual([
      ['b@x', 'both', 'B'],
      ['c@y', 'none', null],
    ]);
  });
});
