// The packaged extensions: `npm run package` writes store-ready zips, and Mozilla's linter finds no
// error in the Firefox build.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, ROOT } from './build-once.ts';

const run = promisify(execFile);

interface LintMessage {
  code: string;
  message: string;
  file?: string;
}
interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintMessage[];
  warnings: LintMessage[];
}

/** Entry names, read with `zip -sf` (Debian `zip`, which CI installs; `unzip` may be absent). */
async function zipEntries(zip: string): Promise<string[]> {
  const { stdout } = await run('zip', ['-sf', zip]);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim());
}

/** Runs a linter that prints JSON and exits non-zero on errors; returns the parsed report either way. */
async function lintJson(command: string, args: string[]): Promise<LintReport> {
  const { stdout } = await run(command, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return JSON.parse(stdout) as LintReport;
}

function expectNoLintErrors(report: LintReport): void {
  expect(report.errors.map((e) => `${e.code}: ${e.message} (${e.file})`)).toEqual([]);
  expect(report.summary.errors).toBe(0);
  // Known and accepted: Preact's innerHTML support, and a minified pattern the linter's rule cannot parse.
  for (const warning of report.warnings) expect(warning.code).toBe('UNSAFE_VAR_ASSIGNMENT');
}

describe('npm run package', () => {
  let output: string;
  beforeAll(async () => {
    output = await build('--package');
  });

  it('reports the build and what it wrote', () => {
    expect(output).toMatch(/^built dist\/chrome\/ and dist\/firefox\/ in \d+ ms$/m);
    expect(output).toMatch(/background\.js\s+[\d.]+ KiB/);
    expect(output).toMatch(/dist\/hoplight-firefox\.zip [\d.]+ KiB/);
  });

  it.each(['chrome', 'firefox'])(
    'writes dist/hoplight-%s.zip with the extension at its root',
    async (browser) => {
      const zip = join(ROOT, 'dist', `hoplight-${browser}.zip`);
      const entries = await zipEntries(zip);
      for (const file of [
        'manifest.json',
        'background.js',
        'popup.html',
        'popup.js',
        'options.html',
        'options.js',
      ]) {
        expect(entries).toContain(file);
      }
      expect(entries).toContain('_locales/en/messages.json');
      for (const light of ['green', 'yellow', 'red', 'grey']) {
        for (const size of [16, 32, 48, 128]) expect(entries).toContain(`icons/${light}-${size}.png`);
      }
      expect(entries.filter((e) => e.endsWith('.map') || e.includes('.staging'))).toEqual([]);
    },
  );

  it('passes web-ext lint on dist/firefox with no errors', async () => {
    const report = await lintJson(join(ROOT, 'node_modules/.bin/web-ext'), [
      'lint',
      '--source-dir',
      'dist/firefox',
      '--output',
      'json',
      '--no-config-discovery',
    ]);
    expectNoLintErrors(report);
  });

  it("passes Mozilla's add-ons linter on the Firefox zip itself", async () => {
    const report = await lintJson(join(ROOT, 'node_modules/.bin/addons-linter'), [
      '--output',
      'json',
      'dist/hoplight-firefox.zip',
    ]);
    expectNoLintErrors(report);
  });

  it('writes per-browser manifests from the one base manifest', async () => {
    const read = async (browser: string) =>
      JSON.parse(await readFile(join(ROOT, 'dist', browser, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
    const chrome = await read('chrome');
    const firefox = await read('firefox');
    for (const manifest of [chrome, firefox]) {
      expect(manifest.manifest_version).toBe(3);
      expect(manifest.permissions).toEqual(['storage', 'alarms', 'notifications']);
      expect(manifest).not.toHaveProperty('host_permissions');
      expect(manifest).toHaveProperty('action.default_icon.16', 'icons/grey-16.png');
    }
    expect(chrome.background).toEqual({ service_worker: 'background.js' });
    expect(chrome).not.toHaveProperty('browser_specific_settings');
    expect(firefox.background).toEqual({ scripts: ['background.js'] });
    expect(firefox).toHaveProperty('browser_specific_settings.gecko.id', 'hoplight@hoplight.example');
    expect(firefox).toHaveProperty('browser_specific_settings.gecko.data_collection_permissions.required');
  });
});
