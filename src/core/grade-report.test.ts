import { describe, expect, it } from 'vitest';
import { gradeReport, summarize } from './grade-report.ts';
import type { DomainReport, Finding, PoshResult } from './report.ts';
import { RUBRIC_VERSION } from './rubric.ts';
import { SUMMARY_VERSION } from './summary.ts';
import {
  cert,
  dane,
  modernTls,
  report,
  SUITES,
  service,
  target,
  tls,
  unreachableTarget,
} from './testing/fixtures.ts';

const tls10 = tls({
  'TLSv1.0': [SUITES.ecdheAes128Cbc],
  'TLSv1.2': [SUITES.ecdheAes128Gcm],
  'TLSv1.3': [SUITES.tls13Aes128],
});

function scannerFinding(code: string, target?: string): Finding {
  return {
    code,
    severity: 'low',
    message: `observed ${code}`,
    fix: `fix ${code}`,
    ...(target === undefined ? {} : { target }),
  };
}

function posh(overrides: Partial<PoshResult> = {}): PoshResult {
  return {
    url: 'https://good.test/.well-known/posh/xmpp-client.json',
    found: true,
    fingerprints: [{ algorithm: 'sha-256', value: 'qq' }],
    matches: true,
    error: null,
    ...overrides,
  };
}

describe('gradeReport', () => {
  it('grades every reachable target and the service from facts, and sets the rubric version', () => {
    const graded = gradeReport(report());
    expect(graded.rubricVersion).toBe(RUBRIC_VERSION);
    const c2s = graded.services.c2s;
    expect(c2s.targets[0]).toMatchObject({ grade: 'A', gradeIfTrusted: 'A', score: 96 });
    expect(c2s).toMatchObject({
      grade: 'A',
      gradeIfTrusted: 'A',
      score: 96,
      tlsVersions: ['TLSv1.2', 'TLSv1.3'],
      authentication: ['pkix'],
    });
    expect(c2s.cipherSuites).toEqual([
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_AES_128_GCM_SHA256',
    ]);
    expect(graded.services.s2s.grade).toBe('A');
  });

  it('replaces grades and rubric findings written by an older rubric', () => {
    const stale = report({
      rubricVersion: 0,
      c2s: service('c2s', {
        grade: 'A+',
        score: 100,
        targets: [
          target({
            tls: modernTls(),
            grade: 'A+',
            score: 100,
            findings: [scannerFinding('tls.protocol.tls10', 'good.test:5222')],
          }),
        ],
        findings: [scannerFinding('tls.protocol.tls10', 'good.test:5222')],
      }),
    });
    const c2s = gradeReport(stale).services.c2s;
    expect(c2s.grade).toBe('A');
    expect(c2s.score).toBe(96);
    expect(c2s.findings.map((f) => f.code)).not.toContain('tls.protocol.tls10');
    expect(c2s.targets[0]?.findings.map((f) => f.code)).not.toContain('tls.protocol.tls10');
  });

  it('takes the worst target grade, the worst letter and the lowest score', () => {
    const c2s = gradeReport(
      report({
        c2s: service('c2s', {
          targets: [target({ host: 'a.good.test' }), target({ host: 'b.good.test', tls: tls10 })],
        }),
      }),
    ).services.c2s;
    expect(c2s.targets.map((t) => t.grade)).toEqual(['A', 'B']);
    expect(c2s).toMatchObject({ grade: 'B', gradeIfTrusted: 'B', score: 90.5 });
    expect(c2s.tlsVersions).toEqual(['TLSv1.0', 'TLSv1.2', 'TLSv1.3']);
  });

  it('ranks T below B but above F', () => {
    const tAndB = gradeReport(
      report({
        c2s: service('c2s', {
          targets: [
            target({ host: 'a.good.test', certificate: cert({ trusted: false }) }),
            target({ host: 'b.good.test', tls: tls10 }),
          ],
        }),
      }),
    ).services.c2s;
    expect(tAndB).toMatchObject({ grade: 'T', gradeIfTrusted: 'B' });
    const tAndF = gradeReport(
      report({
        c2s: service('c2s', {
          targets: [
            target({ host: 'a.good.test', certificate: cert({ trusted: false }) }),
            target({ host: 'b.good.test', tls: null }),
          ],
        }),
      }),
    ).services.c2s;
    expect(tAndF).toMatchObject({ grade: 'F', gradeIfTrusted: 'F', score: 0 });
  });

  it('leaves unreachable targets out of the grade but keeps their findings', () => {
    const c2s = gradeReport(
      report({ c2s: service('c2s', { targets: [target(), unreachableTarget({ host: 'down.good.test' })] }) }),
    ).services.c2s;
    expect(c2s.grade).toBe('A');
    expect(c2s.targets[1]).toMatchObject({ grade: null, gradeIfTrusted: null, score: null });
    expect(c2s.targets[1]?.findings.map((f) => f.code)).toEqual(['target.unreachable']);
    expect(c2s.findings.map((f) => f.code)).toContain('target.unreachable');
  });

  it('gives a service with no reachable target grade null and a finding', () => {
    const c2s = gradeReport(report({ c2s: service('c2s', { targets: [unreachableTarget()] }) })).services.c2s;
    expect(c2s).toMatchObject({
      grade: null,
      gradeIfTrusted: null,
      score: null,
      tlsVersions: [],
      authentication: [],
    });
    const finding = c2s.findings.find((f) => f.code === 'service.unreachable');
    expect(finding?.message).toContain('none of its 1 target(s)');
    const none = gradeReport(report({ s2s: service('s2s', { targets: [] }) })).services.s2s;
    expect(none.grade).toBeNull();
    expect(none.findings.find((f) => f.code === 'service.unreachable')?.message).toContain(
      'no target was found',
    );
    expect(none.findings.find((f) => f.code === 'service.unreachable')?.fix).toContain('_xmpp-server._tcp');
  });

  it('does not recompute the encryption policy, but grades by it', () => {
    const c2s = gradeReport(report({ c2s: service('c2s', { encryption: 'optional' }) })).services.c2s;
    expect(c2s.encryption).toBe('optional');
    expect(c2s.grade).toBe('B');
    expect(c2s.findings.map((f) => f.code)).toContain('policy.encryption-optional');
  });

  it('keeps scanner findings outside the rubric, at service and target level', () => {
    const c2s = gradeReport(
      report({
        c2s: service('c2s', {
          findings: [scannerFinding('dns.no-dnssec')],
          targets: [target({ findings: [scannerFinding('stream.plain-before-tls', 'good.test:5222')] })],
        }),
      }),
    ).services.c2s;
    expect(c2s.targets[0]?.findings.map((f) => f.code)).toEqual([
      'stream.plain-before-tls',
      'auth.no-dane-posh',
    ]);
    expect(c2s.findings.map((f) => f.code)).toEqual([
      'dns.no-dnssec',
      'stream.plain-before-tls',
      'auth.no-dane-posh',
    ]);
  });

  it('merges target findings into the service once per code and target', () => {
    const c2s = gradeReport(
      report({
        c2s: service('c2s', {
          encryption: 'optional',
          findings: [scannerFinding('stream.plain-before-tls', 'a.good.test:5222')],
          targets: [
            target({
              host: 'a.good.test',
              findings: [scannerFinding('stream.plain-before-tls', 'a.good.test:5222')],
            }),
            target({ host: 'b.good.test' }),
          ],
        }),
      }),
    ).services.c2s;
    const keys = c2s.findings.map((f) => `${f.code} ${f.target}`);
    expect(keys.filter((k) => k === 'stream.plain-before-tls a.good.test:5222')).toHaveLength(1);
    expect(keys).toContain('policy.encryption-optional a.good.test:5222');
    expect(keys).toContain('policy.encryption-optional b.good.test:5222');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sorts findings worst first', () => {
    const c2s = gradeReport(
      report({ c2s: service('c2s', { targets: [target({ tls: tls({ 'TLSv1.0': [SUITES.rsa3des] }) })] }) }),
    ).services.c2s;
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = c2s.findings.map((f) => order.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('lists the authentication methods that hold on every reachable target', () => {
    const both = gradeReport(
      report({
        c2s: service('c2s', {
          targets: [
            target({ host: 'a.good.test', dane: dane() }),
            target({ host: 'b.good.test' }),
            unreachableTarget(),
          ],
        }),
      }),
    ).services.c2s;
    expect(both.authentication).toEqual(['pkix']);
    const daneOnly = gradeReport(
      report({
        c2s: service('c2s', { targets: [target({ certificate: cert({ trusted: false }), dane: dane() })] }),
      }),
    ).services.c2s;
    expect(daneOnly.authentication).toEqual(['dane']);
    expect(daneOnly.grade).toBe('A+');
    const withPosh = gradeReport(report({ c2s: service('c2s', { posh: posh() }) })).services.c2s;
    expect(withPosh.authentication).toEqual(['pkix', 'posh']);
    expect(withPosh.grade).toBe('A+');
    const noTlsTarget = gradeReport(
      report({
        c2s: service('c2s', {
          posh: posh(),
          targets: [target(), target({ host: 'plain.good.test', tls: null })],
        }),
      }),
    ).services.c2s;
    expect(noTlsTarget.authentication).toEqual([]);
  });

  it('reports a POSH document that matches no certificate', () => {
    const c2s = gradeReport(report({ c2s: service('c2s', { posh: posh({ matches: false }) }) })).services.c2s;
    expect(c2s.findings.find((f) => f.code === 'posh.mismatch')?.message).toContain('xmpp-client.json');
    expect(c2s.authentication).toEqual(['pkix']);
  });

  it('is idempotent and does not modify its input', () => {
    const messy: DomainReport = report({
      rubricVersion: 0,
      c2s: service('c2s', {
        encryption: 'optional',
        posh: posh({ matches: false }),
        findings: [scannerFinding('dns.no-dnssec'), scannerFinding('cert.expired', 'old:1')],
        targets: [
          target({
            host: 'a.good.test',
            tls: tls10,
            findings: [scannerFinding('stream.plain-before-tls', 'a.good.test:5222')],
          }),
          target({ host: 'b.good.test', certificate: cert({ expired: true }) }),
          unreachableTarget(),
        ],
      }),
      s2s: service('s2s', { targets: [] }),
    });
    const before = structuredClone(messy);
    const once = gradeReport(messy);
    expect(messy).toEqual(before);
    expect(gradeReport(once)).toEqual(once);
    expect(gradeReport(gradeReport(once))).toEqual(once);
    // The stale rubric finding the scanner never could have written is gone, not duplicated.
    expect(once.services.c2s.findings.filter((f) => f.code === 'cert.expired').map((f) => f.target)).toEqual([
      'b.good.test:5222',
    ]);
  });
});

describe('summarize', () => {
  it('gives the compact, versioned view', () => {
    const summary = summarize(
      report({
        c2s: service('c2s', { encryption: 'optional', targets: [target({ tls: tls10 })] }),
        s2s: service('s2s', { dialback: true }),
      }),
    );
    expect(summary).toMatchObject({
      summaryVersion: SUMMARY_VERSION,
      domain: 'good.test',
      scannedAt: '2026-11-24T12:00:00.000Z',
      rubricVersion: RUBRIC_VERSION,
    });
    expect(summary.services.c2s).toMatchObject({
      grade: 'B',
      gradeIfTrusted: 'B',
      encryption: 'optional',
      tlsVersions: ['TLSv1.0', 'TLSv1.2', 'TLSv1.3'],
      authentication: ['pkix'],
      dialback: false,
    });
    expect(summary.services.s2s).toMatchObject({ grade: 'A', dialback: true });
    for (const f of summary.services.c2s.findings)
      expect(Object.keys(f).sort()).toEqual(['code', 'message', 'severity']);
    expect(summary.services.c2s.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['tls.protocol.tls10', 'policy.encryption-optional', 'tls.cipher.not-aead']),
    );
  });

  it('grades an ungraded report before summarising', () => {
    const summary = summarize(report({ rubricVersion: 0 }));
    expect(summary.services.c2s.grade).toBe('A');
    expect(summary.rubricVersion).toBe(RUBRIC_VERSION);
  });

  it('drops findings that say the same thing twice', () => {
    const dup = scannerFinding('dns.no-dnssec');
    const summary = summarize(
      report({ c2s: service('c2s', { findings: [dup, { ...dup, target: 'x:1' }] }) }),
    );
    expect(summary.services.c2s.findings.filter((f) => f.code === 'dns.no-dnssec')).toHaveLength(1);
  });

  it('summarises an unreachable service with grade null', () => {
    const summary = summarize(
      report({ s2s: service('s2s', { targets: [unreachableTarget({ port: 5269 })] }) }),
    );
    expect(summary.services.s2s.grade).toBeNull();
    expect(summary.services.s2s.findings.map((f) => f.code)).toContain('service.unreachable');
  });
});
