// `hoplight-observatory path` as an operator runs it: two lab domains scanned, the path printed as text
// and as the versioned JSON, and the inputs it must refuse clearly.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATH_REPORT_VERSION, type PathReport } from '../../src/core/path-report.ts';

const BIN = resolve(import.meta.dirname, '../../bin/hoplight-observatory.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('hoplight-observatory path', () => {
  it('prints the versioned JSON path between good.test and weak.test', async () => {
    const { code, stdout, stderr } = await cli(['path', 'good.test', 'weak.test', '--lab', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as PathReport;
    expect(report.pathReportVersion).toBe(PATH_REPORT_VERSION);
    expect([report.from.domain, report.to.domain]).toEqual(['good.test', 'weak.test']);
    expect(report.from.scannedAt).not.toBeNull();
    const s2s = report.hops.find((h) => h.name === 's2s');
    // weak.test accepts TLS 1.0 and anonymous suites, but the link runs TLS 1.3 with dialback.
    expect(s2s?.light).toBe('yellow');
    const words = s2s?.reasons.map((r) => `${r.says} ${r.detail ?? ''}`).join(' ');
    expect(words).toMatch(/only through dialback/);
    expect(words).not.toMatch(/graded F/);
    expect(s2s?.reasons[0]?.todo).toMatch(/^Tell your contact/);
    // weak.test's own clients meet its F grade.
    expect(report.hops.find((h) => h.name === 'c2s-remote')?.light).toBe('red');
  });

  it('prints the path for people, and "cannot be delivered" for a domain without a server', async () => {
    const { code, stdout } = await cli(['path', 'good.test', 'plain.test', '--lab']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Path good\.test → plain\.test: RED/);
    expect(stdout).toContain(
      'good.test insists on encryption but plain.test offers none: messages between them bounce.',
    );
    expect(stdout).toContain('    Detail: plain.test offers no TLS to other servers.');
  });

  it('refuses a wrong number of domains, a malformed one and unknown options', async () => {
    for (const args of [
      ['path', 'good.test'],
      ['path', 'good.test', 'bad..name'],
      ['path', 'a.test', 'b.test', '--nope'],
    ]) {
      const { code, stderr } = await cli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^path: /);
    }
  });

  it('refuses private targets unless the lab options allow them', async () => {
    const { code, stderr } = await cli(['path', 'good.test', 'weak.test', '--resolver', '127.0.2.6']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/not a public address/);
  });
});
