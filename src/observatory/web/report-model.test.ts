import { describe, expect, it } from 'vitest';
import { gradeReport } from '../../core/grade-report.ts';
import { cert, dane, leaf, report, SUITES, service, target, tls } from '../../core/testing/fixtures.ts';
import { reportModel, suiteRow, tlsaMatch } from './report-model.ts';

describe('report model', () => {
  it('breaks a target score into its parts and lists the caps with their reasons', () => {
    const weak = target({
      tls: tls({ 'TLSv1.0': [SUITES.rsa3des], 'TLSv1.2': [SUITES.ecdheAes128Gcm] }),
    });
    const model = reportModel(gradeReport(report({ c2s: service('c2s', { targets: [weak] }) })));
    const c2s = model.services[0];
    const score = c2s?.targets[0]?.score;
    expect(score?.parts).toEqual({ protocol: 95, keyExchange: 100, cipher: 50 });
    expect(score?.score).toBe(78.5);
    expect(score?.caps.map((c) => c.limit)).toEqual(['B', 'A-', 'C', 'B']);
    expect(score?.caps[2]?.reason).toContain('64-bit block ciphers');
  });

  it('rates each suite and keeps the server order', () => {
    expect(suiteRow(SUITES.ecdheAes128Gcm, 1)).toMatchObject({
      code: '0xC02F',
      strength: 'strong',
      weakness: null,
    });
    expect(suiteRow(SUITES.rsa3des, 2)).toMatchObject({
      order: 2,
      strength: 'weak',
      weakness: '64-bit block, 112-bit key, no forward secrecy, CBC',
    });
    expect(suiteRow(SUITES.anonEcdh, 3)).toMatchObject({ strength: 'insecure', weakness: 'anonymous, CBC' });
  });

  it('says which certificate a SHA-256 TLSA record names, and leaves the others to the scan', () => {
    const chain = [
      leaf(),
      leaf({ subject: 'CN=CA', sha256Fingerprint: 'cc'.repeat(32), spkiSha256: 'dd'.repeat(32) }),
    ];
    expect(tlsaMatch({ usage: 3, selector: 1, matchingType: 1, data: 'BB'.repeat(32) }, chain)).toBe(
      'matches the presented certificate',
    );
    expect(tlsaMatch({ usage: 2, selector: 0, matchingType: 1, data: 'cc'.repeat(32) }, chain)).toBe(
      'matches CA #2 of the chain',
    );
    expect(tlsaMatch({ usage: 3, selector: 0, matchingType: 1, data: 'ee'.repeat(32) }, chain)).toBe(
      'matches not the presented certificate',
    );
    expect(tlsaMatch({ usage: 3, selector: 1, matchingType: 2, data: 'ff' }, chain)).toMatch(/scan time/);
  });

  it('shows the s2s authentication policy and fields it does not know as they are', () => {
    const probed = target({ port: 5269, dane: dane() });
    probed.stream = probed.stream && { ...probed.stream, refusesUnauthenticated: true };
    const withExtra = { ...probed, eku: ['serverAuth'] };
    const model = reportModel(
      gradeReport(report({ s2s: service('s2s', { targets: [withExtra], posh: null }) })),
    );
    const s2s = model.services[1];
    expect(s2s?.authPolicy).toBe('refuses peers it cannot authenticate');
    expect(s2s?.targets[0]?.otherFacts).toEqual([['eku', '[\n  "serverAuth"\n]']]);
    expect(s2s?.targets[0]?.chain[0]).toMatchObject({
      position: 'leaf',
      key: 'EC 256 bits',
      dnsIds: ['good.test'],
    });
  });

  it('names no ML-KEM group where none was recorded, and the hybrids where one was', () => {
    const t = target({
      tls: tls({ 'TLSv1.3': [SUITES.tls13Aes128] }, { groups: ['X25519MLKEM768', 'x25519'] }),
      certificate: cert(),
    });
    const model = reportModel(gradeReport(report({ c2s: service('c2s', { targets: [t] }) })));
    expect(model.services[0]?.targets[0]?.tls?.mlkemGroups).toEqual(['X25519MLKEM768']);
  });

  it('shows each address of a target, a demanded client certificate and the resolver check', () => {
    const addresses = ['192.0.2.1', '2001:db8::1'];
    const stream = target().stream;
    if (stream === null) throw new Error('the fixture target has a stream');
    const v6 = target({
      addresses,
      address: '2001:db8::1',
      stream: { ...stream, demandsClientCertificate: true },
    });
    const graded = gradeReport(
      report({ c2s: service('c2s', { targets: [target({ addresses, address: '192.0.2.1' }), v6] }) }),
    );
    const model = reportModel({
      ...graded,
      resolver: { resolver: '192.0.2.53:53', probeName: '.', validates: false, error: null },
    });
    const targets = model.services[0]?.targets ?? [];
    expect(targets.map((t) => [t.label, t.address])).toEqual([
      ['good.test:5222 [192.0.2.1]', '192.0.2.1'],
      ['good.test:5222 [2001:db8::1]', '2001:db8::1'],
    ]);
    expect(targets[1]?.stream?.demandsClientCertificate).toBe(true);
    expect(targets.flatMap((t) => t.otherFacts)).toEqual([]);
    expect(model.resolver).toContain('192.0.2.53:53 does not validate DNSSEC');
  });

  it('reads a report stored by the v1 scanner (no address, no resolver check)', () => {
    const v1 = gradeReport(report({ c2s: service('c2s', { targets: [target()] }) })) as unknown as Record<
      string,
      unknown
    >;
    const stored = structuredClone(v1) as {
      reportVersion: number;
      services: { c2s: { targets: Record<string, unknown>[] } };
    };
    stored.reportVersion = 1;
    for (const t of stored.services.c2s.targets) delete t.address;
    const model = reportModel(stored as unknown as Parameters<typeof reportModel>[0]);
    expect(model.resolver).toBeNull();
    expect(model.services[0]?.targets[0]).toMatchObject({ label: 'good.test:5222', address: '127.0.2.2' });
  });
});
