// Parsers for the server's first flight: ServerHello / HelloRetryRequest, Certificate, ServerKeyExchange.
import { ByteReader, readExtensions, TlsParseError } from './byte-reader.ts';
import { ExtensionType, HRR_RANDOM } from './protocol.ts';

export interface ServerHello {
  /** The version field of the message itself (0x0303 for TLS 1.3). */
  legacyVersion: number;
  /** Negotiated version: supported_versions when present, else legacyVersion. */
  version: number;
  suite: number;
  compressionMethod: number;
  sessionId: Uint8Array;
  extensions: Map<number, Uint8Array>;
  helloRetryRequest: boolean;
  /** TLS 1.3: the key share group (ServerHello) or the selected group (HelloRetryRequest). */
  keyShareGroup: number | null;
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vector(1, 'session_id');
  if (sessionId.length > 32)
    throw new TlsParseError(`ServerHello: session_id of ${sessionId.length} bytes (max 32)`);
  const suite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = readExtensions(r, 'ServerHello');
  const helloRetryRequest = Buffer.from(random).equals(HRR_RANDOM);
  let version = legacyVersion;
  const sv = extensions.get(ExtensionType.supportedVersions);
  if (sv) {
    const vr = new ByteReader(sv, 'ServerHello supported_versions');
    version = vr.u16('selected_version');
    vr.expectEnd('selected_version');
  }
  let keyShareGroup: number | null = null;
  const ks = extensions.get(ExtensionType.keyShare);
  if (ks) {
    const kr = new ByteReader(ks, 'ServerHello key_share');
    keyShareGroup = kr.u16('group');
    if (!helloRetryRequest) kr.vector(2, 'key_exchange');
    kr.expectEnd('key_share');
  }
  return {
    legacyVersion,
    version,
    suite,
    compressionMethod,
    sessionId,
    extensions,
    helloRetryRequest,
    keyShareGroup,
  };
}

/** DER certificates of a TLS ≤1.2 Certificate message, leaf first. */
export function parseCertificate(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body, 'Certificate');
  const list = r.sub(3, 'certificate_list');
  r.expectEnd('certificate_list');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) out.push(list.vector(3, 'certificate'));
  return out;
}

export type KeyExchangeParams =
  | { kind: 'dh'; primeBits: number }
  | { kind: 'ecdh'; group: number }
  | { kind: 'ecdh-explicit' };

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** Reads the parameters (not the signature) of a DHE or ECDHE ServerKeyExchange. */
export function parseServerKeyExchange(body: Uint8Array, kind: 'dh' | 'ecdh'): KeyExchangeParams {
  const r = new ByteReader(body, 'ServerKeyExchange');
  if (kind === 'dh') {
    const p = r.vector(2, 'dh_p');
    r.vector(2, 'dh_g');
    r.vector(2, 'dh_Ys');
    const primeBits = bitLength(p);
    if (primeBits === 0) throw new TlsParseError('ServerKeyExchange: empty DH prime');
    return { kind: 'dh', primeBits };
  }
  const curveType = r.u8('curve_type');
  if (curveType === 3) {
    const group = r.u16('named_curve');
    r.vector(1, 'public');
    return { kind: 'ecdh', group };
  }
  if (curveType === 1 || curveType === 2) return { kind: 'ecdh-explicit' };
  throw new TlsParseError(`ServerKeyExchange: unknown curve_type ${curveType}`);
}
