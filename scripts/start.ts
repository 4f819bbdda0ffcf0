// `npm start`: build both extensions, then run the observatory (API and pages) on an embedded SQLite
// database under ./data/. Extra arguments go to `serve` (e.g. `npm start -- --port 9000`).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../src/observatory/cli.ts';

const root = resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, [resolve(root, 'scripts/build-extension.ts')], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('start: the extension build failed; see above.');
  process.exit(build.status ?? 1);
}
console.log(
  `Extensions built:\n  Chrome:  ${resolve(root, 'dist/chrome')}  (chrome://extensions → Load unpacked)\n` +
    `  Firefox: ${resolve(root, 'dist/firefox')}  (about:debugging → Load Temporary Add-on → manifest.json)\n`,
);
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
