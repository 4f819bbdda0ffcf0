// ClientHello builder and parser. Written by hand over raw bytes: no library offers SSLv3 to TLS 1.3
// ClientHellos with arbitrary suite and group lists, which elimination probing needs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { TlsVersion } from '../../../core/report.ts';
import { ByteReader, readExtensions, uint, vec } from './byte-reader.ts';
import {
  ContentType,
  ExtensionType,
  HandshakeType,
  RENEGOTIATION_SCSV,
  SIGNATURE_SCHEMES,
  VERSION_CODES,
} from './protocol.ts';

export type ProbeVersion = Exclude<TlsVersion, 'SSLv2'>;

export interface ClientHelloSpec {
  version: ProbeVersion;
  /** Cipher suite codes in the order offered. */
  suites: readonly number[];
  /** Sent as SNI unless it is an IP literal. */
  serverName: string;
  /** supported_groups, in the order offered. */
  groups: readonly number[];
  /**
   * TLS 1.3: send an x25519 key share when x25519 is among `groups` (the default), or no share at all, which
   * makes a server that accepts one of `groups` answer with a HelloRetryRequest naming it.
   */
  keyShare?: 'x25519' | 'none';
  /** Offer DEFLATE before null compression. */
  compression?: boolean;
  /** ALPN protocol names (XEP-0368 direct TLS: `xmpp-client`/`xmpp-server`, as real clients send). */
  alpn?: readonly string[];
}

const X25519 = 29;
const PADDING_EXTENSION = 21;

function extension(type: number, body: Uint8Array): Buffer {
  return Buffer.concat([uint(type, 2), vec(2, body)]);
}

function u16List(values: readonly number[]): Buffer {
  return Buffer.concat(values.map((v) => uint(v, 2)));
}

function x25519PublicKey(): Buffer {
  const { publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function extensionsFor(spec: ClientHelloSpec): Buffer[] {
  const exts: Buffer[] = [];
  const name = spec.serverName.replace(/\.$/, '');
  if (name && !isIP(name)) {
    const host = Buffer.from(name, 'ascii');
    exts.push(extension(ExtensionType.serverName, vec(2, uint(0, 1), vec(2, host))));
  }
  if (spec.groups.length > 0) {
    exts.push(extension(ExtensionType.supportedGroups, vec(2, u16List(spec.groups))));
    exts.push(extension(ExtensionType.ecPointFormats, vec(1, uint(0, 1))));
  }
  if (spec.version === 'TLSv1.2' || spec.version === 'TLSv1.3') {
    exts.push(extension(ExtensionType.signatureAlgorithms, vec(2, u16List(SIGNATURE_SCHEMES))));
  }
  if (spec.alpn && spec.alpn.length > 0) {
    const names = spec.alpn.map((n) => vec(1, Buffer.from(n, 'ascii')));
    exts.push(extension(ExtensionType.alpn, vec(2, Buffer.concat(names))));
  }
  exts.push(extension(ExtensionType.renegotiationInfo, vec(1)));
  exts.push(extension(ExtensionType.extendedMasterSecret, Buffer.alloc(0)));
  if (spec.version === 'TLSv1.3') {
    exts.push(extension(ExtensionType.supportedVersions, vec(1, uint(VERSION_CODES['TLSv1.3'], 2))));
    exts.push(extension(ExtensionType.pskKeyExchangeModes, vec(1, uint(1, 1))));
    const share =
      (spec.keyShare ?? 'x25519') === 'x25519' && spec.groups.includes(X25519)
        ? Buffer.concat([uint(X25519, 2), vec(2, x25519PublicKey())])
        : Buffer.alloc(0);
    exts.push(extension(ExtensionType.keyShare, vec(2, share)));
  }
  return exts;
}

/** The whole ClientHello record, ready to write. */
export function buildClientHello(spec: ClientHelloSpec): Buffer {
  if (spec.suites.length === 0) throw new RangeError('a ClientHello needs at least one cipher suite');
  const sslv3 = spec.version === 'SSLv3';
  const legacyVersion = spec.version === 'TLSv1.3' ? VERSION_CODES['TLSv1.2'] : VERSION_CODES[spec.version];
  // SSLv3 servers predate extensions: signal secure renegotiation with the SCSV instead.
  const suites = sslv3 ? [...spec.suites, RENEGOTIATION_SCSV] : spec.suites;
  const sessionId = spec.version === 'TLSv1.3' ? randomBytes(32) : Buffer.alloc(0);
  const head = Buffer.concat([
    uint(legacyVersion, 2),
    randomBytes(32),
    vec(1, sessionId),
    vec(2, u16List(suites)),
    vec(1, Buffer.from(spec.compression ? [1, 0] : [0])),
  ]);
  let exts = sslv3 ? [] : extensionsFor(spec);
  // Some middleboxes hang on ClientHellos of 256 to 511 bytes; pad past them as RFC 7685 suggests.
  const size = 4 + head.length + 2 + exts.reduce((n, e) => n + e.length, 0);
  if (!sslv3 && size >= 256 && size < 512) {
    exts = [...exts, extension(PADDING_EXTENSION, Buffer.alloc(Math.max(1, 512 - size - 4)))];
  }
  const body = sslv3 ? head : Buffer.concat([head, vec(2, ...exts)]);
  const handshake = Buffer.concat([uint(HandshakeType.clientHello, 1), vec(3, body)]);
  return Buffer.concat([
    uint(ContentType.handshake, 1),
    uint(sslv3 ? VERSION_CODES.SSLv3 : VERSION_CODES['TLSv1.0'], 2),
    vec(2, handshake),
  ]);
}

export interface ParsedClientHello {
  legacyVersion: number;
  suites: number[];
  compressionMethods: number[];
  extensions: Map<number, Uint8Array>;
  serverName: string | null;
  /** From supported_versions, or null when absent. */
  supportedVersions: number[] | null;
  groups: number[];
  /** Groups of the key shares sent (TLS 1.3). */
  keyShareGroups: number[];
  /** ALPN protocol names offered, in order. */
  alpn: string[];
}

function u16s(r: ByteReader, field: string): number[] {
  const out: number[] = [];
  while (r.remaining > 0) out.push(r.u16(field));
  return out;
}

/** Parses a ClientHello handshake body (after the 4-byte handshake header). */
export function parseClientHello(body: Uint8Array): ParsedClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const legacyVersion = r.u16('legacy_version');
  r.bytes(32, 'random');
  r.vector(1, 'session_id');
  const suites = u16s(r.sub(2, 'cipher_suites'), 'cipher suite');
  const compressionMethods = [...r.vector(1, 'compression_methods')];
  const extensions = readExtensions(r, 'ClientHello');
  let serverName: string | null = null;
  const sni = extensions.get(ExtensionType.serverName);
  if (sni) {
    const list = new ByteReader(sni, 'server_name').sub(2, 'server_name_list');
    if (list.u8('name_type') === 0) serverName = Buffer.from(list.vector(2, 'host_name')).toString('ascii');
  }
  const sv = extensions.get(ExtensionType.supportedVersions);
  const supportedVersions = sv
    ? u16s(new ByteReader(sv, 'supported_versions').sub(1, 'versions'), 'version')
    : null;
  const sg = extensions.get(ExtensionType.supportedGroups);
  const groups = sg ? u16s(new ByteReader(sg, 'supported_groups').sub(2, 'named_group_list'), 'group') : [];
  const keyShareGroups: number[] = [];
  const ks = extensions.get(ExtensionType.keyShare);
  if (ks) {
    const shares = new ByteReader(ks, 'key_share').sub(2, 'client_shares');
    while (shares.remaining > 0) {
      keyShareGroups.push(shares.u16('group'));
      shares.vector(2, 'key_exchange');
    }
  }
  const alpn: string[] = [];
  const al = extensions.get(ExtensionType.alpn);
  if (al) {
    const names = new ByteReader(al, 'application_layer_protocol_negotiation').sub(2, 'protocol_name_list');
    while (names.remaining > 0) alpn.push(Buffer.from(names.vector(1, 'protocol_name')).toString('ascii'));
  }
  return {
    legacyVersion,
    suites,
    compressionMethods,
    extensions,
    serverName,
    supportedVersions,
    groups,
    keyShareGroups,
    alpn,
  };
}
