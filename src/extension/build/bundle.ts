// Bundles the extension's three entry points (background, popup, options) with esbuild, once for both
// browsers: the same JavaScript runs in Chrome and Firefox, only the manifests differ.
import { join, relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { emptyXmppDnsPlugin, processEnvDefine } from './xmpp-shims.ts';

export const ENTRY_POINTS = {
  background: 'src/extension/background/index.ts',
  popup: 'src/extension/popup/index.tsx',
  options: 'src/extension/options/index.tsx',
} as const;
export type EntryName = keyof typeof ENTRY_POINTS;

export interface BundleResult {
  /** Bytes of each output file, keyed by its name relative to `outdir` (e.g. `background.js`). */
  sizes: Record<string, number>;
  /** Package names (`@xmpp/client`, `preact`, …) that ended up in each entry's bundle. */
  packagesByEntry: Record<EntryName, string[]>;
  warnings: string[];
}

export interface BundleOptions {
  root: string;
  /** Relative to `root` or absolute. */
  outdir: string;
  minify: boolean;
}

export async function bundleExtension({ root, outdir, minify }: BundleOptions): Promise<BundleResult> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRY_POINTS).map(([name, file]) => [name, join(root, file)]),
    ),
    outdir,
    bundle: true,
    // Classic scripts: Chrome's service worker and Firefox's background.scripts both load them as they are.
    format: 'iife',
    platform: 'browser',
    target: ['chrome121', 'firefox140'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: minify ? false : 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
    define: processEnvDefine,
    plugins: [emptyXmppDnsPlugin],
  });
  return {
    sizes: outputSizes(result.metafile, resolve(root, outdir), root),
    packagesByEntry: packagesByEntry(result.metafile),
    warnings: result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`),
  };
}

function outputSizes(metafile: Metafile, outdir: string, root: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    sizes[relative(outdir, resolve(root, file))] = output.bytes;
  }
  return sizes;
}

/** Which npm packages each entry pulled in, read from the metafile's input paths. */
export function packagesByEntry(metafile: Metafile): Record<EntryName, string[]> {
  const found = { background: [], popup: [], options: [] } as Record<EntryName, string[]>;
  for (const output of Object.values(metafile.outputs)) {
    const entry = Object.entries(ENTRY_POINTS).find(([, file]) => output.entryPoint?.endsWith(file))?.[0] as
      | EntryName
      | undefined;
    if (!entry) continue;
    const names = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match?.[1]) names.add(match[1]);
    }
    found[entry] = [...names].sort();
  }
  return found;
}
