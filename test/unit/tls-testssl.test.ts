// Cross-check with real software: Debian's OpenSSL `s_server` on 127.0.0.1, probed by us and by testssl.sh.
// testssl takes seconds per run, hence the long timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls } from '../../src/observatory/scan/tls/prober.ts';
import { issue } from '../support/pki.ts';
import { parseTestsslProtocols, runTestssl } from '../support/testssl.ts';
import { connectTo } from '../support/tls-responder.ts';

let dir: string;
let server: ChildProcess;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoplight-tls-'));
  const cert = await issue(null, { subject: 'CN=localhost', dnsNames: ['localhost'], key: 'rsa-2048' });
  await writeFile(join(dir, 'cert.pem'), cert.pem);
  await writeFile(join(dir, 'key.pem'), cert.keyPem);
  server = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      '127.0.0.1:0',
      '-cert',
      'cert.pem',
      '-key',
      'key.pem',
      '-cipher',
      'ALL:@SECLEVEL=0',
    ],
    { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`openssl s_server exited (${code}): ${out}`)));
  });
  server.stdout!.resume();
  server.stderr!.resume();
});

afterAll(async () => {
  server?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('probeTls vs testssl on openssl s_server', () => {
  it('finds the same versions, suites and smallest DH group', { timeout: 180_000 }, async () => {
    const started = performance.now();
    const ours = await probeTls((signal) => connectTo(port, signal), {
      serverName: 'localhost',
      timeoutMs: 5000,
    });
    const ourMs = performance.now() - started;
    const { findings, ms } = await runTestssl({ host: '127.0.0.1', port });
    const theirs = parseTestsslProtocols(findings);

    expect(ours.versions).toEqual(theirs.versions);
    for (const { version, suites } of ours.perVersion) {
      expect(
        suites.map((s) => s.code).sort((a, b) => a - b),
        version,
      ).toEqual(theirs.suites[version]);
    }
    const dhSizes = findings.flatMap((f) =>
      /^cipher-/.test(f.id) ? [/\bDH (\d+)/.exec(f.finding)?.[1]] : [],
    );
    const smallestDh = Math.min(...dhSizes.filter((s) => s !== undefined).map(Number));
    expect(ours.dhBits).toBe(smallestDh);
    expect(ours.compression).toBe(false);
    // Figures for the report, not assertions: speed belongs in bench/.
    console.log(
      `probeTls ${ourMs.toFixed(0)} ms, ${ours.handshakes} handshakes; testssl -p -E ${ms.toFixed(0)} ms`,
    );
  });
});
