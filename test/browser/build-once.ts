// Browser tests run against dist/: `npm test` builds it before vitest; a lone run builds it if missing.
import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export async function ensureBuilt(): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  try {
    await access(join(ROOT, 'dist/chrome/manifest.json'));
    await access(join(ROOT, 'dist/firefox/manifest.json'));
  } catch {
    await build();
  }
}

/** Runs the real build script (`npm run build`, or with `--package`). */
export async function build(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/build-extension.ts', ...args], {
    cwd: ROOT,
  });
  return stdout;
}
