import { describe, expect, it } from 'vitest';
import {
  ALL_SUITES,
  describeSuiteName,
  lookupSuite,
  suitesForVersion,
  toCipherSuite,
} from './cipher-suites.ts';

describe('cipher suite registry', () => {
  it('holds the SSLv3 to TLS 1.3 codes testssl knows, each once', () => {
    expect(ALL_SUITES.length).toBe(357);
    expect(new Set(ALL_SUITES.map((s) => s.code)).size).toBe(ALL_SUITES.length);
    expect(ALL_SUITES.every((s) => s.code >= 0 && s.code <= 0xffff)).toBe(true);
  });

  it('knows 3DES as a 64-bit block cipher of 112 effective bits', () => {
    expect(lookupSuite(0x000a)).toMatchObject({
      name: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
      opensslName: 'DES-CBC3-SHA',
      keyExchange: 'RSA',
      authentication: 'RSA',
      cipher: '3DES_EDE_CBC',
      bits: 112,
      smallBlock: true,
      rc4: false,
      forwardSecrecy: false,
      versions: ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2'],
    });
  });

  it('flags RC4, export, anonymous and NULL suites', () => {
    expect(lookupSuite(0x0005)).toMatchObject({ name: 'TLS_RSA_WITH_RC4_128_SHA', rc4: true, bits: 128 });
    expect(lookupSuite(0x0003)).toMatchObject({
      name: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
      export: true,
      bits: 40,
    });
    expect(lookupSuite(0x0018)).toMatchObject({
      name: 'TLS_DH_anon_WITH_RC4_128_MD5',
      anonymous: true,
      rc4: true,
    });
    expect(lookupSuite(0x0000)).toMatchObject({ name: 'TLS_NULL_WITH_NULL_NULL', cipher: 'NULL', bits: 0 });
    expect(lookupSuite(0x0001)).toMatchObject({ name: 'TLS_RSA_WITH_NULL_MD5', cipher: 'NULL', bits: 0 });
    expect(lookupSuite(0x0063)).toMatchObject({
      name: 'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
      export: true,
    });
    expect(lookupSuite(0xc015)).toMatchObject({ keyExchange: 'ECDH', anonymous: true, cipher: 'NULL' });
  });

  it('describes modern AEAD suites with forward secrecy, usable only with TLS 1.2', () => {
    expect(lookupSuite(0xc02f)).toMatchObject({
      name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      keyExchange: 'ECDHE',
      authentication: 'RSA',
      aead: true,
      forwardSecrecy: true,
      bits: 128,
      versions: ['TLSv1.2'],
    });
    expect(lookupSuite(0xcca9)).toMatchObject({ cipher: 'CHACHA20_POLY1305', bits: 256, aead: true });
    expect(lookupSuite(0x003c)).toMatchObject({
      name: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
      versions: ['TLSv1.2'],
    });
    expect(lookupSuite(0xc0ae)).toMatchObject({ cipher: 'AES_128_CCM_8', aead: true });
  });

  it('keeps TLS 1.3 suites to TLS 1.3', () => {
    expect(lookupSuite(0x1301)).toMatchObject({
      name: 'TLS_AES_128_GCM_SHA256',
      keyExchange: 'any',
      authentication: 'any',
      aead: true,
      forwardSecrecy: true,
      versions: ['TLSv1.3'],
    });
    expect(suitesForVersion('TLSv1.3').map((s) => s.code)).toEqual([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
    expect(suitesForVersion('TLSv1.2').some((s) => s.code === 0x1301)).toBe(false);
    expect(suitesForVersion('SSLv3').some((s) => s.aead)).toBe(false);
  });

  it('carries the codes local OpenSSL lacks: GOST, ARIA, CAMELLIA-GCM, FIPS', () => {
    expect(lookupSuite(0x0081)).toMatchObject({
      name: 'TLS_GOSTR341001_WITH_28147_CNT_IMIT',
      keyExchange: 'GOST',
    });
    expect(lookupSuite(0xff85)).toMatchObject({ opensslName: 'GOST2012256-GOST89-GOST89', bits: 256 });
    expect(lookupSuite(0xc04a)).toMatchObject({
      name: 'TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256',
      opensslName: null,
    });
    expect(lookupSuite(0xc07a)).toMatchObject({ cipher: 'CAMELLIA_128_GCM', aead: true });
    expect(lookupSuite(0xfeff)).toMatchObject({
      name: 'SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA',
      smallBlock: true,
    });
  });

  it('returns undefined for unknown codes and strips registry fields for reports', () => {
    expect(lookupSuite(0x00ff)).toBeUndefined();
    expect(lookupSuite(-1)).toBeUndefined();
    const tls13 = lookupSuite(0x1301);
    if (!tls13) throw new Error('TLS_AES_128_GCM_SHA256 is missing from the table');
    const plain = toCipherSuite(tls13);
    expect(Object.keys(plain)).not.toContain('versions');
    expect(Object.keys(plain)).not.toContain('opensslName');
  });

  it('rejects names it cannot parse with a clear error', () => {
    expect(() => describeSuiteName(1, 'TLS_FOO_WITH_AES_128_CBC_SHA', null)).toThrow(
      /unknown key exchange "FOO"/,
    );
    expect(() => describeSuiteName(1, 'TLS_RSA_WITH_BLOWFISH_SHA', null)).toThrow(/unknown bulk cipher/);
  });
});
