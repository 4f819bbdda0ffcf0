import { describe, expect, it } from 'vitest';
import {
  deriveKeys,
  parseServerFirst,
  ScramClient,
  ScramError,
  saslName,
  saslPrep,
  verifyServerFinal,
} from './scram.ts';

// RFC 5802 §5: user "user", password "pencil".
const CLIENT_NONCE = 'fyko+d2lbbFgONRv9qkxdawL';
const CLIENT_FIRST = 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL';
const SERVER_FIRST = 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096';
const CLIENT_FINAL = 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=';
const SERVER_FINAL = 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=';

describe('SCRAM-SHA-1 against the RFC 5802 test vector', () => {
  it('produces the RFC client messages from the password and accepts the server signature', async () => {
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { password: 'pencil' }, CLIENT_NONCE);
    expect(scram.first()).toBe(CLIENT_FIRST);
    expect(await scram.final(SERVER_FIRST)).toBe(CLIENT_FINAL);
    const keys = scram.verify(SERVER_FINAL);
    expect(keys).toMatchObject({ mechanism: 'SCRAM-SHA-1', salt: 'QSXCR+Q6sek8bf92', iterations: 4096 });
  });

  it('logs in from stored keys alone, with the same proof', async () => {
    const keys = await deriveKeys('SCRAM-SHA-1', 'pencil', 'QSXCR+Q6sek8bf92', 4096);
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { keys }, CLIENT_NONCE);
    scram.first();
    expect(await scram.final(SERVER_FIRST)).toBe(CLIENT_FINAL);
    expect(scram.verify(SERVER_FINAL)).toEqual(keys);
  });

  it('refuses stored keys when the server changed salt or iterations', async () => {
    const keys = await deriveKeys('SCRAM-SHA-1', 'pencil', 'QSXCR+Q6sek8bf92', 4096);
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { keys }, CLIENT_NONCE);
    scram.first();
    await expect(scram.final(SERVER_FIRST.replace('i=4096', 'i=8192'))).rejects.toMatchObject({
      reason: 'stale-keys',
    });
  });

  it('rejects a wrong server signature (no mutual authentication)', async () => {
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { password: 'pencil' }, CLIENT_NONCE);
    scram.first();
    await scram.final(SERVER_FIRST);
    expect(() => scram.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(/server signature is wrong/);
    expect(() => verifyServerFinal('e=invalid-proof', 'x')).toThrow(/server refused: invalid-proof/);
  });

  it('a different password gives a different proof', async () => {
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { password: 'pencil2' }, CLIENT_NONCE);
    scram.first();
    expect(await scram.final(SERVER_FIRST)).not.toBe(CLIENT_FINAL);
  });
});

// RFC 7677 §3 for SHA-256; the SHA-512 proof and signature were computed with Python's hashlib from
// the same inputs (no RFC gives a SHA-512 vector).
const NONCE_7677 = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST_7677 =
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const WITHOUT_PROOF_7677 = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';

describe.each([
  [
    'SCRAM-SHA-256',
    'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  ],
  [
    'SCRAM-SHA-512',
    'gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==',
    'ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw==',
  ],
] as const)('%s', (mechanism, proof, signature) => {
  it('produces the expected proof from the password and from stored keys, and checks the server', async () => {
    const scram = new ScramClient(mechanism, 'user', { password: 'pencil' }, NONCE_7677);
    expect(scram.first()).toBe(`n,,n=user,r=${NONCE_7677}`);
    expect(await scram.final(SERVER_FIRST_7677)).toBe(`${WITHOUT_PROOF_7677},p=${proof}`);
    const keys = scram.verify(`v=${signature}`);
    expect(keys).toMatchObject({ mechanism, salt: 'W22ZaJ0SNY7soEsUEjb6gQ==', iterations: 4096 });

    const again = new ScramClient(mechanism, 'user', { keys }, NONCE_7677);
    again.first();
    expect(await again.final(SERVER_FIRST_7677)).toBe(`${WITHOUT_PROOF_7677},p=${proof}`);
    expect(() => again.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=')).toThrow(/server signature/);
  });

  it('never uses keys of one mechanism for another', async () => {
    const keys = await deriveKeys(mechanism, 'pencil', 'W22ZaJ0SNY7soEsUEjb6gQ==', 4096);
    const scram = new ScramClient('SCRAM-SHA-1', 'user', { keys }, NONCE_7677);
    scram.first();
    await expect(scram.final(SERVER_FIRST_7677)).rejects.toMatchObject({ reason: 'wrong-mechanism' });
  });
});

describe('bad server-first messages give clear errors', () => {
  it.each([
    ['r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096', /does not extend the client nonce/],
    [`r=${CLIENT_NONCE},s=QSXCR+Q6sek8bf92,i=4096`, /does not extend/],
    [`r=${CLIENT_NONCE}x,s=QSXCR+Q6sek8bf92`, /lacks r=, s= or i=/],
    [`r=${CLIENT_NONCE}x,s=QSXCR+Q6sek8bf92,i=-1`, /malformed SCRAM attribute|iteration/],
    [`r=${CLIENT_NONCE}x,s=QSXCR+Q6sek8bf92,i=99999999999`, /unusable iteration count/],
    [`r=${CLIENT_NONCE}x,s=***,i=4096`, /not valid base64/],
    [`m=ext,r=${CLIENT_NONCE}x,s=QSXCR+Q6sek8bf92,i=4096`, /extension/],
    ['garbage', /malformed SCRAM attribute/],
    ['', /malformed SCRAM attribute/],
  ])('%s', (message, error) => {
    expect(() => parseServerFirst(message, CLIENT_NONCE)).toThrow(error);
    expect(() => parseServerFirst(message, CLIENT_NONCE)).toThrow(ScramError);
  });

  it('final() before first() is a usage error', async () => {
    await expect(new ScramClient('SCRAM-SHA-1', 'u', { password: 'p' }).final(SERVER_FIRST)).rejects.toThrow(
      /before first/,
    );
  });
});

describe('names and SASLprep', () => {
  it('escapes = and , in user names', () => {
    expect(saslName('a=b,c')).toBe('a=3Db=2Cc');
  });
  it('maps non-ASCII spaces and soft hyphens, then NFKC', () => {
    expect(saslPrep('I\u00ADX')).toBe('IX');
    expect(saslPrep('a\u00A0b')).toBe('a b');
    expect(saslPrep('\u2168')).toBe('IX');
  });
});
