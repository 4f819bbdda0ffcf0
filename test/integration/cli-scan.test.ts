// `hoplight-observatory scan` as a user runs it: against the lab, in text and JSON, for a list, and
// with the inputs it must refuse clearly.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainReport, REPORT_VERSION } from '../../src/core/report.ts';
import { RUBRIC_VERSION } from '../../src/core/rubric.ts';
import { labScanOptions } from '../../src/observatory/commands/lab-options.ts';

const BIN = resolve(import.meta.dirname, '../../bin/hoplight-observatory.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoplight-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hoplight-observatory scan', () => {
  it('prints a report for people with grades, offers and fixes', async () => {
    const { code, stdout } = await cli(['scan', 'weak.test', '--lab']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^weak\.test {2}scanned /);
    expect(stdout).toMatch(/Client to server \(c2s\): grade T \(F\)/);
    expect(stdout).toMatch(/Server to server \(s2s\): grade T \(F\)/);
    expect(stdout).toMatch(/TLSv1\.0:/);
    expect(stdout).toMatch(/What to fix:/);
    expect(stdout).toMatch(/fix: .*tlsv1_2\+/);
  });

  it('prints the versioned JSON report with --json', async () => {
    const { code, stdout } = await cli(['scan', 'good.test', '--lab', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DomainReport;
    expect(report).toMatchObject({
      reportVersion: REPORT_VERSION,
      domain: 'good.test',
      rubricVersion: RUBRIC_VERSION,
    });
    expect(report.services.c2s.encryption).toBe('required');
  });

  it('takes resolver and CA as options, and then refuses private addresses unless allowed', async () => {
    const lab = labScanOptions();
    const resolver = `${lab.resolver!.host}:${lab.resolver!.port}`;
    const refused = await cli(['scan', 'good.test', '--resolver', resolver]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /refusing to scan good\.test: .*127\.0\.2\.2 \(loopback\).*--allow-private/,
    );

    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, lab.extraCa[0]!);
    const allowed = await cli([
      'scan',
      'good.test',
      '--resolver',
      resolver,
      '--ca',
      caFile,
      '--allow-private',
      '--json',
    ]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).services.c2s.authentication).toContain('pkix');
  });

  it('refuses malformed domains, IP literals and bad options with a clear message', async () => {
    const ip = await cli(['scan', '192.0.2.1', '--lab']);
    expect(ip.code).toBe(3);
    expect(ip.stderr).toMatch(/"192\.0\.2\.1" is not a domain we can scan: .*IP/i);
    const malformed = await cli(['scan', 'bad..name', '--lab']);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toMatch(/not a domain we can scan/);
    const badTimeout = await cli(['scan', 'good.test', '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toMatch(/--timeout wants a whole number/);
    const unknown = await cli(['scan', 'good.test', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/frobnicate/);
    const missingCa = await cli(['scan', 'good.test', '--ca', join(dir, 'nope.pem')]);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toMatch(/--ca: cannot read/);
  });

  it('scans a list into one report file each, listing the failures without stopping', async () => {
    const list = join(dir, 'domains.txt');
    const out = join(dir, 'reports');
    await writeFile(list, '# lab domains\ngood.test\nplain.test\n\nnot..valid\n');
    const { code, stderr } = await cli(['scan', '--file', list, '--out', out, '--lab']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/2 of 3 scanned/);
    expect(stderr).toMatch(/failed: not\.\.valid: /);
    expect((await readdir(out)).sort()).toEqual(['good.test.json', 'plain.test.json']);
    const plain = JSON.parse(await readFile(join(out, 'plain.test.json'), 'utf8')) as DomainReport;
    expect(plain.services.s2s.grade).toBe('F');
  });
});
