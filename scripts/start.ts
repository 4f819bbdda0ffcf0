// `npm start`: build both extensions, then run the observatory (API and pages) on an embedded SQLite
// database under ./data/. Extra arguments go to `serve` (e.g. `npm start -- --port 9000`).
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVE_V8_FLAGS, serveEnvironment } from '../src/observatory/commands/serve-flags.ts';

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
// `serve` gets its own process so its V8 heap flags apply from the start.
const serve = spawn(
  process.execPath,
  [...SERVE_V8_FLAGS, resolve(root, 'bin/hoplight-observatory.js'), 'serve', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: serveEnvironment(process.env) },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => serve.kill(signal));
serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
