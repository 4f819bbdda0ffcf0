import { describe, expect, it } from 'vitest';
import {
  compareLights,
  computePath,
  type HopName,
  type Light,
  type PathInput,
  type PathResult,
  worst,
} from './path.ts';
import type { ServiceSummary } from './summary.ts';
import { domainSummary } from './testing/fixtures.ts';

const good = domainSummary('good.test');

function path(overrides: Partial<PathInput> = {}): PathResult {
  return computePath({
    userDomain: 'good.test',
    contactDomain: 'other.test',
    user: good,
    contact: domainSummary('other.test'),
    transportSecure: true,
    sameDomain: false,
    omemo: true,
    ...overrides,
  });
}

function hopOf(result: PathResult, name: HopName) {
  const hop = result.hops.find((h) => h.name === name);
  if (!hop) throw new Error(`no ${name} hop`);
  return hop;
}

/** The path with the contact's services changed. */
function withContact(services: { c2s?: Partial<ServiceSummary>; s2s?: Partial<ServiceSummary> }): PathResult {
  return path({ contact: domainSummary('other.test', services) });
}

/** The path with the user's services changed. */
function withUser(services: { c2s?: Partial<ServiceSummary>; s2s?: Partial<ServiceSummary> }): PathResult {
  return path({ user: domainSummary('good.test', services) });
}

describe('lights', () => {
  it('rank red, grey, yellow, green (worst first)', () => {
    const lights: Light[] = ['green', 'yellow', 'red', 'grey'];
    expect([...lights].sort(compareLights)).toEqual(['red', 'grey', 'yellow', 'green']);
  });

  it('worst picks the worst light, green for none', () => {
    expect(worst(['green', 'grey', 'red'])).toBe('red');
    expect(worst(['green', 'grey'])).toBe('grey');
    expect(worst(['yellow', 'grey'])).toBe('grey');
    expect(worst(['yellow', 'green'])).toBe('yellow');
    expect(worst([])).toBe('green');
  });
});

describe('a healthy path', () => {
  it('is green on every hop, with reasons, in path order', () => {
    const result = path();
    expect(result.light).toBe('green');
    expect(result.hops.map((h) => [h.name, h.from, h.to, h.light])).toEqual([
      ['c2s-local', 'you', 'good.test', 'green'],
      ['s2s', 'good.test', 'other.test', 'green'],
      ['c2s-remote', 'other.test', 'contact', 'green'],
    ]);
    for (const hop of result.hops) expect(hop.reasons.length).toBeGreaterThan(0);
    expect(hopOf(result, 'c2s-local').reasons[0]).toBe(
      'good.test requires encryption (TLS 1.3, grade A) and its certificate is verified.',
    );
    expect(hopOf(result, 's2s').reasons[0]).toBe(
      "Messages between good.test and other.test always use TLS 1.3 (grade A) and each server verifies the other's certificate.",
    );
  });

  it('has no s2s hop when the contact is on the same domain', () => {
    const result = path({ contactDomain: 'good.test', contact: null, sameDomain: true });
    expect(result.hops.map((h) => h.name)).toEqual(['c2s-local', 'c2s-remote']);
    // The contact's server is the user's: its summary serves both c2s hops.
    expect(hopOf(result, 'c2s-remote').light).toBe('green');
    expect(result.light).toBe('green');
  });
});

describe('c2s hops', () => {
  it('an insecure extension transport makes c2s-local red', () => {
    const result = path({ transportSecure: false });
    const local = hopOf(result, 'c2s-local');
    expect(local.light).toBe('red');
    expect(local.reasons[0]).toBe(
      'Your own connection to good.test is not encrypted (the extension connects over ws: or http:).',
    );
    expect(result.light).toBe('red');
    expect(result.reasons).toEqual(local.reasons);
  });

  it('an unknown domain is grey', () => {
    expect(hopOf(path({ user: null }), 'c2s-local')).toMatchObject({
      light: 'grey',
      reasons: ['good.test has not been scanned yet.'],
    });
    expect(hopOf(path({ contact: null }), 'c2s-remote')).toMatchObject({
      light: 'grey',
      reasons: ['other.test has not been scanned yet.'],
    });
  });

  it('a failed scan (grade null) is grey', () => {
    expect(hopOf(withContact({ c2s: { grade: null, gradeIfTrusted: null } }), 'c2s-remote')).toMatchObject({
      light: 'grey',
      reasons: ["other.test's client service could not be scanned."],
    });
  });

  it('no encryption is red: plaintext', () => {
    const hop = hopOf(
      withContact({
        c2s: { encryption: 'none', grade: 'F', gradeIfTrusted: 'F', tlsVersions: [], authentication: [] },
      }),
      'c2s-remote',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons).toEqual([
      'other.test does not offer encryption to clients: messages may travel in plaintext.',
    ]);
  });

  it('grade T is red and says what it would have been', () => {
    const hop = hopOf(
      withContact({ c2s: { grade: 'T', gradeIfTrusted: 'A', authentication: [] } }),
      'c2s-remote',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toContain("other.test's certificate is not valid for other.test");
    expect(hop.reasons[0]).toContain('grade T, A if trusted');
  });

  it('no authentication method on every target is red', () => {
    expect(hopOf(withUser({ c2s: { authentication: [] } }), 'c2s-local').light).toBe('red');
  });

  it.each(['D', 'E', 'F'] as const)('grade %s is red', (grade) => {
    const hop = hopOf(withContact({ c2s: { grade, gradeIfTrusted: grade } }), 'c2s-remote');
    expect(hop.light).toBe('red');
    expect(hop.reasons).toContain(`other.test is graded ${grade} for client connections.`);
  });

  it.each(['B', 'C'] as const)('grade %s is yellow', (grade) => {
    const hop = hopOf(withContact({ c2s: { grade, gradeIfTrusted: grade } }), 'c2s-remote');
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toEqual([`other.test is graded ${grade} for client connections.`]);
  });

  it.each(['A+', 'A', 'A-'] as const)(
    'grade %s with encryption required and authentication is green',
    (grade) => {
      expect(hopOf(withContact({ c2s: { grade, gradeIfTrusted: grade } }), 'c2s-remote').light).toBe('green');
    },
  );

  it('optional encryption is yellow: downgradable', () => {
    const hop = hopOf(
      withUser({ c2s: { encryption: 'optional', grade: 'B', gradeIfTrusted: 'B' } }),
      'c2s-local',
    );
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain('good.test does not require encryption: an attacker can strip it.');
  });

  it('old TLS versions are named: "weak.test still accepts TLS 1.0"', () => {
    const result = path({
      contactDomain: 'weak.test',
      contact: domainSummary('weak.test', {
        c2s: { grade: 'B', gradeIfTrusted: 'B', tlsVersions: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'] },
      }),
    });
    const hop = hopOf(result, 'c2s-remote');
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain('weak.test still accepts TLS 1.0 and TLS 1.1.');
  });

  it('nothing newer than TLS 1.1 is yellow at best', () => {
    const hop = hopOf(
      withContact({ c2s: { grade: 'C', gradeIfTrusted: 'C', tlsVersions: ['TLSv1.0', 'TLSv1.1'] } }),
      'c2s-remote',
    );
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain('other.test offers nothing newer than TLS 1.1.');
  });

  it('lists reasons worst first', () => {
    const hop = hopOf(
      path({
        transportSecure: false,
        user: domainSummary('good.test', {
          c2s: { encryption: 'optional', grade: 'B', gradeIfTrusted: 'B' },
        }),
      }),
      'c2s-local',
    );
    expect(hop.reasons[0]).toContain('Your own connection');
    expect(hop.reasons.slice(1)).toEqual([
      'good.test is graded B for client connections.',
      'good.test does not require encryption: an attacker can strip it.',
    ]);
  });
});

describe('s2s hop', () => {
  const noTls: Partial<ServiceSummary> = {
    encryption: 'none',
    grade: 'F',
    gradeIfTrusted: 'F',
    tlsVersions: [],
    authentication: [],
  };

  it('one side without TLS while the other requires it: red, messages bounce', () => {
    const hop = hopOf(withContact({ s2s: noTls }), 's2s');
    expect(hop.light).toBe('red');
    expect(hop.reasons).toEqual([
      'good.test requires TLS but other.test offers none: the servers cannot connect and messages bounce.',
    ]);
    expect(hopOf(withUser({ s2s: noTls }), 's2s').reasons).toEqual([
      'other.test requires TLS but good.test offers none: the servers cannot connect and messages bounce.',
    ]);
  });

  it('one side without TLS while the other does not require it: red, plaintext', () => {
    const hop = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { encryption: 'optional' } }),
        contact: domainSummary('other.test', { s2s: noTls }),
      }),
      's2s',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons).toEqual([
      'other.test offers no TLS to other servers: messages to and from it travel in plaintext.',
    ]);
  });

  it('one side without TLS is red even when the other side is unknown', () => {
    const hop = hopOf(path({ user: null, contact: domainSummary('other.test', { s2s: noTls }) }), 's2s');
    expect(hop.light).toBe('red');
    expect(hop.reasons).toContain('good.test has not been scanned yet.');
  });

  it('an unknown or unscanned side is grey', () => {
    expect(hopOf(path({ contact: null }), 's2s')).toMatchObject({
      light: 'grey',
      reasons: ['other.test has not been scanned yet.'],
    });
    expect(hopOf(withUser({ s2s: { grade: null, gradeIfTrusted: null } }), 's2s')).toMatchObject({
      light: 'grey',
      reasons: ["good.test's server-to-server service could not be scanned."],
    });
  });

  it('both offer TLS but neither requires it: yellow, downgradable', () => {
    const hop = hopOf(
      path({
        user: domainSummary('good.test', {
          s2s: { encryption: 'optional', grade: 'B', gradeIfTrusted: 'B' },
        }),
        contact: domainSummary('other.test', {
          s2s: { encryption: 'optional', grade: 'B', gradeIfTrusted: 'B' },
        }),
      }),
      's2s',
    );
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain(
      'Neither good.test nor other.test requires TLS between servers: an attacker can strip it.',
    );
  });

  it('one side requiring TLS is enough to stop the downgrade', () => {
    const hop = hopOf(withContact({ s2s: { encryption: 'optional' } }), 's2s');
    expect(hop.reasons.join(' ')).not.toContain('strip');
  });

  it('the best version both accept below TLS 1.2 is yellow at best', () => {
    const hop = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { tlsVersions: ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'] } }),
        contact: domainSummary('other.test', { s2s: { tlsVersions: ['TLSv1.0', 'TLSv1.1'] } }),
      }),
      's2s',
    );
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain('The best TLS version good.test and other.test share is TLS 1.1.');
  });

  it('no version in common is red', () => {
    const contact = domainSummary('other.test', { s2s: { tlsVersions: ['TLSv1.0'] } });
    const hop = hopOf(
      path({ user: domainSummary('good.test', { s2s: { tlsVersions: ['TLSv1.3'] } }), contact }),
      's2s',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toBe(
      'good.test and other.test share no TLS version: the servers cannot connect and messages bounce.',
    );
    const optional = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { tlsVersions: ['TLSv1.3'], encryption: 'optional' } }),
        contact: domainSummary('other.test', { s2s: { tlsVersions: ['TLSv1.0'], encryption: 'optional' } }),
      }),
      's2s',
    );
    expect(optional.reasons[0]).toContain('falls back to plaintext');
  });

  it("the contact's server not authenticated: dialback only, yellow (not red for its T)", () => {
    const hop = hopOf(withContact({ s2s: { grade: 'T', gradeIfTrusted: 'A', authentication: [] } }), 's2s');
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toEqual([
      "good.test cannot verify other.test's certificate; only dialback, which trusts DNS, vouches for other.test.",
    ]);
  });

  it('DANE or POSH on the contact side authenticate it', () => {
    expect(hopOf(withContact({ s2s: { authentication: ['dane'] } }), 's2s').light).toBe('green');
    expect(hopOf(withContact({ s2s: { authentication: ['posh'] } }), 's2s').light).toBe('green');
  });

  it("the contact's server not authenticated and no dialback on the user's side: red, replies bounce", () => {
    const hop = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { dialback: false } }),
        contact: domainSummary('other.test', {
          s2s: { authentication: [], grade: 'T', gradeIfTrusted: 'A' },
        }),
      }),
      's2s',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toContain('replies from other.test bounce');
  });

  it("the user's server not authenticated: the other side needs dialback", () => {
    expect(
      hopOf(withUser({ s2s: { authentication: [], grade: 'T', gradeIfTrusted: 'A' } }), 's2s'),
    ).toMatchObject({
      light: 'yellow',
      reasons: ['other.test can verify good.test only through dialback, which trusts DNS.'],
    });
    const bounce = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { authentication: [], grade: 'T', gradeIfTrusted: 'A' } }),
        contact: domainSummary('other.test', { s2s: { dialback: false } }),
      }),
      's2s',
    );
    expect(bounce.light).toBe('red');
    expect(bounce.reasons[0]).toContain('messages to other.test bounce');
  });

  it('TLS quality is the worse of the two grades', () => {
    const yellow = hopOf(withContact({ s2s: { grade: 'B', gradeIfTrusted: 'B' } }), 's2s');
    expect(yellow.light).toBe('yellow');
    expect(yellow.reasons).toEqual(['other.test is graded B for server-to-server TLS.']);
    const red = hopOf(withUser({ s2s: { grade: 'D', gradeIfTrusted: 'D' } }), 's2s');
    expect(red.light).toBe('red');
    expect(red.reasons).toEqual(['good.test is graded D for server-to-server TLS.']);
    const both = hopOf(
      path({
        user: domainSummary('good.test', { s2s: { grade: 'C', gradeIfTrusted: 'C' } }),
        contact: domainSummary('other.test', { s2s: { grade: 'E', gradeIfTrusted: 'E' } }),
      }),
      's2s',
    );
    expect(both.light).toBe('red');
    expect(both.reasons[0]).toBe('other.test is graded E for server-to-server TLS.');
  });

  it('names old versions a side still accepts', () => {
    const hop = hopOf(
      path({
        contactDomain: 'weak.test',
        contact: domainSummary('weak.test', {
          s2s: { grade: 'B', gradeIfTrusted: 'B', tlsVersions: ['TLSv1.0', 'TLSv1.2'] },
        }),
      }),
      's2s',
    );
    expect(hop.reasons).toContain('weak.test still accepts TLS 1.0.');
  });
});

describe('path light', () => {
  it('is the worst hop: red beats grey', () => {
    const result = path({ transportSecure: false, contact: null });
    expect(hopOf(result, 'c2s-remote').light).toBe('grey');
    expect(result.light).toBe('red');
  });

  it('green and grey hops make a grey path', () => {
    const result = path({ contact: null });
    expect(result.hops.map((h) => h.light)).toEqual(['green', 'grey', 'grey']);
    expect(result.light).toBe('grey');
    expect(result.reasons).toEqual(['other.test has not been scanned yet.']);
  });

  it('yellow and grey hops make a grey path', () => {
    const result = path({
      user: domainSummary('good.test', { c2s: { grade: 'B', gradeIfTrusted: 'B' } }),
      contact: null,
    });
    expect(result.light).toBe('grey');
  });

  it('collects the reasons of every hop at the path light', () => {
    const result = path({
      user: domainSummary('good.test', { c2s: { grade: 'B', gradeIfTrusted: 'B' } }),
      contact: domainSummary('other.test', { c2s: { grade: 'C', gradeIfTrusted: 'C' } }),
    });
    expect(result.light).toBe('yellow');
    expect(result.reasons).toEqual([
      'good.test is graded B for client connections.',
      'other.test is graded C for client connections.',
    ]);
  });
});

describe('e2e capability', () => {
  it('is green when the contact publishes OMEMO devices', () => {
    expect(path({ omemo: true }).e2e).toMatchObject({ omemo: true, light: 'green' });
  });

  it('is yellow when the contact publishes none, without changing the path light', () => {
    const result = path({ omemo: false });
    expect(result.e2e.light).toBe('yellow');
    expect(result.e2e.reasons[0]).toContain('servers on the path can read');
    expect(result.light).toBe('green');
  });

  it('is grey when unknown', () => {
    expect(path({ omemo: null }).e2e).toMatchObject({ omemo: null, light: 'grey' });
  });
});
