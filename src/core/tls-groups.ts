// What the rubric needs to know about a key-exchange group from its name alone (names as the prober
// and OpenSSL print them): its size and whether it is a post-quantum hybrid. Pure.

/** ML-KEM and its hybrids (draft-ietf-tls-ecdhe-mlkem, draft-connolly-tls-mlkem-key-agreement), and Kyber drafts. */
export function isPostQuantumGroup(name: string): boolean {
  return /mlkem|kyber/i.test(name);
}

/**
 * The classical size in bits of an elliptic-curve group (secp192r1 → 192, sect163k1 → 163,
 * brainpoolP256r1 → 256, x25519 → 255, x448 → 448); null for finite-field, post-quantum and unknown
 * groups, which the rubric judges otherwise.
 */
export function ellipticGroupBits(name: string): number | null {
  if (isPostQuantumGroup(name)) return null;
  const lower = name.toLowerCase();
  if (lower === 'x25519') return 255;
  if (lower === 'x448') return 448;
  const sized = /^(?:secp|sect|brainpoolp|prime)(\d+)/.exec(lower);
  return sized?.[1] === undefined ? null : Number(sized[1]);
}
