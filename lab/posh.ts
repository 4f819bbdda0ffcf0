// POSH (RFC 7711) documents for lab domains: pure text from certificates, and the folder Prosody's
// mod_http_files serves as /.well-known/posh/. Rewritten on every start, so the fingerprints follow
// the certificates whenever the PKI is remade.
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoshKind } from './topology.ts';

/** RFC 7711 §3.2 suggests a week; the scanner only reads it. */
export const POSH_EXPIRES_SECONDS = 604_800;
export const POSH_FILES = ['xmpp-client.json', 'xmpp-server.json'] as const;
/** The URL path the POSH folder is mounted at. */
export const POSH_HTTP_PATH = '/.well-known/posh';

/** Base64 SHA-256 of the certificate's DER encoding, as RFC 7711 publishes it. */
export function poshFingerprint(certPem: string | Buffer): string {
  let der: Buffer;
  try {
    der = new X509Certificate(certPem).raw;
  } catch (err) {
    throw new Error(`lab: cannot read a certificate for POSH: ${(err as Error).message}`);
  }
  return createHash('sha256').update(der).digest('base64');
}

/**
 * The POSH document of a domain: `match` names its own XMPP certificate, `mismatch` names
 * `otherPem` (another real certificate), so the scanner finds a document that vouches for nothing.
 */
export function poshDocument(kind: PoshKind, certPem: string | Buffer, otherPem: string | Buffer): string {
  const fingerprint = poshFingerprint(kind === 'match' ? certPem : otherPem);
  return `${JSON.stringify({ fingerprints: [{ 'sha-256': fingerprint }], expires: POSH_EXPIRES_SECONDS })}\n`;
}

/** Writes both documents into `dir` (emptied first), readable by the Prosody user. */
export function writePoshFolder(dir: string, document: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const file of POSH_FILES) writeFileSync(join(dir, file), document, { mode: 0o644 });
}
