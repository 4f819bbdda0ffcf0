import { describe, expect, it } from 'vitest';
import { gradeReport } from '../core/grade-report.ts';
import {
  cert,
  dane,
  report,
  rsaCert,
  SUITES,
  service,
  target,
  tls,
  unreachableTarget,
} from '../core/testing/fixtures.ts';
import { domainFacts, issuerName, NO_GRADE_RANK, serviceFacts } from './report-facts.ts';

describe('report facts', () => {
  it('counts what a modern, CA-signed domain offers', () => {
    const facts = domainFacts(gradeReport(report()));
    expect(facts.c2s).toMatchObject({
      grade: 'A',
      encryption: 'required',
      availability: 'served',
      tls10: false,
      tls12: true,
      tls13: true,
      keyType: 'EC',
      keyBits: 256,
      issuer: 'Hoplight Lab CA',
      dane: 'none',
      posh: 'none',
      mlkem: false,
    });
  });

  it('tells DANE that matches from DANE that does not, and records without DNSSEC', () => {
    const withDane = (d: ReturnType<typeof dane>) =>
      serviceFacts(
        gradeReport(report({ c2s: service('c2s', { targets: [target({ dane: d })] }) })).services.c2s,
      );
    expect(withDane(dane()).dane).toBe('valid');
    expect(withDane(dane({ matches: false })).dane).toBe('mismatch');
    expect(withDane(dane({ dnssec: false, matches: null })).dane).toBe('unsigned');
  });

  it('records legacy versions, RSA keys, ML-KEM groups, and no grade for an unreachable service', () => {
    const legacy = target({
      tls: tls(
        { 'TLSv1.0': [SUITES.ecdheAes128Cbc], 'TLSv1.2': [SUITES.ecdheAes128Gcm] },
        { groups: ['X25519MLKEM768', 'x25519'] },
      ),
      certificate: rsaCert(2048),
    });
    const graded = gradeReport(
      report({
        c2s: service('c2s', { targets: [legacy] }),
        s2s: service('s2s', { targets: [unreachableTarget({ port: 5269, failure: 'refused' })] }),
      }),
    );
    const facts = domainFacts(graded);
    expect(facts.c2s).toMatchObject({
      tls10: true,
      tls11: false,
      keyType: 'RSA',
      keyBits: 2048,
      mlkem: true,
    });
    expect(facts.s2s).toMatchObject({
      grade: null,
      gradeRank: NO_GRADE_RANK,
      availability: 'none',
      keyType: null,
    });
  });

  it('says nothing about ML-KEM when the scan recorded no groups', () => {
    const t = target({ tls: tls({ 'TLSv1.3': [SUITES.tls13Aes128] }, { groups: [] }), certificate: cert() });
    expect(serviceFacts(service('c2s', { targets: [t] })).mlkem).toBeNull();
  });

  it('names an issuer by its organisation, else its common name', () => {
    expect(issuerName("C=US, O=Let's Encrypt, CN=R11")).toBe("Let's Encrypt");
    expect(issuerName('CN=Hoplight Lab CA')).toBe('Hoplight Lab CA');
    expect(issuerName('weird issuer text')).toBe('weird issuer text');
  });
});
