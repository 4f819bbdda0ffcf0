// Every rule of DESIGN §1, with plain values. Scenario names follow the lab domains they stand for.
import { describe, expect, it } from 'vitest';
import { reasonText } from './english.ts';
import type { S2sObservation, S2sOutcome } from './observation.ts';
import {
  compareLights,
  computePath,
  type HopName,
  type Light,
  type PathInput,
  type PathResult,
  worst,
} from './path.ts';
import type { Reason } from './reason.ts';
import type { DomainSummary, ServiceSummary } from './summary.ts';
import { domainSummary, FIXTURE_NOW, pathInput } from './testing/fixtures.ts';

const NOW = FIXTURE_NOW;

type Services = { c2s?: Partial<ServiceSummary>; s2s?: Partial<ServiceSummary> };

function path(overrides: Partial<PathInput> = {}): PathResult {
  return computePath(pathInput(overrides));
}

/** A reason in English as one line: the plain sentence, then the detail in brackets. */
function line(r: Reason): string {
  const text = reasonText(r);
  return text.detail ? `${text.says} [${text.detail}]` : text.says;
}

function hopOf(result: PathResult, name: HopName) {
  const found = result.hops.find((h) => h.name === name);
  const hop = found && { ...found, reasons: found.reasons.map(line), raw: found.reasons };
  if (!hop) throw new Error(`no ${name} hop`);
  return hop;
}

function s2s(
  overrides: { user?: Services; contact?: Services } & Omit<Partial<PathInput>, 'user' | 'contact'> = {},
) {
  const { user, contact, ...rest } = overrides;
  return hopOf(
    path({
      user: domainSummary('good.test', user),
      contact: domainSummary('other.test', contact),
      ...rest,
    }),
    's2s',
  );
}

function observed(outcome: S2sOutcome, extra: Partial<S2sObservation> = {}): S2sObservation {
  return {
    domain: 'other.test',
    outcome,
    condition: outcome === 'ok' ? null : 'remote-server-not-found',
    text: null,
    by: outcome === 'ok' ? null : 'good.test',
    software: null,
    identities: [{ category: 'server', type: 'im', name: null }],
    observedAt: NOW.toISOString(),
    ...extra,
  };
}

/** A self-signed, TLS 1.0+ server with anonymous suites that does not require TLS: weak.test. */
const WEAK: Partial<ServiceSummary> = {
  grade: 'T',
  gradeIfTrusted: 'F',
  encryption: 'optional',
  tlsVersions: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  authentication: [],
  suites: [
    { version: 'TLSv1.0', codes: [0xc014, 0xc019] },
    { version: 'TLSv1.1', codes: [0xc014, 0xc019] },
    { version: 'TLSv1.2', codes: [0xc030, 0xc019, 0x009d] },
    { version: 'TLSv1.3', codes: [0x1302, 0x1303, 0x1301] },
  ],
  findings: [{ code: 'tls.cipher.anonymous', severity: 'critical', message: 'anonymous suites' }],
};

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

describe('a healthy path (two Prosody servers, CA certificates, TLS 1.3 required)', () => {
  it('is green on every hop, with reasons, in path order', () => {
    const result = path();
    expect(result.light).toBe('green');
    expect(result.kind).toBe('account');
    expect(result.hops.map((h) => [h.name, h.from, h.to, h.light])).toEqual([
      ['c2s-local', 'you', 'good.test', 'green'],
      ['s2s', 'good.test', 'other.test', 'green'],
      ['c2s-remote', 'other.test', 'contact', 'green'],
    ]);
    expect(hopOf(result, 'c2s-local').reasons).toEqual([
      'good.test encrypts connections from chat apps and proves who it is. [Encryption required (TLS 1.3, grade A), certificate verified.]',
    ]);
    expect(hopOf(result, 's2s').reasons).toEqual([
      'Messages between good.test and other.test are encrypted, and each server checks who the other is. [They use TLS 1.3.]',
    ]);
  });

  it('says so when the user’s server reached the contact’s domain just now', () => {
    expect(hopOf(path({ observation: observed('ok') }), 's2s').reasons[0]).toContain(
      'and your server reached other.test just now.',
    );
  });

  it('has no s2s hop when the contact is on the same domain', () => {
    const result = path({ contactDomain: 'good.test', contact: null, sameDomain: true });
    expect(result.hops.map((h) => h.name)).toEqual(['c2s-local', 'c2s-remote']);
    expect(result.light).toBe('green');
  });

  it('has no s2s hop when both domains are served by the same server (same endpoints)', () => {
    const shared = ['127.0.2.20:5269'];
    const result = path({
      user: { ...domainSummary('good.test'), s2sEndpoints: shared },
      contact: { ...domainSummary('other.test'), s2sEndpoints: shared },
    });
    expect(result.hops.map((h) => h.name)).toEqual(['c2s-local', 'c2s-remote']);
  });
});

describe('c2s-local: the extension’s own connection, observed, plus the user’s c2s report', () => {
  it('is red over ws: or http:', () => {
    const hop = hopOf(path({ transportSecure: false }), 'c2s-local');
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toBe(
      'Your own connection to good.test is not encrypted. [The extension connects over ws: or http:.]',
    );
    expect(reasonText(hop.raw[0] as Reason).todo).toBe(
      'In Hoplight’s options, use a wss:// or https:// connection address.',
    );
  });

  it('is green over wss: without any report: the browser verified TLS 1.2+ and the certificate', () => {
    for (const user of [null, { ...domainSummary('good.test'), scannedAt: '2026-01-01T00:00:00.000Z' }]) {
      const hop = hopOf(path({ user }), 'c2s-local');
      expect(hop.light).toBe('green');
      expect(hop.reasons).toEqual([
        'Your connection to good.test is encrypted, and your browser checked who answers.',
      ]);
    }
  });

  it('takes what every client meets from the report: a T grade is red', () => {
    const hop = hopOf(
      path({
        user: domainSummary('good.test', { c2s: { grade: 'T', gradeIfTrusted: 'A', authentication: [] } }),
      }),
      'c2s-local',
    );
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toContain('grade T, A if trusted');
    expect(reasonText(hop.raw[0] as Reason).todo).toBe(
      'Ask the operator of your server, good.test, to fix this, or move to a server that has.',
    );
  });
});

describe('c2s-remote: the contact’s c2s report', () => {
  const remote = (c2s: Partial<ServiceSummary> | null, extra: Partial<PathInput> = {}) =>
    hopOf(
      path({ contact: c2s === null ? null : domainSummary('other.test', { c2s }), ...extra }),
      'c2s-remote',
    );

  it('is grey when not scanned, when the scan failed, and when the scan is too old (saying how old)', () => {
    expect(remote(null).reasons).toEqual(['other.test has not been checked by the observatory yet.']);
    expect(remote({ availability: 'failed', grade: null }).reasons).toEqual([
      'The observatory could not check how other.test protects apps that connect to it.',
    ]);
    const stale = remote({}, { now: new Date('2026-12-06T12:00:00.000Z') });
    expect(stale.light).toBe('grey');
    expect(stale.reasons).toEqual([
      'The last check of other.test is 12 days old: too old to rely on. [Scanned at 2026-11-24T12:00:00.000Z.]',
    ]);
  });

  it('is fresh up to the freshness window, which can be set', () => {
    expect(remote({}, { now: new Date('2026-12-01T11:00:00.000Z') }).light).toBe('green');
    expect(remote({}, { now: new Date('2026-11-25T12:00:00.000Z'), freshForMs: 3_600_000 }).light).toBe(
      'grey',
    );
  });

  it('is red without a client service or without encryption', () => {
    expect(remote({ availability: 'none', noService: 'nxdomain', grade: null }).light).toBe('red');
    const plain = remote({ encryption: 'none', grade: 'F', tlsVersions: [] });
    expect(plain.light).toBe('red');
    expect(plain.reasons).toEqual([
      'other.test does not encrypt connections from chat apps: messages can be read on the way.',
    ]);
    expect(reasonText(plain.raw[0] as Reason).todo).toBe(
      'Tell your contact: they can ask the operator of other.test to fix this, or move to another server.',
    );
  });

  it('is red for a certificate that does not authenticate the domain', () => {
    expect(remote({ grade: 'T', gradeIfTrusted: 'B', authentication: [] }).light).toBe('red');
  });

  it('is yellow for optional encryption, B/C grades and old versions', () => {
    expect(remote({ encryption: 'optional' }).reasons).toContain(
      'other.test lets apps connect without encryption: an attacker can turn it off.',
    );
    expect(remote({ grade: 'B' }).light).toBe('yellow');
    const old = remote({ tlsVersions: ['TLSv1.0', 'TLSv1.2', 'TLSv1.3'] });
    expect(old.light).toBe('yellow');
    expect(old.reasons).toEqual([
      'other.test still accepts outdated encryption from apps. [Still accepts TLS 1.0.]',
    ]);
    expect(remote({ tlsVersions: ['TLSv1.0', 'TLSv1.1'] }).reasons).toEqual([
      'other.test only offers outdated encryption to apps. [Nothing newer than TLS 1.1.]',
    ]);
  });

  it('is red for D/E/F grades', () => {
    expect(remote({ grade: 'D' }).light).toBe('red');
  });
});

describe('s2s, inferred: a domain that cannot receive', () => {
  it.each([
    ['nxdomain', 'The name other.test does not exist in DNS.'],
    ['no-address', 'The server name of other.test has no address.'],
    [
      'srv-unavailable',
      'The DNS of other.test says it takes no messages from other servers (SRV record ".").',
    ],
    ['refused', 'The server of other.test refuses connections.'],
  ] as const)('no s2s service (%s) is red, "cannot be delivered", never grey', (noService, words) => {
    const hop = s2s({ contact: { s2s: { availability: 'none', noService, grade: null } } });
    expect(hop.light).toBe('red');
    expect(hop.reasons).toEqual([
      `other.test does not accept messages from other servers: your messages cannot be delivered. [${words}]`,
    ]);
  });

  it('the user’s own domain without s2s: replies cannot be delivered', () => {
    const hop = s2s({ user: { s2s: { availability: 'none', noService: 'refused', grade: null } } });
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toContain('replies cannot reach you');
    expect(reasonText(hop.raw[0] as Reason).todo).toContain('Ask the operator of your server, good.test');
  });
});

describe('s2s, inferred: unknown is grey', () => {
  it('a side not scanned, failed or too old is grey', () => {
    expect(hopOf(path({ contact: null }), 's2s').reasons).toEqual([
      'other.test has not been checked by the observatory yet.',
    ]);
    expect(s2s({ contact: { s2s: { availability: 'failed', grade: null } } }).reasons).toEqual([
      'The observatory could not check how other.test talks to other servers.',
    ]);
    const stale = hopOf(
      path({ contact: { ...domainSummary('other.test'), scannedAt: '2026-09-01T00:00:00.000Z' } }),
      's2s',
    );
    expect(stale.light).toBe('grey');
    expect(stale.reasons[0]).toMatch(/^The last check of other\.test is 85 days old/);
  });
});

describe('s2s, inferred: encryption', () => {
  it('one side without TLS while the other requires it: red, the servers cannot connect', () => {
    const hop = s2s({ contact: { s2s: { encryption: 'none', tlsVersions: [], suites: [], grade: 'F' } } });
    expect(hop.light).toBe('red');
    expect(hop.reasons).toEqual([
      'good.test insists on encryption but other.test offers none: messages between them bounce. [other.test offers no TLS to other servers.]',
    ]);
  });

  it('one side without TLS while the other does not require it: red, plaintext', () => {
    const hop = s2s({
      user: { s2s: { encryption: 'optional' } },
      contact: { s2s: { encryption: 'none', tlsVersions: [], suites: [], grade: 'F' } },
    });
    expect(hop.reasons).toEqual([
      'other.test does not encrypt messages to other servers: they can be read on the way. [other.test offers no TLS to other servers.]',
    ]);
  });

  it('both offer TLS but neither requires it: yellow, downgradable', () => {
    const hop = s2s({
      user: { s2s: { encryption: 'optional' } },
      contact: { s2s: { encryption: 'optional' } },
    });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toEqual([
      'Neither good.test nor other.test insists on encryption between the servers: an attacker can turn it off. [TLS is optional on both sides of the server-to-server link.]',
    ]);
  });

  it('one side requiring TLS is enough to stop the downgrade', () => {
    expect(s2s({ contact: { s2s: { encryption: 'optional' } } }).light).toBe('green');
  });
});

describe('s2s, inferred: what the two servers negotiate, not the worse grade', () => {
  it('weak.test (F for TLS 1.0 and anonymous suites, self-signed) and a modern server: TLS 1.3 with dialback, yellow', () => {
    const hop = s2s({ contact: { s2s: WEAK } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons.join(' ')).not.toMatch(/graded|anonymous|TLS 1\.0/);
    expect(hop.reasons).toContain(
      'good.test checks only weakly that messages really come from other.test: whoever controls DNS could pose as other.test. [Verified only through dialback, which trusts DNS: the certificate of other.test is not valid.]',
    );
  });

  it('no TLS version in common: red, the servers cannot connect', () => {
    const hop = s2s({
      contact: {
        s2s: { tlsVersions: ['TLSv1.0', 'TLSv1.1'], suites: [{ version: 'TLSv1.0', codes: [0xc014] }] },
      },
    });
    expect(hop.light).toBe('red');
    expect(hop.reasons).toContain(
      'good.test and other.test cannot agree on encryption: messages between them bounce. [No TLS version in common.]',
    );
  });

  it('no cipher suite in common for the best version: red', () => {
    const hop = s2s({
      user: { s2s: { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0xc02f] }] } },
      contact: { s2s: { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0xc030] }] } },
    });
    expect(hop.reasons).toContain(
      'good.test and other.test cannot agree on encryption: messages between them bounce. [No cipher suite in common.]',
    );
  });

  it('the best common version below TLS 1.2 is yellow at best', () => {
    const legacy = (): Partial<ServiceSummary> => ({
      tlsVersions: ['TLSv1.0', 'TLSv1.1'],
      suites: [{ version: 'TLSv1.1', codes: [0xc014] }],
    });
    const hop = s2s({ user: { s2s: legacy() }, contact: { s2s: legacy() } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain(
      'good.test and other.test can only talk using outdated encryption. [The best TLS version both share is TLS 1.1.]',
    );
  });

  const tls12 = (codes: number[], serverPreference: boolean | null = true): Partial<ServiceSummary> => ({
    tlsVersions: ['TLSv1.2'],
    suites: [{ version: 'TLSv1.2', codes }],
    serverPreference,
  });

  it("the receiver's preferred suite among those both accept decides: without forward secrecy, yellow", () => {
    // other.test prefers TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c), good.test offers it too.
    const hop = s2s({ user: { s2s: tls12([0xc02f, 0x009c]) }, contact: { s2s: tls12([0x009c, 0xc02f]) } });
    expect(hop.light).toBe('yellow');
    expect(
      hop.reasons.some((r) => r.includes('TLS_RSA_WITH_AES_128_GCM_SHA256, without forward secrecy')),
    ).toBe(true);
  });

  it('a suite one side accepts but the other never offers does not weaken the link', () => {
    const hop = s2s({ user: { s2s: tls12([0xc02f]) }, contact: { s2s: tls12([0x009c, 0xc02f, 0x0018]) } });
    expect(hop.light).toBe('green');
  });

  it('a receiver without a preference takes the initiator’s order', () => {
    const hop = s2s({
      user: { s2s: tls12([0xc02f, 0x009c], false) },
      contact: { s2s: tls12([0x009c, 0xc02f], false) },
    });
    // Your messages: other.test has no preference, good.test's favourite wins (ECDHE); replies: the other way.
    expect(hop.reasons.filter((r) => r.includes('without forward secrecy'))).toEqual([
      'Replies from other.test to good.test could be decrypted later by whoever steals a server’s key. [Cipher suite TLS_RSA_WITH_AES_128_GCM_SHA256, without forward secrecy.]',
    ]);
  });

  it('an anonymous suite negotiated is red', () => {
    const hop = s2s({ user: { s2s: tls12([0xc019]) }, contact: { s2s: tls12([0xc019]) } });
    expect(hop.light).toBe('red');
  });

  it('a small DH group weakens the link only when DHE is what the two negotiate (dh1024.test)', () => {
    const small = { code: 'dh.small', severity: 'medium' as const, message: '' };
    expect(s2s({ contact: { s2s: { findings: [small] } } }).light).toBe('green');
    const dheOnly = (): Partial<ServiceSummary> => ({
      tlsVersions: ['TLSv1.2'],
      suites: [{ version: 'TLSv1.2', codes: [0x009e] }],
      findings: [small],
    });
    const hop = s2s({ user: { s2s: dheOnly() }, contact: { s2s: dheOnly() } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain(
      'Messages from good.test to other.test use a key exchange weaker than recommended. [Diffie-Hellman group under 2048 bits.]',
    );
  });

  it('weak keys and signatures weaken every link to the server', () => {
    const small = { code: 'cert.rsa-small', severity: 'medium' as const, message: '' };
    expect(s2s({ contact: { s2s: { findings: [small] } } }).light).toBe('yellow');
    const md5 = { code: 'cert.md5', severity: 'critical' as const, message: '' };
    expect(s2s({ contact: { s2s: { findings: [md5] } } }).light).toBe('red');
  });
});

describe('s2s, inferred: authentication, each direction', () => {
  it('an ejabberd sender proves itself by certificate but checks no receiver’s certificate: yellow (lab, 23.01)', () => {
    const hop = s2s({ userSoftware: { name: 'ejabberd', version: '23.01' } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toEqual([
      'good.test does not check who it delivers to: whoever controls DNS could pose as other.test. [Its software (ejabberd) does not verify the certificate of the servers it sends to.]',
    ]);
  });

  it('an initiator that authenticates only by dialback is yellow even with a valid certificate', () => {
    const hop = s2s({
      contact: { s2s: { refusesUnauthenticated: false } },
      user: { s2s: { authentication: ['dane'] } },
    });
    expect(hop.light).toBe('yellow');
  });

  it('the software the user’s server reports beats the scan’s, and so does the contact’s answer', () => {
    expect(s2s({ user: { s2s: { software: { name: 'ejabberd', version: null } } } }).light).toBe('yellow');
    expect(
      s2s({
        userSoftware: { name: 'Prosody', version: '0.12.3' },
        user: { s2s: { software: { name: 'ejabberd', version: null } } },
      }).light,
    ).toBe('green');
    expect(
      s2s({ observation: observed('ok', { software: { name: 'ejabberd', version: '23.01' } }) }).light,
    ).toBe('yellow');
  });

  it('unknown software with a valid certificate: yellow, never green', () => {
    const hop = s2s({ contact: { s2s: { software: null } } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons[0]).toContain('The server software of other.test is not known');
  });

  it('a server that refuses unauthenticated peers facing an expired certificate: red, messages bounce', () => {
    const hop = s2s({
      user: { s2s: { authentication: [], grade: 'T' } },
      contact: { s2s: { refusesUnauthenticated: true } },
    });
    expect(hop.light).toBe('red');
    expect(hop.reasons).toContain(
      'other.test refuses servers that cannot prove who they are, and good.test cannot: messages from good.test bounce. [The certificate of good.test is not valid.]',
    );
  });

  it("the user's server refusing unauthenticated peers facing a self-signed contact: red both ways", () => {
    const hop = s2s({ user: { s2s: { refusesUnauthenticated: true } }, contact: { s2s: WEAK } });
    expect(hop.light).toBe('red');
  });

  it('no valid certificate and no dialback offered by the receiver: red', () => {
    const hop = s2s({
      user: { s2s: { dialback: false } },
      contact: { s2s: { authentication: [], grade: 'T' } },
    });
    expect(hop.reasons).toContain(
      'good.test has no way to check that other.test is who it says: messages from other.test bounce. [other.test has no valid certificate, and good.test offers no dialback.]',
    );
  });

  it('authenticated only by DANE toward a Prosody that does not check DANE: yellow (dane.sec.test)', () => {
    const hop = s2s({ contact: { s2s: { authentication: ['dane'], grade: 'A+' } } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain(
      'good.test checks only weakly that messages really come from other.test: whoever controls DNS could pose as other.test. [Verified only through dialback, which trusts DNS: other.test is vouched for only by DANE, which the server of good.test does not check.]',
    );
  });

  it('a validated TLSA record that matches nothing counts against the server', () => {
    const mismatch = { code: 'dane.mismatch', severity: 'high' as const, message: '' };
    const hop = s2s({ contact: { s2s: { findings: [mismatch] } } });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons).toContain(
      'The security records of other.test in DNS are broken: servers that check them refuse to talk to it. [Its DANE (TLSA) records do not match, or could not be looked up.]',
    );
  });
});

describe('s2s, observed: the user’s server decides whether messages get through now', () => {
  it.each([
    ['no-such-domain', 'Your server cannot find other.test: messages to it bounce.'],
    ['unreachable', 'Your server cannot connect to other.test: messages to it bounce.'],
    ['refused-encryption', 'Your server and other.test cannot agree on encryption'],
    [
      'refused-certificate',
      'Your server cannot reach other.test because a server’s identity was not accepted',
    ],
    ['refused-policy', 'Your server cannot reach other.test: the connection was refused'],
    ['failed', 'Your server could not reach other.test just now: messages to it bounce.'],
  ] as const)('%s is red whatever the scans say, and both are told', (outcome, words) => {
    const hop = s2s({
      observation: observed(outcome, {
        text: "Server-to-server connection failed: Remote server's certificate is not trusted",
      }),
    });
    expect(hop.light).toBe('red');
    expect(hop.reasons[0]).toContain(words);
    expect(hop.reasons[0]).toContain(
      "Your server said: “Server-to-server connection failed: Remote server's certificate is not trusted”.",
    );
    expect(hop.reasons).toContain(
      'The observatory found nothing wrong with the link to other.test, yet it fails now.',
    );
    // Who can act: the contact's address for an unknown domain, later for an unreachable one, else operators.
    expect(reasonText(hop.raw[0] as Reason).todo).toMatch(
      /address is right|Try again later|Ask the operator/,
    );
  });

  it('an observed failure keeps the scans’ own reasons beside it', () => {
    const hop = s2s({ contact: { s2s: WEAK }, observation: observed('refused-certificate') });
    expect(hop.light).toBe('red');
    expect(hop.reasons.some((r) => r.includes('only through dialback'))).toBe(true);
  });

  it('a working link overrules a predicted bounce: yellow, with both reasons', () => {
    const hop = s2s({
      contact: { s2s: { availability: 'none', noService: 'refused', grade: null } },
      observation: observed('ok'),
    });
    expect(hop.light).toBe('yellow');
    expect(hop.reasons[0]).toMatch(/^The observatory expected messages to other\.test to fail/);
    expect(hop.reasons[0]).toContain('yet your server reached it just now');
    // The predicted reason stays, in the detail.
    expect(hop.reasons[0]).toContain(
      '[The scans predicted: other.test does not accept messages from other servers',
    );
  });

  it('a working link does not hide plaintext', () => {
    const hop = s2s({
      user: { s2s: { encryption: 'optional' } },
      contact: { s2s: { encryption: 'none', tlsVersions: [], suites: [], grade: 'F' } },
      observation: observed('ok'),
    });
    expect(hop.light).toBe('red');
  });

  it('without an observatory: observed failures are red, a working link is grey with what is known', () => {
    const failed = hopOf(path({ user: null, contact: null, observation: observed('no-such-domain') }), 's2s');
    expect(failed.light).toBe('red');
    const works = hopOf(path({ user: null, contact: null, observation: observed('ok') }), 's2s');
    expect(works.light).toBe('grey');
    expect(works.reasons[0]).toBe(
      'Your server reached other.test just now, so messages get through; how well they are protected is not known yet.',
    );
  });

  it.each(['not-allowed', 'timeout', 'error'] as const)('%s tells nothing: the scans decide', (outcome) => {
    expect(s2s({ observation: observed(outcome) }).light).toBe('green');
    expect(s2s({ contact: { s2s: WEAK }, observation: observed(outcome) }).light).toBe('yellow');
    expect(hopOf(path({ contact: null, observation: observed(outcome) }), 's2s').light).toBe('grey');
  });
});

describe('what the contact is', () => {
  it.each([
    [{ category: 'conference', type: 'text' }, 'group-chat', 'is a group chat'],
    [{ category: 'gateway', type: 'irc' }, 'gateway', 'is a bridge to another network'],
    [{ category: 'component', type: 'generic' }, 'component', 'is a service, not a person'],
  ] as const)('%o is labelled, and its last hop is not judged as a person’s', (identity, kind, words) => {
    const result = path({ observation: observed('ok', { identities: [{ ...identity, name: null }] }) });
    expect(result.kind).toBe(kind);
    const hop = hopOf(result, 'c2s-remote');
    expect(hop.light).toBe('grey');
    expect(hop.reasons[0]).toContain(words);
  });
});

describe('undeliverable: a red about delivery, not protection', () => {
  it('is set by an observed failure and by a predicted bounce, not by plaintext or weak TLS', () => {
    expect(path({ observation: observed('no-such-domain') }).undeliverable).toBe(true);
    const noService = path({
      contact: domainSummary('other.test', { s2s: { availability: 'none', noService: 'nxdomain' } }),
    });
    expect(noService.undeliverable).toBe(true);
    expect(hopOf(noService, 's2s').undeliverable).toBe(true);
    const plaintext = path({
      user: domainSummary('good.test', { s2s: { encryption: 'optional' } }),
      contact: domainSummary('other.test', { s2s: { encryption: 'none', tlsVersions: [], suites: [] } }),
    });
    expect(plaintext.light).toBe('red');
    expect(plaintext.undeliverable).toBe(false);
  });

  it('is cleared when the user’s server reached the domain after all', () => {
    const result = path({
      contact: domainSummary('other.test', { s2s: { availability: 'none', noService: 'refused' } }),
      observation: observed('ok'),
    });
    expect(result.undeliverable).toBe(false);
  });
});

describe('path light', () => {
  const contact = (services: Services): DomainSummary => domainSummary('other.test', services);

  it('is the worst hop: red beats grey', () => {
    const result = path({
      user: null,
      contact: contact({ s2s: { encryption: 'none', tlsVersions: [], suites: [] } }),
    });
    expect(result.light).toBe('red');
  });

  it('green and grey hops make a grey path', () => {
    expect(path({ contact: null }).light).toBe('grey');
  });

  it('collects the reasons of every hop at the path light', () => {
    const result = path({
      contact: contact({ c2s: { encryption: 'optional' }, s2s: { encryption: 'optional' } }),
    });
    expect(result.light).toBe('yellow');
    expect(result.reasons.map((r) => reasonText(r).says)).toEqual([
      'other.test lets apps connect without encryption: an attacker can turn it off.',
    ]);
  });
});

describe('e2e capability', () => {
  it('is green when the contact publishes OMEMO devices', () => {
    expect(path({ omemo: true }).e2e.light).toBe('green');
  });

  it('is yellow when the contact publishes none, without changing the path light', () => {
    const result = path({ omemo: false });
    expect(result.e2e.light).toBe('yellow');
    expect(result.light).toBe('green');
  });

  it('is grey when unknown', () => {
    expect(path({ omemo: null }).e2e.light).toBe('grey');
  });
});
