// Debian's sslscan 2.0.7 as a second peer of the scanner: run it, read its XML. It puts HOST into the
// XMPP stream's `to`, so HOST must be the XMPP domain, which only the lab's DNS knows: it runs in a
// private mount namespace with a hosts file of ours bound over /etc/hosts (LAB-NOTES), never the real one.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'ltx';
import type { TlsVersion } from '../../src/core/report.ts';
import type { TlsSighting } from './tls-agreement.ts';

const run = promisify(execFile);

export interface SslscanTarget {
  /** The XMPP domain (it becomes the stream's `to` and the SNI). */
  domain: string;
  /** Where the domain resolves to for this run. */
  address: string;
  port: number;
  /** STARTTLS c2s or s2s; null: direct TLS. */
  starttls: 'c2s' | 's2s' | null;
}

/** The arguments for one endpoint: what our scanner checks too (versions, suites, groups, compression, certificate). */
export function sslscanArgs(target: SslscanTarget, xmlFile: string): string[] {
  // Heartbleed, renegotiation and fallback-SCSV checks are left out: ours does not run them either.
  const args = ['--no-colour', '--no-heartbleed', '--no-renegotiation', '--no-fallback', `--xml=${xmlFile}`];
  if (target.starttls !== null) args.push('--starttls-xmpp');
  if (target.starttls === 's2s') args.push('--xmpp-server');
  args.push(`${target.domain}:${target.port}`);
  return args;
}

const VERSIONS: Record<string, TlsVersion> = {
  'ssl 2': 'SSLv2',
  'ssl 3': 'SSLv3',
  'tls 1.0': 'TLSv1.0',
  'tls 1.1': 'TLSv1.1',
  'tls 1.2': 'TLSv1.2',
  'tls 1.3': 'TLSv1.3',
};
const CIPHER_VERSIONS: Record<string, TlsVersion> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  'TLSv1.0': 'TLSv1.0',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

/** Versions and suite codes from sslscan's `--xml` output. */
export function parseSslscanXml(xml: string): TlsSighting {
  const doc = parse(xml);
  const test = doc.getChild('ssltest');
  if (!test) throw new Error('sslscan XML has no <ssltest> (the scan failed)');
  const versions: TlsVersion[] = [];
  for (const p of test.getChildren('protocol')) {
    const v = VERSIONS[`${p.attrs.type} ${p.attrs.version}`];
    if (v && p.attrs.enabled === '1') versions.push(v);
  }
  const suites: Partial<Record<TlsVersion, number[]>> = {};
  for (const c of test.getChildren('cipher')) {
    const v = CIPHER_VERSIONS[c.attrs.sslversion as string];
    if (!v || !/^0x[0-9a-f]+$/i.test(c.attrs.id ?? '')) continue;
    const list = suites[v] ?? [];
    list.push(Number.parseInt(c.attrs.id, 16));
    suites[v] = list;
  }
  return { versions, suites };
}

/** Runs sslscan on one endpoint with `domain` resolving to `address`; root (mount namespace). */
export async function runSslscan(target: SslscanTarget): Promise<{ sighting: TlsSighting; ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoplight-sslscan-'));
  try {
    const hosts = join(dir, 'hosts');
    const xmlFile = join(dir, 'out.xml');
    await writeFile(hosts, `127.0.0.1 localhost\n${target.address} ${target.domain}\n`);
    const script = 'mount --bind "$1" /etc/hosts && shift && exec sslscan "$@"';
    const started = performance.now();
    await run('unshare', ['-m', 'sh', '-c', script, 'sh', hosts, ...sslscanArgs(target, xmlFile)], {
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    return { sighting: parseSslscanXml(await readFile(xmlFile, 'utf8')), ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
