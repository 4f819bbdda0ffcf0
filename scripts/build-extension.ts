// Builds the browser extension: `node scripts/build-extension.ts [--package] [--dev]`.
// Writes the unpacked extensions dist/chrome/ and dist/firefox/ from the one base manifest.json; with
// --package also dist/hoplight-chrome.zip and dist/hoplight-firefox.zip. --dev skips minification.

import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorText } from '../src/core/error-text.ts';
import { bundleExtension } from '../src/extension/build/bundle.ts';
import { renderIconPng } from '../src/extension/build/icons.ts';
import { BROWSERS, checkBaseManifest, manifestFor } from '../src/extension/build/manifest-variants.ts';
import { zipDirectory } from '../src/extension/build/zip.ts';
import { ICON_SIZES, LIGHTS } from '../src/extension/shared/lights.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { package: { type: 'boolean' }, dev: { type: 'boolean' } } });
  const started = performance.now();

  const base = checkBaseManifest(JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')));
  const staging = join(dist, '.staging');
  await rm(staging, { recursive: true, force: true });

  const bundled = await bundleExtension({ root, outdir: staging, minify: !values.dev });
  for (const warning of bundled.warnings) console.warn(`warning: ${warning}`);
  // The check cycle's XMPP layer is built from xmpp.js packages (not @xmpp/client): both must be there.
  for (const name of ['@xmpp/client-core', '@xmpp/websocket']) {
    if (!bundled.packagesByEntry.background.includes(name)) {
      throw new Error(`The background bundle lost ${name}; the check cycle could not log in.`);
    }
  }
  await writeIcons(join(staging, 'icons'));
  await cp(join(root, 'extension'), staging, { recursive: true });
  await mergePathPhrases(join(staging, '_locales'));

  for (const browser of BROWSERS) {
    const out = join(dist, browser);
    await rm(out, { recursive: true, force: true });
    await cp(staging, out, { recursive: true });
    await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifestFor(browser, base), null, 2)}\n`);
    if (values.package) await zipDirectory(out, join(dist, `hoplight-${browser}.zip`));
  }
  await rm(staging, { recursive: true, force: true });

  const ms = Math.round(performance.now() - started);
  console.log(`built ${BROWSERS.map((b) => `dist/${b}/`).join(' and ')} in ${ms} ms`);
  for (const [file, bytes] of Object.entries(bundled.sizes).filter(([f]) => f.endsWith('.js'))) {
    console.log(`  ${file.padEnd(16)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB`);
  }
  console.log(`  dist/chrome total ${((await folderBytes(join(dist, 'chrome'))) / 1024).toFixed(1)} KiB`);
  if (values.package) {
    for (const browser of BROWSERS) {
      const zip = join(dist, `hoplight-${browser}.zip`);
      console.log(`  ${relative(root, zip)} ${((await stat(zip)).size / 1024).toFixed(1)} KiB`);
    }
  }
}

/**
 * The path's phrases (src/core/phrases/LANG.json) joined into each locale's messages.json, so
 * browser.i18n speaks the reasons; a key both define is an error rather than a silent overwrite.
 */
async function mergePathPhrases(locales: string): Promise<void> {
  const phrases = join(root, 'src', 'core', 'phrases');
  for (const file of await readdir(phrases)) {
    if (!file.endsWith('.json')) continue;
    const lang = file.slice(0, -'.json'.length);
    const target = join(locales, lang, 'messages.json');
    const own = await readFile(target, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>,
      () => ({}) as Record<string, unknown>,
    );
    const path = JSON.parse(await readFile(join(phrases, file), 'utf8')) as Record<string, unknown>;
    const clash = Object.keys(path).filter((key) => Object.hasOwn(own, key));
    if (clash.length > 0) throw new Error(`_locales/${lang}: ${clash.join(', ')} defined twice.`);
    await mkdir(join(locales, lang), { recursive: true });
    await writeFile(target, `${JSON.stringify({ ...own, ...path }, null, 2)}\n`);
  }
}

/** Every light at every size from icons/LIGHT.svg, plus the SVGs themselves for the pages. */
async function writeIcons(outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  for (const light of LIGHTS) {
    const source = join(root, 'icons', `${light}.svg`);
    const svg = await readFile(source, 'utf8');
    await writeFile(join(outdir, `${light}.svg`), svg);
    for (const size of ICON_SIZES) {
      try {
        await writeFile(join(outdir, `${light}-${size}.png`), renderIconPng(svg, size));
      } catch (error) {
        throw new Error(`${relative(root, source)}: ${errorText(error)}`);
      }
    }
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

main().catch((error: unknown) => {
  console.error(`build-extension: ${errorText(error)}`);
  process.exitCode = 1;
});
