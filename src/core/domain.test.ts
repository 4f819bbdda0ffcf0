import { domainToUnicode } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSameDomain, normalizeDomain, parseJid } from './domain.ts';

function domainOf(input: unknown): string {
  const result = normalizeDomain(input);
  if (!result.ok) throw new Error(`expected ok for ${String(input)}: ${result.error}`);
  return result.domain;
}

function errorOf(input: unknown): string {
  const result = normalizeDomain(input);
  if (result.ok) throw new Error(`expected an error for ${String(input)}, got ${result.domain}`);
  return result.error;
}

describe('normalizeDomain', () => {
  it('converts IDN to ASCII', () => {
    expect(domainOf('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(domainOf('faß.de')).toBe('xn--fa-hia.de');
  });

  it('lower-cases and trims', () => {
    expect(domainOf('  EXAMPLE.Org ')).toBe('example.org');
  });

  it('strips one trailing dot, not two', () => {
    expect(domainOf('example.org.')).toBe('example.org');
    expect(errorOf('example.org..')).toMatch(/empty label/);
  });

  it('keeps an already normal name unchanged', () => {
    expect(domainOf('good.test')).toBe('good.test');
    expect(domainOf('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('refuses IPv4 literals, including the short and hex forms the URL parser accepts', () => {
    expect(errorOf('127.0.0.1')).toMatch(/IP address/);
    expect(errorOf('127.1')).toMatch(/IP address/);
    expect(errorOf('0x7f.0.0.1')).toMatch(/IP address/);
    expect(errorOf('example.42')).toMatch(/numeric label/);
  });

  it('refuses IPv6 literals, bracketed or not', () => {
    expect(errorOf('[::1]')).toMatch(/IP address/);
    expect(errorOf('::1')).toMatch(/IP address/);
    expect(errorOf('2001:db8::1')).toMatch(/IP address/);
  });

  it('refuses single labels', () => {
    expect(errorOf('localhost')).toMatch(/single label/);
    expect(errorOf('LOCALHOST.')).toMatch(/single label/);
  });

  it('refuses special-use names that are not in the public DNS, before any lookup', () => {
    for (const name of [
      'abc.onion',
      'printer.local',
      'a.b.localhost',
      'git.corp.internal',
      'router.home.arpa',
      '1.0.0.127.in-addr.arpa',
      'x.invalid',
      'x.alt',
      'Printer.LOCAL.',
    ]) {
      expect(errorOf(name)).toMatch(/special-use name/);
    }
    expect(domainOf('good.test')).toBe('good.test');
    expect(domainOf('local.example')).toBe('local.example');
  });

  it('refuses A-labels that are not valid IDNA (UTS #46)', () => {
    for (const name of ['xn--a.example', 'xn--zz-abc.example', 'xn--abcd.example', 'xn--0.example']) {
      expect(errorOf(name)).toMatch(/not a valid IDNA A-label/);
      // Node's own UTS #46 ToUnicode leaves these labels undecoded too: the two agree.
      expect(domainToUnicode(name)).toMatch(/^xn--/);
    }
    for (const name of ['xn--bcher-kva.example', 'xn--nxasmq6b.com', 'xn--ls8h.la', 'xn--55qx5d.cn']) {
      expect(domainOf(name)).toBe(name);
      expect(domainToUnicode(name)).not.toMatch(/xn--/);
    }
    expect(domainOf('XN--BCHER-KVA.example')).toBe('xn--bcher-kva.example');
  });

  it('refuses empty labels', () => {
    expect(errorOf('a..b')).toMatch(/empty label/);
    expect(errorOf('.a.b')).toMatch(/empty label/);
  });

  it('refuses labels with a leading or trailing hyphen or other non-LDH characters', () => {
    expect(errorOf('-a.b')).toMatch(/label "-a"/);
    expect(errorOf('a-.b')).toMatch(/label "a-"/);
    expect(errorOf('a_b.example')).toMatch(/label "a_b"/);
    expect(errorOf('a*b.example')).toMatch(/not a valid|label/);
  });

  it('enforces 63 octets per label', () => {
    const label63 = 'a'.repeat(63);
    expect(domainOf(`${label63}.example`)).toBe(`${label63}.example`);
    expect(errorOf(`${'a'.repeat(64)}.example`)).toMatch(/longer than 63 octets/);
  });

  it('enforces 253 octets per name (254 refused)', () => {
    // 63+1+63+1+63+1+61 = 253
    const name253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name253.length).toBe(253);
    expect(domainOf(name253)).toBe(name253);
    const name254 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`;
    expect(errorOf(name254)).toMatch(/254 octets/);
    expect(domainOf(`${name253}.`)).toBe(name253);
  });

  it('counts the length after IDNA conversion', () => {
    // Each ü becomes part of a longer punycode label.
    expect(errorOf(`${'ü'.repeat(60)}.example`)).toMatch(/longer than 63 octets/);
  });

  it('refuses URLs, ports, JIDs, spaces and non-strings with a clear message', () => {
    expect(errorOf('https://example.org')).toMatch(/IP address or has a port|not allowed/);
    expect(errorOf('example.org/path')).toMatch(/not allowed/);
    expect(errorOf('user@example.org')).toMatch(/not allowed/);
    expect(errorOf('exa mple.org')).toMatch(/spaces/);
    expect(errorOf('')).toMatch(/empty/);
    expect(errorOf('.')).toMatch(/only a dot/);
    expect(errorOf(null)).toMatch(/must be a string/);
    expect(errorOf(42)).toMatch(/must be a string/);
  });
});

describe('huge input', () => {
  it('gives an error, not a crash', () => {
    expect(errorOf(`${'a'.repeat(100_000)}.example`)).toMatch(/longer than 63 octets/);
    expect(errorOf(`${'a.'.repeat(50_000)}example`)).toMatch(/octets long/);
    const jid = parseJid(`${'x'.repeat(100_000)}@good.test/${'r'.repeat(100_000)}`);
    expect(jid.ok).toBe(false);
  });
});

describe('parseJid', () => {
  it('parses local@domain/resource', () => {
    const result = parseJid('Alice@Good.Test/Phone 1');
    expect(result).toEqual({
      ok: true,
      jid: {
        local: 'alice',
        domain: 'good.test',
        resource: 'Phone 1',
        bare: 'alice@good.test',
        full: 'alice@good.test/Phone 1',
      },
    });
  });

  it('parses a bare JID and a domain JID', () => {
    expect(parseJid('bob@weak.test')).toMatchObject({
      ok: true,
      jid: { bare: 'bob@weak.test', resource: null },
    });
    expect(parseJid('weak.test')).toMatchObject({ ok: true, jid: { local: null, bare: 'weak.test' } });
  });

  it('keeps a slash and @ inside the resource', () => {
    expect(parseJid('a@b.test/x/y@z')).toMatchObject({ ok: true, jid: { resource: 'x/y@z' } });
  });

  it('normalises an IDN domain', () => {
    expect(parseJid('anna@Bücher.example')).toMatchObject({
      ok: true,
      jid: { bare: 'anna@xn--bcher-kva.example' },
    });
  });

  it('refuses malformed JIDs with a clear error', () => {
    const cases: [unknown, RegExp][] = [
      ['@good.test', /empty localpart/],
      ['alice@', /no domain/],
      ['alice@good.test/', /empty resource/],
      ['a@b@good.test', /not allowed in a domain name/],
      ['al ice@good.test', /localpart must not contain/],
      ['al<ice@good.test', /localpart must not contain/],
      ['alice@localhost', /single label/],
      ['alice@127.0.0.1', /IP address/],
      [`${'a'.repeat(1024)}@good.test`, /localpart is longer/],
      [`a@good.test/${'r'.repeat(1024)}`, /resource is longer/],
      ['', /empty/],
      [undefined, /must be a string/],
    ];
    for (const [input, error] of cases) {
      const result = parseJid(input);
      expect(result.ok, String(input)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(error);
    }
  });
});

describe('isSameDomain', () => {
  it('compares normalised names', () => {
    expect(isSameDomain('Good.Test.', 'good.test')).toBe(true);
    expect(isSameDomain('Bücher.example', 'xn--bcher-kva.example')).toBe(true);
    expect(isSameDomain('good.test', 'weak.test')).toBe(false);
  });

  it('is false when either side is invalid', () => {
    expect(isSameDomain('localhost', 'localhost')).toBe(false);
    expect(isSameDomain('a..b', 'a..b')).toBe(false);
  });
});
