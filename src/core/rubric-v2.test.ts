// Rubric v2 (DESIGN §3, the changes at its end): one test per change, then the catalogue is shown to be
// reachable in full.
import { describe, expect, it } from 'vitest';
import type { CertificateInfo } from './report.ts';
import { gradeTarget, type RubricInput } from './rubric.ts';
import { RUBRIC_CODES } from './rubric-findings.ts';
import { cert, dane, leaf, modernTls, SUITES, tls } from './testing/fixtures.ts';

const SCANNED_AT = '2026-11-24T12:00:00.000Z';

function input(overrides: Partial<RubricInput> = {}): RubricInput {
  return {
    domain: 'good.test',
    service: 'c2s',
    target: 'good.test:5222',
    tls: modernTls(),
    certificate: cert(),
    dane: null,
    poshMatches: null,
    encryption: 'required',
    scannedAt: SCANNED_AT,
    ...overrides,
  };
}

const codes = (r: ReturnType<typeof gradeTarget>) => r.findings.map((f) => f.code);
const capCodes = (r: ReturnType<typeof gradeTarget>) => r.caps.map((c) => `${c.limit}:${c.code}`);

function intermediate(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return leaf({
    subject: 'CN=Hoplight Lab Intermediate',
    issuer: 'CN=Hoplight Lab CA',
    keyType: 'RSA',
    keyBits: 2048,
    names: { dnsIds: [], srvIds: [], xmppAddrs: [], commonName: 'Hoplight Lab Intermediate' },
    ...overrides,
  });
}

function chained(...above: CertificateInfo[]) {
  return { ...cert(), chain: [leaf({ issuer: 'CN=Hoplight Lab Intermediate' }), ...above] };
}

describe('rubric v2: DANE that makes DANE-checking peers refuse', () => {
  it('a validated TLSA set that matches nothing gives T even with a valid PKIX chain', () => {
    const result = gradeTarget(input({ dane: dane({ matches: false }) }));
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'A' });
    expect(codes(result)).toContain('dane.mismatch');
  });

  it('a bogus TLSA answer gives T, with its own finding', () => {
    const result = gradeTarget(input({ dane: dane({ bogus: true, records: [], matches: null }) }));
    expect(result.grade).toBe('T');
    expect(result.findings.find((f) => f.code === 'dane.bogus')).toMatchObject({ severity: 'high' });
  });

  it('TLSA records without DNSSEC stay a note, not T', () => {
    expect(gradeTarget(input({ dane: dane({ dnssec: false, matches: null }) })).grade).toBe('A');
  });
});

describe('rubric v2: Diffie-Hellman groups', () => {
  const dhTls = (dhBits: number) =>
    tls({ 'TLSv1.2': [SUITES.dheAes128Gcm], 'TLSv1.3': [SUITES.tls13Aes256] }, { dhBits });

  it('under 1024 bits is F (Logjam)', () => {
    const result = gradeTarget(input({ tls: dhTls(1023) }));
    expect(result.grade).toBe('F');
    expect(capCodes(result)).toEqual(['F:dh.broken']);
  });

  it('1024 to 2047 bits is B at most', () => {
    expect(capCodes(gradeTarget(input({ tls: dhTls(1024) })))).toEqual(['B:dh.small']);
    expect(gradeTarget(input({ tls: dhTls(2048) })).grade).toBe('A');
  });
});

describe('rubric v2: keys by type and size', () => {
  it('a DSA key is B at most', () => {
    const result = gradeTarget(input({ certificate: cert({}, { keyType: 'DSA', keyBits: 2048 }) }));
    expect(result.grade).toBe('B');
    expect(capCodes(result)).toEqual(['B:cert.dsa']);
  });

  it('an EC key on P-192 or smaller is F', () => {
    const result = gradeTarget(
      input({ certificate: cert({}, { keyType: 'EC', keyBits: 192, curve: 'prime192v1' }) }),
    );
    expect(result.gradeIfTrusted).toBe('F');
    expect(result.findings.find((f) => f.code === 'cert.ec-weak')?.message).toContain('prime192v1');
  });

  it.each([
    [256, 'prime256v1'],
    [384, 'secp384r1'],
    [224, 'secp224r1'],
  ])('an EC key of %d bits is not capped', (keyBits, curve) => {
    const result = gradeTarget(input({ certificate: cert({}, { keyType: 'EC', keyBits, curve }) }));
    expect(result.grade).toBe('A');
    expect(result.caps).toEqual([]);
  });
});

describe('rubric v2: key-exchange groups', () => {
  it('an ECDHE group under 224 bits is F', () => {
    const result = gradeTarget(input({ tls: modernTls({ groups: ['x25519', 'secp192r1', 'sect163k1'] }) }));
    expect(result.gradeIfTrusted).toBe('F');
    expect(capCodes(result)).toEqual(['F:tls.group.weak']);
    expect(result.findings.find((f) => f.code === 'tls.group.weak')?.message).toContain(
      'secp192r1, sect163k1',
    );
  });

  it('224-bit and larger groups pass', () => {
    expect(gradeTarget(input({ tls: modernTls({ groups: ['secp224r1', 'x25519'] }) })).caps).toEqual([]);
  });

  it('an ML-KEM hybrid is reported, with no bonus', () => {
    const plain = gradeTarget(input({ dane: dane() }));
    const hybrid = gradeTarget(
      input({ dane: dane(), tls: modernTls({ groups: ['X25519MLKEM768', 'x25519', 'secp256r1'] }) }),
    );
    expect(hybrid.score).toBe(plain.score);
    expect(hybrid.grade).toBe('A+');
    expect(hybrid.findings).toEqual([
      expect.objectContaining({ code: 'tls.group.post-quantum', severity: 'info' }),
    ]);
    expect(hybrid.findings[0]?.message).toContain('X25519MLKEM768');
  });
});

describe('rubric v2: signatures on the whole chain', () => {
  it('MD5 on an intermediate is F', () => {
    const result = gradeTarget(
      input({
        certificate: chained(intermediate({ signatureHash: 'md5', signatureAlgorithm: 'md5WithRSA' })),
      }),
    );
    expect(result.gradeIfTrusted).toBe('F');
    expect(result.findings.find((f) => f.code === 'cert.md5')?.message).toContain(
      'intermediate CN=Hoplight Lab Intermediate',
    );
  });

  it('SHA-1 on an intermediate is T, the letter kept', () => {
    const result = gradeTarget(input({ certificate: chained(intermediate({ signatureHash: 'sha1' })) }));
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'A', authenticatedBy: [] });
    expect(result.findings.find((f) => f.code === 'cert.sha1')).toMatchObject({ severity: 'high' });
  });

  it('SHA-1 on the leaf is T as well', () => {
    expect(gradeTarget(input({ certificate: cert({}, { signatureHash: 'sha1' }) })).grade).toBe('T');
  });

  it('a valid DANE record still authenticates a SHA-1 chain', () => {
    const result = gradeTarget(
      input({ certificate: chained(intermediate({ signatureHash: 'sha1' })), dane: dane() }),
    );
    expect(result.authenticatedBy).toEqual(['dane']);
    expect(result.grade).toBe('A+');
  });

  it('ignores the self-signature of a root sent along', () => {
    const root = intermediate({
      subject: 'CN=Old Root',
      issuer: 'CN=Old Root',
      signatureHash: 'sha1',
    });
    const result = gradeTarget(input({ certificate: chained(intermediate(), root) }));
    expect(result.grade).toBe('A');
    expect(codes(result)).not.toContain('cert.sha1');
  });
});

describe('rubric v2: expiry warning', () => {
  it('warns 14 days ahead without capping', () => {
    const result = gradeTarget(input({ certificate: cert({}, { notAfter: '2026-12-04T12:00:00.000Z' }) }));
    expect(result.grade).toBe('A');
    expect(result.caps).toEqual([]);
    const warning = result.findings.find((f) => f.code === 'cert.expiring-soon');
    expect(warning).toMatchObject({ severity: 'medium' });
    expect(warning?.message).toContain('2026-12-04, in 10 days');
  });

  it('is measured from the scan time, not the grading time', () => {
    const later = input({ certificate: cert({}, { notAfter: '2026-12-07T12:00:00.000Z' }) });
    expect(codes(gradeTarget(later))).toContain('cert.expiring-soon');
    expect(codes(gradeTarget({ ...later, scannedAt: '2026-11-20T12:00:00.000Z' }))).not.toContain(
      'cert.expiring-soon',
    );
  });

  it('covers intermediates and leaves expired certificates to the expiry finding', () => {
    const soon = gradeTarget(
      input({ certificate: chained(intermediate({ notAfter: '2026-11-30T00:00:00.000Z' })) }),
    );
    expect(soon.findings.find((f) => f.code === 'cert.expiring-soon')?.message).toContain('intermediate');
    const expired = gradeTarget(
      input({ certificate: cert({ expired: true }, { notAfter: '2026-11-01T00:00:00.000Z' }) }),
    );
    expect(codes(expired)).toEqual(expect.arrayContaining(['cert.expired']));
    expect(codes(expired)).not.toContain('cert.expiring-soon');
  });
});

describe('rubric v2: CBC on TLS 1.2', () => {
  it('caps at A-', () => {
    const result = gradeTarget(
      input({
        tls: tls({
          'TLSv1.2': [SUITES.ecdheAes128Gcm, SUITES.ecdheAes128Cbc],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(result.grade).toBe('A-');
    expect(capCodes(result)).toEqual(['A-:tls.cipher.cbc-tls12']);
  });

  it('CBC only below TLS 1.2 keeps the v1 note', () => {
    const result = gradeTarget(
      input({
        tls: tls({
          'TLSv1.0': [SUITES.ecdheAes128Cbc],
          'TLSv1.2': [SUITES.ecdheAes128Gcm],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(codes(result)).toContain('tls.cipher.not-aead');
    expect(codes(result)).not.toContain('tls.cipher.cbc-tls12');
    expect(result.grade).toBe('B');
  });
});

describe('rubric v2: extended key usage on s2s', () => {
  const serverAuthOnly = cert({}, { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] });

  it('a serverAuth-only certificate on s2s is reported, not capped', () => {
    const result = gradeTarget(
      input({ service: 's2s', target: 'good.test:5269', certificate: serverAuthOnly }),
    );
    expect(codes(result)).toContain('cert.no-client-auth');
    expect(result.grade).toBe('A');
  });

  it('is no finding on c2s, with clientAuth, without EKU, or in reports that never read it', () => {
    const s2s = (certificate: RubricInput['certificate']) =>
      codes(gradeTarget(input({ service: 's2s', certificate })));
    expect(codes(gradeTarget(input({ certificate: serverAuthOnly })))).not.toContain('cert.no-client-auth');
    expect(s2s(cert({}, { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] }))).not.toContain(
      'cert.no-client-auth',
    );
    expect(s2s(cert({}, { extendedKeyUsage: null }))).not.toContain('cert.no-client-auth');
    expect(s2s(cert())).not.toContain('cert.no-client-auth');
  });
});

describe('rubric v2: the finding catalogue', () => {
  it('every code can be emitted', () => {
    const inputs: RubricInput[] = [
      input({ tls: null, encryption: 'none', certificate: null }),
      input({ tls: tls({ 'TLSv1.2': [] }), certificate: null }),
      input({
        tls: tls(
          {
            SSLv2: [SUITES.nullSha],
            SSLv3: [SUITES.exportRc4],
            'TLSv1.0': [SUITES.rsa3des, SUITES.anonEcdh],
            'TLSv1.1': [SUITES.rsaRc4],
          },
          { compression: true, dhBits: 512, groups: ['secp192r1', 'X25519MLKEM768'] },
        ),
        certificate: cert(
          { trusted: false, expired: true, notYetValid: true, identity: { matches: false, matchedBy: [] } },
          { keyType: 'RSA', keyBits: 512, signatureHash: 'md5', extendedKeyUsage: [] },
        ),
        dane: dane({ matches: false }),
        encryption: 'optional',
        service: 's2s',
      }),
      input({
        tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Cbc] }, { dhBits: 1536 }),
        certificate: cert(
          {},
          { keyType: 'RSA', keyBits: 1024, signatureHash: 'sha1', notAfter: '2026-11-30T00:00:00Z' },
        ),
        dane: dane({ dnssec: false, matches: null }),
      }),
      input({ certificate: cert({}, { keyType: 'DSA', keyBits: 2048 }) }),
      input({ certificate: cert({}, { keyType: 'EC', keyBits: 160 }) }),
      input({ dane: dane({ bogus: true }) }),
      input(),
    ];
    const emitted = new Set(inputs.flatMap((i) => codes(gradeTarget(i))));
    expect([...RUBRIC_CODES].filter((c) => !emitted.has(c))).toEqual([]);
  });
});
