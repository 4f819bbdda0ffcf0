// Zips a built extension for the stores. Debian's `zip` does it in one call and CI installs it
// (.ci/run); a zip library would add a dependency for the same result.

import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { errorText } from '../../core/error-text.ts';

const run = promisify(execFile);

/** Writes `zipFile` with the contents of `dir` at the archive's root (what both stores and an .xpi want). */
export async function zipDirectory(dir: string, zipFile: string): Promise<void> {
  await rm(zipFile, { force: true });
  try {
    // -X: no extra file attributes, so the same input gives the same archive contents.
    await run('zip', ['-r', '-X', '-q', '-9', zipFile, '.'], { cwd: dir });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error('The "zip" command is missing: apt-get install -y zip');
    throw new Error(`zip failed for ${dir}: ${errorText(error)}`);
  }
}
