// Debian's testssl.sh as the oracle the scanner is cross-checked against: run it, read its JSON.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TlsVersion } from '../../src/core/report.ts';

const run = promisify(execFile);

export interface TestsslFinding {
  id: string;
  severity: string;
  finding: string;
}

export interface TestsslProtocols {
  versions: TlsVersion[];
  /** Cipher suite codes testssl saw accepted, per version. */
  suites: Partial<Record<TlsVersion, number[]>>;
}

const VERSION_IDS: Record<string, TlsVersion> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  TLS1: 'TLSv1.0',
  TLS1_1: 'TLSv1.1',
  TLS1_2: 'TLSv1.2',
  TLS1_3: 'TLSv1.3',
};
const CIPHER_SECTION: Record<string, TlsVersion> = {
  ssl2: 'SSLv2',
  ssl3: 'SSLv3',
  tls1: 'TLSv1.0',
  tls1_1: 'TLSv1.1',
  tls1_2: 'TLSv1.2',
  tls1_3: 'TLSv1.3',
};

/** Reads testssl's flat JSON (`--jsonfile`) after `-p -E`: offered versions and suites per version. */
export function parseTestsslProtocols(findings: TestsslFinding[]): TestsslProtocols {
  const versions: TlsVersion[] = [];
  const suites: Partial<Record<TlsVersion, number[]>> = {};
  for (const { id, finding } of findings) {
    const version = VERSION_IDS[id];
    if (version && /^offered/.test(finding)) versions.push(version);
    const cipher = /^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$/.exec(id);
    if (cipher) {
      const v = CIPHER_SECTION[cipher[1]!]!;
      const list = suites[v] ?? [];
      list.push(Number.parseInt(cipher[2]!, 16));
      suites[v] = list;
    }
  }
  for (const list of Object.values(suites)) list.sort((a, b) => a - b);
  return { versions, suites };
}

export interface TestsslTarget {
  host: string;
  port: number;
  /** `xmpp` for STARTTLS (c2s and s2s both: testssl 3.0 has no xmpp-server mode). */
  starttls?: 'xmpp';
  /** The XMPP domain for the stream's `to`. */
  xmppHost?: string;
}

/** Runs `testssl -p -E` on one endpoint and returns its findings (a run takes several seconds). */
export async function runTestssl(target: TestsslTarget): Promise<{ findings: TestsslFinding[]; ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoplight-testssl-'));
  const jsonFile = join(dir, 'out.json');
  const args = ['--warnings', 'batch', '--color', '0', '--quiet', '-p', '-E', '--jsonfile', jsonFile];
  if (target.starttls) args.push('--starttls', target.starttls);
  if (target.xmppHost) args.push('--xmpphost', target.xmppHost);
  args.push(`${target.host}:${target.port}`);
  const started = performance.now();
  try {
    await run('testssl', args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    // testssl exits non-zero for some findings; the JSON file is what counts.
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'number') throw err;
  }
  try {
    const findings = JSON.parse(await readFile(jsonFile, 'utf8')) as TestsslFinding[];
    // testssl exits 0 when it gives up (e.g. no STARTTLS offered): an oracle that saw nothing must say so.
    const gaveUp = findings.find((f) => f.id === 'scanTime' && /interrupted/i.test(f.finding));
    const fatal = findings.find((f) => f.severity === 'FATAL');
    if (gaveUp || fatal) {
      throw new Error(`testssl could not scan ${target.host}:${target.port}: ${(fatal ?? gaveUp)!.finding}`);
    }
    return { findings, ms: performance.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
