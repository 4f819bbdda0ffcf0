// The scanner against the lab's real Prosody servers, DNS and DNSSEC-signed zone: each lab domain
// gets the grade and findings its configuration deserves.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport, Grade, ServiceReport } from '../../src/core/report.ts';
import { labScanOptions } from '../../src/observatory/commands/lab-options.ts';
import { ScanRefusedError, scanDomain } from '../../src/observatory/scan/scan-domain.ts';

const DOMAINS = [
  'good.test',
  'weak.test',
  'plain.test',
  'other.test',
  'dane.sec.test',
  'badtlsa.sec.test',
  'wrongname.test',
  'expired.test',
  'posh.test',
  'badposh.test',
] as const;
const A_RANGE: Grade[] = ['A+', 'A', 'A-'];

const reports = new Map<string, DomainReport>();

beforeAll(async () => {
  const options = labScanOptions();
  const results = await Promise.all(DOMAINS.map((d) => scanDomain(d, options)));
  for (const report of results) reports.set(report.domain, report);
});

function services(domain: string): ServiceReport[] {
  const report = reports.get(domain)!;
  return [report.services.c2s, report.services.s2s];
}

function codes(service: ServiceReport): string[] {
  return service.findings.map((f) => f.code);
}

describe('scanning the lab', () => {
  it('grades good.test in the A range with encryption required, TLS 1.2+ only, PKIX-authenticated', () => {
    const report = reports.get('good.test')!;
    for (const service of services('good.test')) {
      expect(A_RANGE, `${service.service} grade`).toContain(service.grade);
      expect(service.encryption).toBe('required');
      expect(service.tlsVersions).toEqual(['TLSv1.2', 'TLSv1.3']);
      expect(service.authentication).toContain('pkix');
      expect(service.targets.every((t) => t.status === 'ok')).toBe(true);
    }
    // SRV plus XEP-0368 direct TLS targets for both services.
    expect(report.services.c2s.targets.map((t) => [t.port, t.directTls])).toEqual(
      expect.arrayContaining([
        [5222, false],
        [5223, true],
      ]),
    );
    expect(report.services.s2s.targets.some((t) => t.directTls && t.port === 5270)).toBe(true);
    expect(
      report.services.s2s.dialback || report.services.s2s.saslMechanisms.afterTls.includes('EXTERNAL'),
    ).toBe(true);
    expect(report.services.c2s.saslMechanisms.beforeTls).toEqual([]);
    expect(report.services.c2s.saslMechanisms.afterTls).toContain('SCRAM-SHA-1');
  });

  it('grades weak.test T with findings for TLS 1.0, anonymous suites, self-signed certificate, optional s2s encryption', () => {
    const { c2s, s2s } = reports.get('weak.test')!.services;
    for (const service of [c2s, s2s]) {
      expect(service.grade).toBe('T');
      expect(service.tlsVersions).toContain('TLSv1.0');
      expect(codes(service)).toEqual(
        expect.arrayContaining(['tls.protocol.tls10', 'tls.cipher.anonymous', 'cert.untrusted']),
      );
      expect(service.targets[0]!.certificate!.selfSigned).toBe(true);
    }
    expect(s2s.encryption).toBe('optional');
    expect(codes(s2s)).toContain('policy.encryption-optional');
    // Anonymous suites cap the letter at F even if the certificate were trusted.
    expect(s2s.gradeIfTrusted).toBe('F');
  });

  it('grades plain.test F with encryption none and flags PLAIN without TLS', () => {
    for (const service of services('plain.test')) {
      expect(service.grade).toBe('F');
      expect(service.encryption).toBe('none');
      expect(service.tlsVersions).toEqual([]);
      expect(codes(service)).toContain('policy.no-tls');
      // No SRV: the RFC 6120 fallback to the domain itself on the standard port.
      expect(service.targets.map((t) => [t.source, t.port])).toEqual([
        ['fallback', service.service === 'c2s' ? 5222 : 5269],
      ]);
    }
    expect(reports.get('plain.test')!.services.c2s.saslMechanisms.beforeTls).toContain('PLAIN');
  });

  it('grades other.test in the A range', () => {
    for (const service of services('other.test')) {
      expect(A_RANGE).toContain(service.grade);
      expect(service.encryption).toBe('required');
    }
  });

  it('accepts DANE for dane.sec.test: a self-signed certificate authenticated by a DNSSEC-validated TLSA', () => {
    for (const service of services('dane.sec.test')) {
      // TLS 1.3, only forward-secret AEAD suites, encryption required and DANE valid: A+.
      expect(service.grade).toBe('A+');
      expect(service.authentication).toContain('dane');
      expect(service.authentication).not.toContain('pkix');
      const target = service.targets[0]!;
      expect(target.dnssec).toBe(true);
      expect(target.dane).toMatchObject({ dnssec: true, matches: true });
      expect(target.certificate!.selfSigned).toBe(true);
    }
  });

  it('flags the TLSA mismatch of badtlsa.sec.test and grades it T', () => {
    for (const service of services('badtlsa.sec.test')) {
      expect(service.grade).toBe('T');
      expect(service.targets[0]!.dane).toMatchObject({ dnssec: true, matches: false });
      expect(codes(service)).toContain('dane.mismatch');
    }
  });

  it('grades the wrong-name and expired certificates T, with the letter they would have had', () => {
    for (const service of services('wrongname.test')) {
      expect(service.grade).toBe('T');
      expect(A_RANGE).toContain(service.gradeIfTrusted);
      expect(codes(service)).toContain('cert.name-mismatch');
      expect(service.targets[0]!.certificate!.trusted).toBe(true);
    }
    for (const service of services('expired.test')) {
      expect(service.grade).toBe('T');
      expect(A_RANGE).toContain(service.gradeIfTrusted);
      expect(codes(service)).toContain('cert.expired');
    }
  });

  it('accepts POSH for posh.test: a self-signed certificate vouched for by the HTTPS-published fingerprint', () => {
    for (const service of services('posh.test')) {
      // TLS 1.3, only forward-secret AEAD suites, encryption required and POSH valid: A+.
      expect(service.grade, `${service.service} grade`).toBe('A+');
      expect(service.authentication).toEqual(['posh']);
      expect(service.encryption).toBe('required');
      expect(service.posh).toMatchObject({
        url: `https://posh.test/.well-known/posh/xmpp-${service.service === 'c2s' ? 'client' : 'server'}.json`,
        found: true,
        matches: true,
        error: null,
      });
      const certificate = service.targets[0]!.certificate!;
      expect(certificate.selfSigned).toBe(true);
      expect(certificate.trusted).toBe(false);
      // PKIX fails, but POSH rescues it: the finding stays, with low severity instead of high.
      const untrusted = service.findings.find((f) => f.code === 'cert.untrusted');
      expect(untrusted?.severity).toBe('low');
      expect(codes(service)).not.toContain('posh.mismatch');
    }
  });

  it('grades badposh.test T: its POSH document names another certificate', () => {
    for (const service of services('badposh.test')) {
      expect(service.grade).toBe('T');
      expect(A_RANGE).toContain(service.gradeIfTrusted);
      expect(service.authentication).toEqual([]);
      expect(service.posh).toMatchObject({ found: true, matches: false, error: null });
      expect(service.posh!.fingerprints).toHaveLength(1);
      expect(codes(service)).toContain('posh.mismatch');
      expect(service.findings.find((f) => f.code === 'cert.untrusted')?.severity).toBe('high');
    }
  });

  it('finds no POSH document where none is published', () => {
    const posh = reports.get('good.test')!.services.s2s.posh!;
    expect(posh.found).toBe(false);
    expect(posh.matches).toBeNull();
    expect(posh.error).toMatch(/^cannot fetch https:\/\/good\.test\/\.well-known\/posh\/xmpp-server\.json: /);
  });

  it('writes versioned JSON that survives a round trip', () => {
    const report = reports.get('good.test')!;
    expect(report.reportVersion).toBe(2);
    expect(report.rubricVersion).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('refusing non-public targets', () => {
  it('refuses a lab domain without --allow-private, naming the address', async () => {
    const options = { ...labScanOptions(), allowPrivate: false };
    await expect(scanDomain('good.test', options)).rejects.toThrow(ScanRefusedError);
    await expect(scanDomain('good.test', options)).rejects.toThrow(/127\.0\.2\.2 \(loopback\)/);
  });

  it('refuses malformed domains and IP literals before any lookup', async () => {
    const options = labScanOptions();
    await expect(scanDomain('127.0.0.1', options)).rejects.toThrow(ScanRefusedError);
    await expect(scanDomain('no_such..domain', options)).rejects.toThrow(ScanRefusedError);
  });

  it('reports an unknown domain as unreachable targets rather than failing', async () => {
    const report = await scanDomain('nosuchdomain.test', labScanOptions());
    for (const service of [report.services.c2s, report.services.s2s]) {
      expect(service.grade).toBeNull();
      expect(service.targets.every((t) => t.status === 'error')).toBe(true);
    }
  });
});
