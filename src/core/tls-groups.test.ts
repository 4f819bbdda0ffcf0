import { describe, expect, it } from 'vitest';
import { ellipticGroupBits, isPostQuantumGroup } from './tls-groups.ts';

describe('TLS group names', () => {
  it.each([
    ['x25519', 255],
    ['x448', 448],
    ['secp192r1', 192],
    ['secp160k1', 160],
    ['sect163k1', 163],
    ['secp224r1', 224],
    ['secp256r1', 256],
    ['brainpoolP384r1', 384],
    ['brainpoolP256r1tls13', 256],
    ['prime256v1', 256],
  ])('%s is a %d-bit curve', (name, bits) => {
    expect(ellipticGroupBits(name)).toBe(bits);
  });

  it.each(['ffdhe2048', 'X25519MLKEM768', 'MLKEM1024', 'group-0x1234'])('%s has no curve size', (name) => {
    expect(ellipticGroupBits(name)).toBeNull();
  });

  it('tells ML-KEM hybrids from classical groups', () => {
    expect(isPostQuantumGroup('X25519MLKEM768')).toBe(true);
    expect(isPostQuantumGroup('SecP256r1MLKEM768')).toBe(true);
    expect(isPostQuantumGroup('MLKEM512')).toBe(true);
    expect(isPostQuantumGroup('x25519')).toBe(false);
  });
});
