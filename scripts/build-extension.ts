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
import {
  LANGUAGES,
  localeProblems,
  mergeCatalogues,
  parseCatalogue,
} from '../src/extension/build/locales.ts';
import { BROWSERS, checkBaseManifest, manifestFor } from '../src/extension/build/manifest-variants.ts';
import { zipDirectory } from '../src/extension/build/zip.ts';
import type { Catalogue } from '../src/extension/shared/i18n-catalogue.ts';
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
  await writeLocales(join(staging, '_locales'));

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

/** `_locales/{lang}/messages.json`: ours merged with the path phrases; refuses a missing key or a clash. */
async function writeLocales(outdir: string): Promise<void> {
  const merged: Record<string, Catalogue> = {};
  for (const lang of LANGUAGES) {
    const oursFile = join(root, 'src/extension/_locales', lang, 'messages.json');
    const ours = parseCatalogue(JSON.parse(await readFile(oursFile, 'utf8')), relative(root, oursFile));
    const phrasesFile = join(root, 'src/core/phrases', `${lang}.json`);
    let phrases: Catalogue | null = null;
    try {
      phrases = parseCatalogue(JSON.parse(await readFile(phrasesFile, 'utf8')), relative(root, phrasesFile));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    merged[lang] = mergeCatalogues(ours, phrases, lang);
  }
  const problems = localeProblems(merged);
  if (problems.length > 0) throw new Error(`the locales disagree:\n  ${problems.join('\n  ')}`);
  for (const [lang, catalogue] of Object.entries(merged)) {
    await mkdir(join(outdir, lang), { recursive: true });
    await writeFile(join(outdir, lang, 'messages.json'), `${JSON.stringify(catalogue, null, 2)}\n`);
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
