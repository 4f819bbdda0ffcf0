import { describe, expect, it } from 'vitest';
import { gradeFromScore } from './grades.ts';
import type { CipherSuite } from './report.ts';
import {
  cipherBitsScore,
  cipherScore,
  finiteFieldScore,
  gradeTarget,
  keyExchangeScore,
  protocolScore,
  RUBRIC_VERSION,
  type RubricInput,
  weightedScore,
} from './rubric.ts';
import { RUBRIC_CODES } from './rubric-findings.ts';
import { cert, dane, leaf, modernTls, rsaCert, SUITES, suite, tls } from './testing/fixtures.ts';

function input(overrides: Partial<RubricInput> = {}): RubricInput {
  return {
    domain: 'good.test',
    service: 'c2s',
    target: 'xmpp.good.test:5222',
    tls: modernTls(),
    certificate: cert(),
    dane: null,
    poshMatches: null,
    encryption: 'required',
    scannedAt: '2026-11-24T12:00:00.000Z',
    ...overrides,
  };
}

const codes = (result: ReturnType<typeof gradeTarget>) => result.findings.map((f) => f.code);
const capCodes = (result: ReturnType<typeof gradeTarget>) => result.caps.map((c) => `${c.limit}:${c.code}`);

describe('rubric version', () => {
  it('is 2', () => {
    expect(RUBRIC_VERSION).toBe(2);
  });
});

describe('protocol score table', () => {
  it.each([
    ['SSLv2', 0],
    ['SSLv3', 80],
    ['TLSv1.0', 90],
    ['TLSv1.1', 95],
    ['TLSv1.2', 100],
    ['TLSv1.3', 100],
  ] as const)('%s alone scores %d', (version, score) => {
    expect(protocolScore([version])).toBe(score);
  });

  it('is the mean of the best and the worst version offered', () => {
    expect(protocolScore(['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'])).toBe(95);
    expect(protocolScore(['SSLv3', 'TLSv1.2'])).toBe(90);
    expect(protocolScore(['SSLv2', 'TLSv1.3'])).toBe(50);
    expect(protocolScore(['TLSv1.1', 'TLSv1.0'])).toBe(92.5);
  });

  it('is 0 with no version', () => {
    expect(protocolScore([])).toBe(0);
  });

  it('feeds the protocol part of a target', () => {
    const result = gradeTarget(
      input({ tls: tls({ 'TLSv1.0': [SUITES.ecdheAes128Gcm], 'TLSv1.3': [SUITES.tls13Aes128] }) }),
    );
    expect(result.parts.protocol).toBe(95);
  });
});

describe('key exchange score table', () => {
  it.each([
    [511, 20],
    [512, 40],
    [1023, 40],
    [1024, 80],
    [2047, 80],
    [2048, 90],
    [4095, 90],
    [4096, 100],
  ])('RSA/DH %d bits scores %d', (bits, score) => {
    expect(finiteFieldScore(bits)).toBe(score);
  });

  it('rates an RSA certificate key by its bits', () => {
    expect(keyExchangeScore(modernTls(), rsaCert(1023))).toBe(40);
    expect(keyExchangeScore(modernTls(), rsaCert(2048))).toBe(90);
    expect(keyExchangeScore(modernTls(), rsaCert(4096))).toBe(100);
  });

  it('rates EC and EdDSA keys and ECDHE at 100', () => {
    expect(keyExchangeScore(modernTls(), cert())).toBe(100);
    expect(keyExchangeScore(modernTls(), cert({}, { keyType: 'Ed25519', keyBits: 256 }))).toBe(100);
    expect(keyExchangeScore(tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm] }), null)).toBe(100);
  });

  it('takes the weakest of the certificate key and the DH group', () => {
    const dhe = tls({ 'TLSv1.2': [SUITES.dheAes128Gcm] }, { dhBits: 1024 });
    expect(keyExchangeScore(dhe, rsaCert(4096))).toBe(80);
    expect(keyExchangeScore(tls({ 'TLSv1.2': [SUITES.dheAes128Gcm] }, { dhBits: 4096 }), rsaCert(2048))).toBe(
      90,
    );
  });

  it('caps export key exchange at 40', () => {
    const exp = tls({ 'TLSv1.0': [SUITES.exportRc4, SUITES.ecdheAes128Gcm] });
    expect(keyExchangeScore(exp, rsaCert(4096))).toBe(40);
    expect(keyExchangeScore(exp, rsaCert(511))).toBe(20);
  });

  it('rates anonymous key exchange at 0', () => {
    expect(keyExchangeScore(tls({ 'TLSv1.2': [SUITES.anonEcdh, SUITES.ecdheAes128Gcm] }), cert())).toBe(0);
  });

  it('is 0 when nothing exchanges keys that can be rated', () => {
    expect(keyExchangeScore(tls({ 'TLSv1.2': [SUITES.rsaAes128Gcm] }), null)).toBe(0);
  });
});

describe('cipher score table', () => {
  it.each([
    [0, 0],
    [1, 20],
    [127, 20],
    [128, 80],
    [255, 80],
    [256, 100],
  ])('%d bits scores %d', (bits, score) => {
    expect(cipherBitsScore(bits)).toBe(score);
  });

  it('is the mean of the weakest and the strongest suite, across versions', () => {
    expect(cipherScore([SUITES.rsa3des, SUITES.tls13Aes256])).toBe(60);
    expect(cipherScore([SUITES.ecdheAes128Gcm, SUITES.tls13Aes256])).toBe(90);
    expect(cipherScore([SUITES.nullSha, SUITES.ecdheAes128Gcm])).toBe(40);
    expect(cipherScore([SUITES.tls13Aes128])).toBe(80);
    const result = gradeTarget(
      input({ tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm], 'TLSv1.3': [SUITES.tls13Aes256] }) }),
    );
    expect(result.parts.cipher).toBe(90);
  });

  it('is 0 with no suite, with a finding', () => {
    expect(cipherScore([])).toBe(0);
    const result = gradeTarget(input({ tls: tls({ 'TLSv1.3': [] }) }));
    expect(result.parts.cipher).toBe(0);
    expect(codes(result)).toContain('tls.cipher.none-recorded');
  });
});

describe('score and letter', () => {
  it('weighs 0.3 protocol, 0.3 key exchange, 0.4 cipher exactly', () => {
    expect(weightedScore({ protocol: 100, keyExchange: 100, cipher: 50 })).toBe(80);
    expect(weightedScore({ protocol: 92.5, keyExchange: 80, cipher: 60 })).toBe(75.75);
    expect(weightedScore({ protocol: 0, keyExchange: 0, cipher: 0 })).toBe(0);
    expect(weightedScore({ protocol: 100, keyExchange: 100, cipher: 100 })).toBe(100);
  });

  it.each([
    [100, 'A'],
    [80, 'A'],
    [79.9, 'B'],
    [65, 'B'],
    [64.9, 'C'],
    [50, 'C'],
    [49.9, 'D'],
    [35, 'D'],
    [34.9, 'E'],
    [20, 'E'],
    [19.9, 'F'],
    [0, 'F'],
  ] as const)('score %d is %s', (score, letter) => {
    expect(gradeFromScore(score)).toBe(letter);
  });

  it('grades a modern target A with score 96', () => {
    const result = gradeTarget(input());
    expect(result).toMatchObject({ score: 96, grade: 'A', gradeIfTrusted: 'A', caps: [] });
    expect(result.parts).toEqual({ protocol: 100, keyExchange: 100, cipher: 90 });
    expect(result.authenticatedBy).toEqual(['pkix']);
  });

  it('puts exactly 80 at A and the next lower reachable score at B', () => {
    // Scores a real target can reach move in steps of 0.5 or more; 80 vs 79.9 is tested above.
    expect(gradeFromScore(weightedScore({ protocol: 100, keyExchange: 100, cipher: 50 }))).toBe('A');
    expect(gradeFromScore(weightedScore({ protocol: 100, keyExchange: 90, cipher: 50 }))).toBe('B');
  });

  it('never raises a grade with a cap', () => {
    // TLS 1.0 only (90), DSA 1000 bits (40), 3DES (20): 27 + 12 + 8 = 47 → D; caps B and C leave D.
    const result = gradeTarget(
      input({
        tls: tls({ 'TLSv1.0': [suite({ ...SUITES.rsa3des, keyExchange: 'DHE', forwardSecrecy: true })] }),
        certificate: cert({}, { keyType: 'DSA', keyBits: 1000 }),
      }),
    );
    expect(result.score).toBe(47);
    expect(result.gradeIfTrusted).toBe('D');
  });
});

describe('F caps', () => {
  it('no TLS: score 0 and F', () => {
    const result = gradeTarget(input({ tls: null, certificate: null, encryption: 'none' }));
    expect(result).toMatchObject({ score: 0, grade: 'F', gradeIfTrusted: 'F' });
    expect(result.parts).toEqual({ protocol: 0, keyExchange: 0, cipher: 0 });
    expect(capCodes(result)).toEqual(['F:policy.no-tls']);
    expect(result.findings[0]).toMatchObject({
      code: 'policy.no-tls',
      severity: 'critical',
      target: 'xmpp.good.test:5222',
    });
    expect(result.findings[0]?.message).toContain('good.test c2s (xmpp.good.test:5222)');
    expect(result.findings[0]?.fix).toContain('c2s_require_encryption = true');
  });

  it('a TLS result with no version counts as no TLS', () => {
    expect(gradeTarget(input({ tls: tls({}) }))).toMatchObject({ grade: 'F', score: 0 });
  });

  it('SSLv2', () => {
    const result = gradeTarget(
      input({ tls: tls({ SSLv2: [SUITES.ecdheAes128Gcm], 'TLSv1.3': [SUITES.tls13Aes256] }) }),
    );
    expect(result.gradeIfTrusted).toBe('F');
    expect(capCodes(result)).toContain('F:tls.protocol.sslv2');
  });

  it.each([
    ['anonymous', SUITES.anonEcdh, 'tls.cipher.anonymous'],
    ['NULL', SUITES.nullSha, 'tls.cipher.null'],
    ['export', SUITES.exportRc4, 'tls.cipher.export'],
  ] as const)('%s suites', (_name, weak, code) => {
    const result = gradeTarget(
      input({ tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm, weak], 'TLSv1.3': [SUITES.tls13Aes256] }) }),
    );
    expect(result.grade).toBe('F');
    expect(capCodes(result)).toContain(`F:${code}`);
    const finding = result.findings.find((f) => f.code === code);
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain(weak.name);
  });

  it('RSA key below 1024 bits (1023 F, 1024 not F)', () => {
    expect(gradeTarget(input({ certificate: rsaCert(1023) }))).toMatchObject({ grade: 'F' });
    expect(capCodes(gradeTarget(input({ certificate: rsaCert(1023) })))).toContain('F:cert.rsa-broken');
    const at1024 = gradeTarget(input({ certificate: rsaCert(1024) }));
    expect(at1024.grade).toBe('B');
    expect(capCodes(at1024)).toEqual(['B:cert.rsa-small']);
  });

  it('MD5 signature', () => {
    const result = gradeTarget(
      input({ certificate: cert({}, { signatureHash: 'md5', signatureAlgorithm: 'md5WithRSAEncryption' }) }),
    );
    expect(result.grade).toBe('F');
    expect(capCodes(result)).toEqual(['F:cert.md5']);
  });

  it('an unauthenticated F is T (F): the trust failure shows, the letter stays visible', () => {
    const result = gradeTarget(input({ certificate: rsaCert(512, { trusted: false, selfSigned: true }) }));
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'F' });
    expect(codes(result)).toContain('cert.untrusted');
  });
});

describe('C caps', () => {
  const modernPlus = (extra: CipherSuite) =>
    tls({ 'TLSv1.2': [SUITES.ecdheAes256Gcm, extra], 'TLSv1.3': [SUITES.tls13Aes256] });

  it('SSLv3', () => {
    const result = gradeTarget(
      input({
        tls: tls({
          SSLv3: [SUITES.ecdheAes128Cbc],
          'TLSv1.2': [SUITES.ecdheAes128Gcm],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(result.grade).toBe('C');
    expect(capCodes(result)).toContain('C:tls.protocol.sslv3');
  });

  it('RC4', () => {
    const result = gradeTarget(
      input({ tls: modernPlus(suite({ ...SUITES.rsaRc4, keyExchange: 'ECDHE', forwardSecrecy: true })) }),
    );
    expect(result.grade).toBe('C');
    expect(capCodes(result)).toEqual(['C:tls.cipher.rc4', 'A-:tls.cipher.cbc-tls12']);
  });

  it('64-bit block ciphers (3DES)', () => {
    const result = gradeTarget(
      input({ tls: modernPlus(suite({ ...SUITES.rsa3des, keyExchange: 'ECDHE', forwardSecrecy: true })) }),
    );
    expect(result.grade).toBe('C');
    expect(capCodes(result)).toEqual(['C:tls.cipher.64bit-block', 'A-:tls.cipher.cbc-tls12']);
  });

  it('TLS compression', () => {
    const result = gradeTarget(input({ tls: modernTls({ compression: true }) }));
    expect(result.grade).toBe('C');
    expect(capCodes(result)).toEqual(['C:tls.compression']);
  });

  it('neither TLS 1.2 nor 1.3', () => {
    const result = gradeTarget(input({ tls: tls({ 'TLSv1.1': [SUITES.ecdheAes128Gcm] }) }));
    expect(result.grade).toBe('C');
    expect(capCodes(result)).toContain('C:tls.protocol.no-modern');
  });
});

describe('B caps', () => {
  it.each([
    ['TLSv1.0', 'tls.protocol.tls10'],
    ['TLSv1.1', 'tls.protocol.tls11'],
  ] as const)('%s offered', (version, code) => {
    const result = gradeTarget(
      input({
        tls: tls({
          [version]: [SUITES.ecdheAes128Cbc],
          'TLSv1.2': [SUITES.ecdheAes128Gcm],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(result.grade).toBe('B');
    expect(capCodes(result)).toEqual([`B:${code}`]);
    expect(result.findings.find((f) => f.code === code)?.fix).toContain('tlsv1_2+');
  });

  it('a suite without forward secrecy', () => {
    const result = gradeTarget(
      input({
        tls: tls({
          'TLSv1.2': [SUITES.ecdheAes128Gcm, SUITES.rsaAes128Gcm],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(result.grade).toBe('B');
    expect(capCodes(result)).toEqual(['B:tls.cipher.no-forward-secrecy']);
  });

  it('RSA key below 2048 bits (2047 B, 2048 A)', () => {
    expect(gradeTarget(input({ certificate: rsaCert(2047) })).grade).toBe('B');
    expect(capCodes(gradeTarget(input({ certificate: rsaCert(2047) })))).toEqual(['B:cert.rsa-small']);
    expect(gradeTarget(input({ certificate: rsaCert(2048) })).grade).toBe('A');
  });

  it('DH group below 2048 bits (2047 B, 2048 A)', () => {
    const dhTls = (dhBits: number) =>
      tls(
        { 'TLSv1.2': [SUITES.dheAes128Gcm, SUITES.ecdheAes256Gcm], 'TLSv1.3': [SUITES.tls13Aes256] },
        { dhBits },
      );
    const small = gradeTarget(input({ tls: dhTls(2047) }));
    expect(small.grade).toBe('B');
    expect(capCodes(small)).toEqual(['B:dh.small']);
    expect(small.findings.find((f) => f.code === 'dh.small')?.severity).toBe('medium');
    expect(gradeTarget(input({ tls: dhTls(2048) })).grade).toBe('A');
    expect(gradeTarget(input({ tls: dhTls(1024) })).grade).toBe('B');
  });

  it('encryption not required', () => {
    const result = gradeTarget(input({ encryption: 'optional' }));
    expect(result.grade).toBe('B');
    expect(capCodes(result)).toEqual(['B:policy.encryption-optional']);
    expect(result.findings.find((f) => f.code === 'policy.encryption-optional')?.fix).toContain(
      'c2s_require_encryption = true',
    );
    const s2s = gradeTarget(input({ encryption: 'optional', service: 's2s' }));
    expect(s2s.findings.find((f) => f.code === 'policy.encryption-optional')?.fix).toContain(
      's2s_require_encryption = true',
    );
  });
});

describe('A- and A+', () => {
  it('A- when otherwise A but no TLS 1.3', () => {
    const result = gradeTarget(
      input({ tls: tls({ 'TLSv1.2': [SUITES.ecdheAes256Gcm, SUITES.ecdheAes128Gcm] }) }),
    );
    expect(result.grade).toBe('A-');
    expect(capCodes(result)).toEqual(['A-:tls.protocol.no-tls13']);
  });

  it('the A- cap does not lower a B further', () => {
    const result = gradeTarget(
      input({ tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm] }), encryption: 'optional' }),
    );
    expect(result.grade).toBe('B');
  });

  it('A+ with TLS 1.3, nothing below 1.2, forward-secret AEAD only, required, and valid DANE', () => {
    const result = gradeTarget(input({ dane: dane() }));
    expect(result.grade).toBe('A+');
    expect(result.authenticatedBy).toEqual(['pkix', 'dane']);
  });

  it('A+ with a matching POSH document', () => {
    expect(gradeTarget(input({ poshMatches: true })).grade).toBe('A+');
  });

  it('no A+ without DANE or POSH, with an info finding saying what is missing', () => {
    const result = gradeTarget(input());
    expect(result.grade).toBe('A');
    const finding = result.findings.find((f) => f.code === 'auth.no-dane-posh');
    expect(finding?.severity).toBe('info');
    expect(finding?.fix).toContain('_5222._tcp.xmpp.good.test.');
  });

  it('no A+ with DANE records that are not DNSSEC-validated', () => {
    const result = gradeTarget(input({ dane: dane({ dnssec: false }) }));
    expect(result.grade).toBe('A');
    expect(codes(result)).toContain('dane.unsigned');
  });

  it('no A+ with a non-AEAD suite', () => {
    const result = gradeTarget(
      input({
        dane: dane(),
        tls: tls({
          'TLSv1.2': [SUITES.ecdheAes128Gcm, SUITES.ecdheAes128Cbc],
          'TLSv1.3': [SUITES.tls13Aes256],
        }),
      }),
    );
    expect(result.grade).toBe('A-');
    expect(codes(result)).toContain('tls.cipher.cbc-tls12');
  });

  it('no A+ when capped (no TLS 1.3, or encryption optional)', () => {
    expect(gradeTarget(input({ dane: dane(), tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm] }) })).grade).toBe(
      'A-',
    );
    expect(gradeTarget(input({ dane: dane(), encryption: 'optional' })).grade).toBe('B');
  });
});

describe('T: the certificate does not authenticate the domain', () => {
  it.each([
    [
      'untrusted chain',
      cert({ trusted: false, selfSigned: true, trustError: 'self-signed certificate' }),
      'cert.untrusted',
    ],
    ['expired', cert({ expired: true }), 'cert.expired'],
    ['not yet valid', cert({ notYetValid: true }), 'cert.not-yet-valid'],
    [
      'identity mismatch',
      cert(
        { identity: { matches: false, matchedBy: [] } },
        { names: { dnsIds: ['other.test'], srvIds: [], xmppAddrs: [], commonName: null } },
      ),
      'cert.name-mismatch',
    ],
  ])('%s gives T carrying the letter', (_name, certificate, code) => {
    const result = gradeTarget(input({ certificate }));
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'A' });
    expect(result.authenticatedBy).toEqual([]);
    const finding = result.findings.find((f) => f.code === code);
    expect(finding?.severity).toBe('high');
  });

  it('names the reason and the certificate names in the message', () => {
    const result = gradeTarget(
      input({
        certificate: cert(
          {
            trusted: false,
            trustError: 'unable to get local issuer certificate',
            identity: { matches: false, matchedBy: [] },
          },
          { names: { dnsIds: ['other.test'], srvIds: [], xmppAddrs: [], commonName: null } },
        ),
      }),
    );
    expect(result.findings.find((f) => f.code === 'cert.untrusted')?.message).toContain(
      'unable to get local issuer',
    );
    expect(result.findings.find((f) => f.code === 'cert.name-mismatch')?.message).toContain('other.test');
  });

  it('a missing certificate gives T', () => {
    const result = gradeTarget(input({ certificate: null }));
    expect(result.grade).toBe('T');
    expect(codes(result)).toContain('cert.missing');
  });

  it('T keeps a capped letter: T (B)', () => {
    const result = gradeTarget(input({ certificate: cert({ expired: true }), encryption: 'optional' }));
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'B' });
  });

  it('DANE rescues an untrusted certificate (DANE-EE), and can give A+', () => {
    const result = gradeTarget(
      input({ certificate: cert({ trusted: false, selfSigned: true }), dane: dane() }),
    );
    expect(result.grade).toBe('A+');
    expect(result.authenticatedBy).toEqual(['dane']);
    const finding = result.findings.find((f) => f.code === 'cert.untrusted');
    expect(finding?.severity).toBe('low');
    expect(finding?.message).toContain('DANE or POSH authenticates');
  });

  it('POSH rescues a name mismatch', () => {
    const result = gradeTarget(
      input({ certificate: cert({ identity: { matches: false, matchedBy: [] } }), poshMatches: true }),
    );
    expect(result.grade).toBe('A+');
    expect(result.authenticatedBy).toEqual(['posh']);
  });

  it('DANE without DNSSEC, or not matching, does not rescue', () => {
    const untrusted = cert({ trusted: false });
    expect(gradeTarget(input({ certificate: untrusted, dane: dane({ dnssec: false }) })).grade).toBe('T');
    const mismatch = gradeTarget(input({ certificate: untrusted, dane: dane({ matches: false }) }));
    expect(mismatch.grade).toBe('T');
    expect(mismatch.findings.find((f) => f.code === 'dane.mismatch')).toMatchObject({ severity: 'high' });
    expect(mismatch.findings.find((f) => f.code === 'dane.mismatch')?.message).toContain(
      '_5222._tcp.good.test',
    );
  });
});

describe('findings', () => {
  it('uses only codes of the rubric catalogue, each naming domain, service and target', () => {
    const result = gradeTarget(
      input({
        tls: tls(
          {
            SSLv2: [SUITES.nullSha],
            SSLv3: [SUITES.exportRc4],
            'TLSv1.0': [SUITES.rsa3des, SUITES.anonEcdh],
            'TLSv1.1': [SUITES.rsaRc4],
          },
          { compression: true, dhBits: 512 },
        ),
        certificate: cert(
          { trusted: false, expired: true, notYetValid: true, identity: { matches: false, matchedBy: [] } },
          { keyType: 'RSA', keyBits: 512, signatureHash: 'md5' },
        ),
        dane: dane({ matches: false }),
        encryption: 'optional',
        service: 's2s',
        target: 'xmpp.weak.test:5269',
        domain: 'weak.test',
      }),
    );
    expect(result).toMatchObject({ grade: 'T', gradeIfTrusted: 'F' });
    for (const finding of result.findings) {
      expect(RUBRIC_CODES.has(finding.code), finding.code).toBe(true);
      expect(finding.message).toContain('weak.test s2s (xmpp.weak.test:5269)');
      expect(finding.target).toBe('xmpp.weak.test:5269');
      expect(finding.fix.length).toBeGreaterThan(10);
    }
    expect(new Set(codes(result))).toEqual(
      new Set([
        'tls.protocol.sslv2',
        'tls.protocol.sslv3',
        'tls.protocol.tls10',
        'tls.protocol.tls11',
        'tls.protocol.no-modern',
        'tls.protocol.no-tls13',
        'tls.cipher.anonymous',
        'tls.cipher.null',
        'tls.cipher.export',
        'tls.cipher.rc4',
        'tls.cipher.64bit-block',
        'tls.cipher.no-forward-secrecy',
        'tls.cipher.not-aead',
        'tls.compression',
        'cert.rsa-broken',
        'cert.md5',
        'dh.broken',
        'policy.encryption-optional',
        'cert.untrusted',
        'cert.expired',
        'cert.not-yet-valid',
        'cert.name-mismatch',
        'dane.mismatch',
      ]),
    );
  });

  it('gives a clean modern target only the A+ hint', () => {
    expect(codes(gradeTarget(input()))).toEqual(['auth.no-dane-posh']);
    expect(codes(gradeTarget(input({ dane: dane() })))).toEqual([]);
  });

  it('is deterministic', () => {
    expect(gradeTarget(input({ certificate: rsaCert(1024) }))).toEqual(
      gradeTarget(input({ certificate: rsaCert(1024) })),
    );
  });

  it('rates DSA keys by their bits, like RSA', () => {
    expect(keyExchangeScore(modernTls(), cert({}, leaf({ keyType: 'DSA', keyBits: 1024 })))).toBe(80);
  });
});
