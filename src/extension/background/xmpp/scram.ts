// Client side of SCRAM (RFC 5802) with SHA-1, SHA-256 (RFC 7677) and SHA-512 (the same construction
// with SHA-512, as ejabberd and Prosody offer it) on WebCrypto, so it runs in a service worker and in Node.
// Written here rather than taken from `sasl-scram-sha-1` (used by @xmpp/sasl-scram-sha-1): that one
// never checks the server signature (no mutual authentication), does not check that the server nonce
// extends ours, and cannot log in from stored keys once the server's salt differs.

/** The SCRAM mechanisms we speak, weakest first. */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

const HASH: Record<ScramMechanism, { name: 'SHA-1' | 'SHA-256' | 'SHA-512'; bits: number }> = {
  'SCRAM-SHA-1': { name: 'SHA-1', bits: 160 },
  'SCRAM-SHA-256': { name: 'SHA-256', bits: 256 },
  'SCRAM-SHA-512': { name: 'SHA-512', bits: 512 },
};

export function isScramMechanism(name: unknown): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly unknown[]).includes(name);
}

/**
 * What "remember me" stores instead of the password: enough to log in, useless to read the password.
 * The keys belong to one mechanism, salt and iteration count; they never log in with another.
 */
export interface ScramKeys {
  mechanism: ScramMechanism;
  /** Base64, as the server sent it. */
  salt: string;
  iterations: number;
  /** Base64 of HMAC(SaltedPassword, "Client Key"). */
  clientKey: string;
  /** Base64 of HMAC(SaltedPassword, "Server Key"). */
  serverKey: string;
}

/** Either a password or keys saved after an earlier SCRAM login. */
export type ScramSecret = { password: string } | { keys: ScramKeys };

export class ScramError extends Error {
  /**
   * `stale-keys`: the server's salt or iteration count differs from the stored keys', so they cannot
   * log in; `wrong-mechanism`: keys of one SCRAM mechanism were offered to another.
   */
  readonly reason:
    | 'malformed'
    | 'bad-nonce'
    | 'server-error'
    | 'bad-signature'
    | 'stale-keys'
    | 'wrong-mechanism';
  constructor(reason: ScramError['reason'], message: string) {
    super(message);
    this.name = 'ScramError';
    this.reason = reason;
  }
}

export interface ServerFirst {
  nonce: string;
  salt: Uint8Array;
  saltBase64: string;
  iterations: number;
}

const encoder = new TextEncoder();
/** RFC 5802 needs at least 4096 in practice; far above 10^7 would stall the worker, so refuse it. */
const MAX_ITERATIONS = 10_000_000;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ScramError('malformed', `not valid base64: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** RFC 5802 §5.1 saslname: `=` and `,` are escaped. */
export function saslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** RFC 3454 table B.1 (all in the BMP). */
const MAPPED_TO_NOTHING = new Set([
  0x00ad, 0x034f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfe00, 0xfe01, 0xfe02,
  0xfe03, 0xfe04, 0xfe05, 0xfe06, 0xfe07, 0xfe08, 0xfe09, 0xfe0a, 0xfe0b, 0xfe0c, 0xfe0d, 0xfe0e, 0xfe0f,
  0xfeff,
]);

/**
 * SASLprep (RFC 4013), approximated by its two steps that change real passwords: non-ASCII spaces
 * become U+0020, "mapped to nothing" characters go, then NFKC. Prohibited-character checks are left
 * to the server.
 */
export function saslPrep(text: string): string {
  return text
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .split('')
    .filter((char) => !MAPPED_TO_NOTHING.has(char.charCodeAt(0)))
    .join('')
    .normalize('NFKC');
}

export function randomNonce(bytes = 18): string {
  const raw = new Uint8Array(bytes);
  crypto.getRandomValues(raw);
  return toBase64(raw).replaceAll('+', '-').replaceAll('/', '_');
}

/** The GS2 header we always send: no channel binding, no authzid. */
export const GS2_HEADER = 'n,,';

export function clientFirstMessageBare(username: string, clientNonce: string): string {
  return `n=${saslName(username)},r=${clientNonce}`;
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1)
      throw new ScramError('malformed', `malformed SCRAM attribute ${JSON.stringify(part.slice(0, 40))}`);
    map.set(part.slice(0, 1), part.slice(2));
  }
  return map;
}

export function parseServerFirst(message: string, clientNonce: string): ServerFirst {
  const attrs = attributes(message);
  if (attrs.has('m'))
    throw new ScramError('malformed', 'server requires a SCRAM extension we do not know (m=)');
  if (attrs.has('e')) throw new ScramError('server-error', `server refused: ${attrs.get('e')}`);
  const nonce = attrs.get('r');
  const saltBase64 = attrs.get('s');
  const iterationText = attrs.get('i');
  if (!nonce || !saltBase64 || !iterationText) {
    throw new ScramError('malformed', 'server-first-message lacks r=, s= or i=');
  }
  if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    throw new ScramError('bad-nonce', 'server nonce does not extend the client nonce');
  }
  const iterations = Number(iterationText);
  if (!/^[0-9]+$/.test(iterationText) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new ScramError('malformed', `unusable iteration count ${JSON.stringify(iterationText)}`);
  }
  const salt = fromBase64(saltBase64);
  if (salt.length === 0) throw new ScramError('malformed', 'empty salt');
  return { nonce, salt, saltBase64, iterations };
}

async function hmac(mechanism: ScramMechanism, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    key as BufferSource,
    { name: 'HMAC', hash: HASH[mechanism].name },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, data as BufferSource));
}

async function digest(mechanism: ScramMechanism, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(HASH[mechanism].name, data as BufferSource));
}

/** Hi() of RFC 5802 is PBKDF2 with the mechanism's HMAC and one block of its output length. */
export async function saltedPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(saslPrep(password)), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: HASH[mechanism].name, salt: salt as BufferSource, iterations },
    key,
    HASH[mechanism].bits,
  );
  return new Uint8Array(bits);
}

export async function deriveKeys(
  mechanism: ScramMechanism,
  password: string,
  saltBase64: string,
  iterations: number,
): Promise<ScramKeys> {
  const salted = await saltedPassword(mechanism, password, fromBase64(saltBase64), iterations);
  return {
    mechanism,
    salt: saltBase64,
    iterations,
    clientKey: toBase64(await hmac(mechanism, salted, encoder.encode('Client Key'))),
    serverKey: toBase64(await hmac(mechanism, salted, encoder.encode('Server Key'))),
  };
}

export interface ClientFinal {
  message: string;
  /** Base64 server signature the server-final-message must carry. */
  expectedServerSignature: string;
  keys: ScramKeys;
}

export async function clientFinalMessage(
  mechanism: ScramMechanism,
  secret: ScramSecret,
  clientFirstBare: string,
  serverFirstMessage: string,
  serverFirst: ServerFirst,
): Promise<ClientFinal> {
  let keys: ScramKeys;
  if ('password' in secret) {
    keys = await deriveKeys(mechanism, secret.password, serverFirst.saltBase64, serverFirst.iterations);
  } else {
    keys = secret.keys;
    if (keys.mechanism !== mechanism) {
      throw new ScramError(
        'wrong-mechanism',
        `the stored keys are for ${keys.mechanism}, not ${mechanism}: they cannot log in with it`,
      );
    }
    if (keys.salt !== serverFirst.saltBase64 || keys.iterations !== serverFirst.iterations) {
      throw new ScramError(
        'stale-keys',
        'the server sent another SCRAM salt or iteration count than the stored keys were made with',
      );
    }
  }
  const clientKey = fromBase64(keys.clientKey);
  const withoutProof = `c=${btoa(GS2_HEADER)},r=${serverFirst.nonce}`;
  const authMessage = encoder.encode(`${clientFirstBare},${serverFirstMessage},${withoutProof}`);
  const clientSignature = await hmac(mechanism, await digest(mechanism, clientKey), authMessage);
  const proof = clientKey.map((byte, i) => byte ^ (clientSignature[i] ?? 0));
  const serverSignature = await hmac(mechanism, fromBase64(keys.serverKey), authMessage);
  return {
    message: `${withoutProof},p=${toBase64(proof)}`,
    expectedServerSignature: toBase64(serverSignature),
    keys,
  };
}

/** Throws unless the server-final-message proves the server knew our keys (mutual authentication). */
export function verifyServerFinal(message: string, expectedServerSignature: string): void {
  const attrs = attributes(message);
  if (attrs.has('e')) throw new ScramError('server-error', `server refused: ${attrs.get('e')}`);
  const signature = attrs.get('v');
  if (!signature) throw new ScramError('malformed', 'server-final-message lacks v=');
  if (signature !== expectedServerSignature) {
    throw new ScramError(
      'bad-signature',
      'the server signature is wrong: the server does not know this account',
    );
  }
}

/** One SCRAM exchange as a small state machine: first(), then final(challenge), then verify(). */
export class ScramClient {
  readonly #mechanism: ScramMechanism;
  readonly #username: string;
  readonly #secret: ScramSecret;
  readonly #nonce: string;
  #bare = '';
  #final: ClientFinal | null = null;

  constructor(
    mechanism: ScramMechanism,
    username: string,
    secret: ScramSecret,
    nonce: string = randomNonce(),
  ) {
    this.#mechanism = mechanism;
    this.#username = username;
    this.#secret = secret;
    this.#nonce = nonce;
  }

  first(): string {
    this.#bare = clientFirstMessageBare(this.#username, this.#nonce);
    return GS2_HEADER + this.#bare;
  }

  async final(serverFirstMessage: string): Promise<string> {
    if (!this.#bare) throw new Error('ScramClient.final() before first()');
    const parsed = parseServerFirst(serverFirstMessage, this.#nonce);
    this.#final = await clientFinalMessage(
      this.#mechanism,
      this.#secret,
      this.#bare,
      serverFirstMessage,
      parsed,
    );
    return this.#final.message;
  }

  /** Returns the keys to store for a later login without the password. */
  verify(serverFinalMessage: string): ScramKeys {
    if (!this.#final)
      throw new ScramError('malformed', 'server reported success before the SCRAM exchange ended');
    verifyServerFinal(serverFinalMessage, this.#final.expectedServerSignature);
    return this.#final.keys;
  }
}
