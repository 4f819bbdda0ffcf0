// The lab's test PKI, made with the openssl command: one CA, and per domain a key and a
// certificate of the kind the topology asks for. Made once and reused while still valid.
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DomainSpec } from './topology.ts';

const run = promisify(execFile);

/** OIDs of RFC 4985 SRVName and RFC 6120 XmppAddr. */
export const ID_ON_DNSSRV = '1.3.6.1.5.5.7.8.7';
export const ID_ON_XMPPADDR = '1.3.6.1.5.5.7.8.5';

/** Certificates are remade when they would expire within this many ms. */
const RENEW_MARGIN_MS = 30 * 24 * 3600 * 1000;
const VALID_DAYS = 825;

export interface DomainPki {
  certFile: string;
  keyFile: string;
  /** Lab-CA certificate for the domain's HTTPS (POSH) server; only for domains that publish POSH. */
  web: { certFile: string; keyFile: string } | null;
}

export interface Pki {
  dir: string;
  caFile: string;
  caKeyFile: string;
  domains: Record<string, DomainPki>;
}

/**
 * subjectAltName value for an XMPP server: DNS-ID and both SRV-IDs for `name`. No XmppAddr: ejabberd
 * 23.01 crashes verifying an s2s peer certificate that carries one (LAB-NOTES), and every lab domain
 * may be an ejabberd peer.
 */
export function xmppSubjectAltName(name: string): string {
  return [
    `DNS:${name}`,
    `otherName:${ID_ON_DNSSRV};IA5STRING:_xmpp-client.${name}`,
    `otherName:${ID_ON_DNSSRV};IA5STRING:_xmpp-server.${name}`,
  ].join(',');
}

/** The name a domain's certificate is issued for. */
export function certificateName(spec: DomainSpec): string {
  return spec.certificate === 'wrong-name' ? (spec.certificateName ?? `not-${spec.domain}`) : spec.domain;
}

/** openssl `ca` dates: YYYYMMDDHHMMSSZ. */
export function opensslDate(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function caConfig(dir: string): string {
  return `[ca]
default_ca = lab_ca
[lab_ca]
dir = ${dir}
database = ${dir}/ca-index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/ca-serial
certificate = ${dir}/ca.crt
private_key = ${dir}/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
`;
}

function leafExtensions(subjectAltName: string): string {
  return `[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = ${subjectAltName}
`;
}

function keyArgs(keyType: DomainSpec['keyType']): string[] {
  if (keyType === 'rsa') return ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const curve = keyType === 'ec-p384' ? 'P-384' : 'P-256';
  return ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`];
}

/** A domain's DH parameters (Prosody `dhparam`), beside its certificate; only when it asks for a size. */
export function dhparamFile(certFile: string, spec: DomainSpec): string | null {
  return spec.dhBits === undefined ? null : certFile.replace(/\.crt$/, '.dh.pem');
}

/** Days an `expiring-soon` certificate is valid for when made: inside rubric v2's 14-day warning. */
const EXPIRING_SOON_DAYS = 7;

/** What the PKI on disk was made from; a change of topology remakes it. */
function manifestOf(domains: readonly DomainSpec[]): string {
  const parts = domains
    .filter((d) => d.certificate !== 'none')
    .map((d) =>
      [d.domain, d.certificate, certificateName(d), d.keyType, d.posh ? 'web' : '', d.dhBits ?? ''].join(':'),
    );
  // Bumped when the certificates' content changes (v2: no XmppAddr), so an old PKI is remade.
  parts.unshift('v2');
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function stillValid(
  certFile: string,
  expect: 'expired' | 'expiring-soon' | 'valid' | boolean,
  now: number,
): boolean {
  if (!existsSync(certFile)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const notAfter = Date.parse(cert.validTo);
    const day = 24 * 3600 * 1000;
    // An expiring-soon certificate is remade once it has less than a day left.
    if (expect === 'expiring-soon') return notAfter - day > now && notAfter < now + 14 * day;
    return expect === true || expect === 'expired' ? notAfter < now : notAfter - RENEW_MARGIN_MS > now;
  } catch {
    return false;
  }
}

function pkiPaths(dir: string, domains: readonly DomainSpec[]): Pki {
  const out: Pki = { dir, caFile: join(dir, 'ca.crt'), caKeyFile: join(dir, 'ca.key'), domains: {} };
  for (const d of domains) {
    if (d.certificate === 'none') continue;
    out.domains[d.domain] = {
      certFile: join(dir, `${d.domain}.crt`),
      keyFile: join(dir, `${d.domain}.key`),
      web: d.posh
        ? { certFile: join(dir, `${d.domain}.web.crt`), keyFile: join(dir, `${d.domain}.web.key`) }
        : null,
    };
  }
  return out;
}

/** True when the PKI under `dir` was made for `domains` and nothing in it expires soon. */
export function pkiIsReusable(dir: string, domains: readonly DomainSpec[], now = Date.now()): boolean {
  const manifestFile = join(dir, 'manifest');
  if (!existsSync(manifestFile) || readFileSync(manifestFile, 'utf8') !== manifestOf(domains)) return false;
  const paths = pkiPaths(dir, domains);
  if (!stillValid(paths.caFile, false, now)) return false;
  return domains.every((d) => {
    const p = paths.domains[d.domain];
    if (!p) return true;
    const web = !p.web || (existsSync(p.web.keyFile) && stillValid(p.web.certFile, false, now));
    const expect = d.certificate === 'expired' || d.certificate === 'expiring-soon' ? d.certificate : 'valid';
    const dh = dhparamFile(p.certFile, d);
    return web && existsSync(p.keyFile) && stillValid(p.certFile, expect, now) && (!dh || existsSync(dh));
  });
}

interface LeafRequest {
  /** File stem under the PKI folder, e.g. `good.test` or `posh.test.web`. */
  stem: string;
  files: { certFile: string; keyFile: string };
  name: string;
  subjectAltName: string;
  keyType: DomainSpec['keyType'];
  issuer: 'self' | 'ca';
  expired: boolean;
  /** Ends `EXPIRING_SOON_DAYS` after it is made. */
  expiringSoon?: boolean;
}

async function makeLeaf(pki: Pki, req: LeafRequest, now: Date): Promise<void> {
  await run('openssl', ['genpkey', ...keyArgs(req.keyType), '-out', req.files.keyFile]);
  const extFile = join(pki.dir, `${req.stem}.ext`);
  writeFileSync(extFile, leafExtensions(req.subjectAltName));
  if (req.issuer === 'self') {
    await run('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      req.files.keyFile,
      '-subj',
      `/CN=${req.name}`,
      '-days',
      String(VALID_DAYS),
      '-config',
      extFile,
      '-extensions',
      'leaf',
      '-out',
      req.files.certFile,
    ]);
    return;
  }
  const csr = join(pki.dir, `${req.stem}.csr`);
  await run('openssl', ['req', '-new', '-key', req.files.keyFile, '-subj', `/CN=${req.name}`, '-out', csr]);
  // `openssl x509 -days` cannot go negative in OpenSSL 3.0; `openssl ca` takes explicit dates.
  const day = 24 * 3600 * 1000;
  const [start, end] = req.expired
    ? [new Date(now.getTime() - 400 * day), new Date(now.getTime() - 35 * day)]
    : [
        new Date(now.getTime() - day),
        new Date(now.getTime() + (req.expiringSoon ? EXPIRING_SOON_DAYS : VALID_DAYS) * day),
      ];
  await run('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    join(pki.dir, 'ca.cnf'),
    '-in',
    csr,
    '-out',
    req.files.certFile,
    '-startdate',
    opensslDate(start),
    '-enddate',
    opensslDate(end),
    '-extfile',
    extFile,
    '-extensions',
    'leaf',
  ]);
}

/** The domain's XMPP certificate, and for a POSH domain its HTTPS certificate (lab CA, DNS-ID only). */
async function makeDomainCertificates(pki: Pki, spec: DomainSpec, now: Date): Promise<void> {
  const p = pki.domains[spec.domain]!;
  const name = certificateName(spec);
  await makeLeaf(
    pki,
    {
      stem: spec.domain,
      files: p,
      name,
      subjectAltName: xmppSubjectAltName(name),
      keyType: spec.keyType,
      issuer: spec.certificate === 'self-signed' ? 'self' : 'ca',
      expired: spec.certificate === 'expired',
      expiringSoon: spec.certificate === 'expiring-soon',
    },
    now,
  );
  if (spec.certificate === 'sha1-intermediate') await reissueUnderSha1Intermediate(pki, spec.domain, p);
  const dh = dhparamFile(p.certFile, spec);
  if (dh) await run('openssl', ['dhparam', '-out', dh, String(spec.dhBits)]);
  if (p.web) {
    await makeLeaf(
      pki,
      {
        stem: `${spec.domain}.web`,
        files: p.web,
        name: spec.domain,
        subjectAltName: `DNS:${spec.domain}`,
        keyType: 'ec',
        issuer: 'ca',
        expired: false,
      },
      now,
    );
  }
}

/**
 * Replaces the domain's CA-signed certificate by one from an intermediate that the lab CA signs with
 * SHA-1 (OpenSSL 3 still makes one when asked); the certificate file then holds leaf and intermediate.
 */
async function reissueUnderSha1Intermediate(
  pki: Pki,
  domain: string,
  files: { certFile: string; keyFile: string },
): Promise<void> {
  const base = join(pki.dir, `${domain}.intermediate`);
  const ext = `${base}.ext`;
  writeFileSync(
    ext,
    `[inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
`,
  );
  await run('openssl', ['genpkey', ...keyArgs('ec'), '-out', `${base}.key`]);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    `${base}.key`,
    '-subj',
    '/CN=Hoplight Lab SHA-1 Intermediate',
    '-out',
    `${base}.csr`,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    pki.caFile,
    '-CAkey',
    pki.caKeyFile,
    '-CAcreateserial',
    '-sha1',
    '-days',
    String(VALID_DAYS),
    '-extfile',
    ext,
    '-extensions',
    'inter',
    '-out',
    `${base}.crt`,
  ]);
  const csr = join(pki.dir, `${domain}.csr`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    `${base}.crt`,
    '-CAkey',
    `${base}.key`,
    '-CAcreateserial',
    '-sha256',
    '-days',
    String(VALID_DAYS),
    '-extfile',
    join(pki.dir, `${domain}.ext`),
    '-extensions',
    'leaf',
    '-out',
    files.certFile,
  ]);
  writeFileSync(files.certFile, readFileSync(files.certFile, 'utf8') + readFileSync(`${base}.crt`, 'utf8'));
}

/** Makes (or reuses) the lab PKI under `dir`. Returns the paths of every file. */
export async function ensurePki(
  dir: string,
  domains: readonly DomainSpec[],
): Promise<Pki & { reused: boolean }> {
  const pki = pkiPaths(dir, domains);
  if (pkiIsReusable(dir, domains)) return { ...pki, reused: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'issued'), { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), caConfig(dir));
  writeFileSync(join(dir, 'ca-index.txt'), '');
  writeFileSync(
    join(dir, 'ca-serial'),
    `${createHash('sha256').update(String(Date.now())).digest('hex').slice(0, 16)}\n`,
  );
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    pki.caKeyFile,
    '-out',
    pki.caFile,
    '-days',
    '3650',
    '-subj',
    '/CN=Hoplight Lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const now = new Date();
  // Sequential: `openssl ca` keeps one index file and serial.
  for (const d of domains) if (d.certificate !== 'none') await makeDomainCertificates(pki, d, now);
  writeFileSync(join(dir, 'manifest'), manifestOf(domains));
  return { ...pki, reused: false };
}
