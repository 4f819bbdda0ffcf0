// The truth rule with plain values: every kind of fate and link, per direction and per contact, and
// how a matrix row compares the product's light with it.
import { describe, expect, it } from 'vitest';
import { matrixRow } from '../../support/truth/matrix-row.ts';
import { contactVerdict, directionVerdict } from '../../support/truth/truth-rule.ts';
import type { DirectionLink, DirectionTruth } from '../../support/truth/types.ts';

const goodLink: DirectionLink = {
  encrypted: true,
  tlsVersion: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  initiatorAuth: 'certificate',
  receiverCertificate: 'valid',
  sources: [],
};
const dir = (over: Partial<DirectionTruth> = {}, link: Partial<DirectionLink> = {}): DirectionTruth => ({
  from: 'a.test',
  to: 'b.test',
  fate: { kind: 'delivered', ms: 5 },
  sameServer: false,
  link: { ...goodLink, ...link },
  ...over,
});

describe('one direction', () => {
  it('is green over TLS 1.2+ with certificates both ways', () => {
    expect(directionVerdict(dir()).light).toBe('green');
    expect(directionVerdict(dir({}, { tlsVersion: 'TLSv1.2' })).light).toBe('green');
  });

  it('is red when bounced, with the server’s condition and text', () => {
    const v = directionVerdict(
      dir({
        fate: {
          kind: 'bounced',
          condition: 'remote-server-not-found',
          text: 'NXDomain',
          by: 'a.test',
          ms: 5,
        },
        link: null,
      }),
    );
    expect(v).toEqual({
      light: 'red',
      reasons: ['a.test → b.test bounced (remote-server-not-found: NXDomain)'],
    });
  });

  it('is red when lost, and when delivered in plaintext', () => {
    expect(directionVerdict(dir({ fate: { kind: 'lost', waitedMs: 15000 }, link: null })).light).toBe('red');
    expect(directionVerdict(dir({}, { encrypted: false, tlsVersion: null })).light).toBe('red');
  });

  it('is yellow with dialback, an unverified or unchecked receiver, or TLS below 1.2', () => {
    expect(directionVerdict(dir({}, { initiatorAuth: 'dialback' })).light).toBe('yellow');
    expect(directionVerdict(dir({}, { receiverCertificate: 'invalid' })).light).toBe('yellow');
    expect(directionVerdict(dir({}, { receiverCertificate: 'unchecked' })).reasons).toEqual([
      "a.test → b.test: a.test did not check b.test's certificate",
    ]);
    expect(directionVerdict(dir({}, { tlsVersion: 'TLSv1' })).light).toBe('yellow');
  });

  it('is green when one server serves both domains, grey when a delivered message’s link is unknown', () => {
    expect(directionVerdict(dir({ sameServer: true, link: null })).light).toBe('green');
    expect(directionVerdict(dir({ link: null })).light).toBe('grey');
  });
});

describe('a contact: the worse of both directions', () => {
  it('takes the worse direction and its reasons', () => {
    const v = contactVerdict(dir(), dir({ from: 'b.test', to: 'a.test' }, { initiatorAuth: 'dialback' }));
    expect(v).toEqual({
      light: 'yellow',
      reasons: ['b.test → a.test: a.test authenticated b.test by dialback'],
    });
  });

  it('uses the one direction there is for a name with no server', () => {
    const bounced = dir({
      fate: { kind: 'bounced', condition: 'remote-server-timeout', text: null, by: null, ms: 5 },
    });
    expect(contactVerdict(bounced, null).light).toBe('red');
  });
});

describe('a matrix row', () => {
  const product = (s2s: 'green' | 'yellow' | 'red' | 'grey' | null) => ({
    s2s,
    path: s2s ?? 'green',
    reasons: [],
  });

  it('agrees only on the same light, and flags a greener product light', () => {
    const row = matrixRow(
      dir(),
      dir({ from: 'b.test', to: 'a.test' }, { initiatorAuth: 'dialback' }),
      product('green'),
    );
    expect(row.agrees).toBe(false);
    expect(row.greener).toBe(true);
    const grey = matrixRow(dir({ fate: { kind: 'lost', waitedMs: 1 }, link: null }), null, product('grey'));
    expect(grey.greener).toBe(true);
    expect(matrixRow(dir(), dir(), product('green')).agrees).toBe(true);
  });

  it('wants no s2s hop where one server serves both domains, and one everywhere else', () => {
    const same = dir({ sameServer: true, link: null });
    expect(matrixRow(same, same, product(null)).agrees).toBe(true);
    expect(matrixRow(same, same, product('green')).agrees).toBe(false);
    expect(matrixRow(dir(), dir(), product(null)).agrees).toBe(false);
    expect(matrixRow(dir({}, { initiatorAuth: 'dialback' }), null, product(null)).greener).toBe(true);
  });
});
