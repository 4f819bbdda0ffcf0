// Wire constants of the TLS record and handshake layers (RFC 5246, RFC 8446, RFC 6101 for SSLv3).
import type { TlsVersion } from '../../../core/report.ts';

export const ContentType = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateStatus: 22,
} as const;

export const ExtensionType = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: signals secure renegotiation without an extension (SSLv3). */
export const RENEGOTIATION_SCSV = 0x00ff;

/** Largest record fragment a peer may send: 2^14 plus the 2048 bytes of expansion TLS 1.2 allows. */
export const MAX_RECORD_LENGTH = 2 ** 14 + 2048;

/** Wire value of each probed version (TLS 1.3 is carried in supported_versions). */
export const VERSION_CODES: Record<Exclude<TlsVersion, 'SSLv2'>, number> = {
  SSLv3: 0x0300,
  'TLSv1.0': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

export function versionName(code: number): TlsVersion | null {
  for (const [name, value] of Object.entries(VERSION_CODES)) if (value === code) return name as TlsVersion;
  return null;
}

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
export const HRR_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

export interface NamedGroup {
  code: number;
  name: string;
  /** `pq`: ML-KEM alone or in a hybrid with a classical group (TLS 1.3 only). */
  kind: 'ec' | 'ffdhe' | 'pq';
  /** Bytes of a key share for this group, used to build real-sized shares. */
  shareLength: number;
}

// RFC 8422, RFC 7919, RFC 8446 and RFC 7027 group codes, modern first; names as OpenSSL and testssl print them.
export const NAMED_GROUPS: readonly NamedGroup[] = [
  { code: 29, name: 'x25519', kind: 'ec', shareLength: 32 },
  { code: 30, name: 'x448', kind: 'ec', shareLength: 56 },
  { code: 23, name: 'secp256r1', kind: 'ec', shareLength: 65 },
  { code: 24, name: 'secp384r1', kind: 'ec', shareLength: 97 },
  { code: 25, name: 'secp521r1', kind: 'ec', shareLength: 133 },
  { code: 256, name: 'ffdhe2048', kind: 'ffdhe', shareLength: 256 },
  { code: 257, name: 'ffdhe3072', kind: 'ffdhe', shareLength: 384 },
  { code: 258, name: 'ffdhe4096', kind: 'ffdhe', shareLength: 512 },
  { code: 259, name: 'ffdhe6144', kind: 'ffdhe', shareLength: 768 },
  { code: 260, name: 'ffdhe8192', kind: 'ffdhe', shareLength: 1024 },
  { code: 26, name: 'brainpoolP256r1', kind: 'ec', shareLength: 65 },
  { code: 27, name: 'brainpoolP384r1', kind: 'ec', shareLength: 97 },
  { code: 28, name: 'brainpoolP512r1', kind: 'ec', shareLength: 129 },
  { code: 31, name: 'brainpoolP256r1tls13', kind: 'ec', shareLength: 65 },
  { code: 32, name: 'brainpoolP384r1tls13', kind: 'ec', shareLength: 97 },
  { code: 33, name: 'brainpoolP512r1tls13', kind: 'ec', shareLength: 129 },
  ...(
    [
      [1, 'sect163k1', 43],
      [2, 'sect163r1', 43],
      [3, 'sect163r2', 43],
      [4, 'sect193r1', 49],
      [5, 'sect193r2', 49],
      [6, 'sect233k1', 61],
      [7, 'sect233r1', 61],
      [8, 'sect239k1', 61],
      [9, 'sect283k1', 73],
      [10, 'sect283r1', 73],
      [11, 'sect409k1', 105],
      [12, 'sect409r1', 105],
      [13, 'sect571k1', 145],
      [14, 'sect571r1', 145],
      [15, 'secp160k1', 41],
      [16, 'secp160r1', 41],
      [17, 'secp160r2', 41],
      [18, 'secp192k1', 49],
      [19, 'secp192r1', 49],
      [20, 'secp224k1', 57],
      [21, 'secp224r1', 57],
      [22, 'secp256k1', 65],
    ] as const
  ).map(([code, name, shareLength]) => ({ code, name, kind: 'ec' as const, shareLength })),
  // draft-ietf-tls-ecdhe-mlkem and draft-connolly-tls-mlkem-key-agreement (names as OpenSSL 3.5 prints
  // them), and the Kyber draft Chrome shipped first; a share is the ML-KEM key plus the classical one.
  { code: 0x11ec, name: 'X25519MLKEM768', kind: 'pq', shareLength: 1184 + 32 },
  { code: 0x11eb, name: 'SecP256r1MLKEM768', kind: 'pq', shareLength: 65 + 1184 },
  { code: 0x11ed, name: 'SecP384r1MLKEM1024', kind: 'pq', shareLength: 97 + 1568 },
  { code: 0x0200, name: 'MLKEM512', kind: 'pq', shareLength: 800 },
  { code: 0x0201, name: 'MLKEM768', kind: 'pq', shareLength: 1184 },
  { code: 0x0202, name: 'MLKEM1024', kind: 'pq', shareLength: 1568 },
  { code: 0x6399, name: 'X25519Kyber768Draft00', kind: 'pq', shareLength: 32 + 1184 },
];

const GROUPS_BY_CODE = new Map(NAMED_GROUPS.map((g) => [g.code, g]));

export function groupByCode(code: number): NamedGroup | undefined {
  return GROUPS_BY_CODE.get(code);
}

export function groupName(code: number): string {
  return GROUPS_BY_CODE.get(code)?.name ?? `group-0x${code.toString(16).padStart(4, '0')}`;
}

// TLS 1.2/1.3 SignatureScheme codes (RFC 8446 §4.2.3), broad so that no server refuses for want of one.
export const SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501,
  0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202, 0x0101, 0x0102, 0x0103,
];

export const ALERT_DESCRIPTIONS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  47: 'illegal_parameter',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERT_DESCRIPTIONS[description] ?? `alert ${description}`;
}
