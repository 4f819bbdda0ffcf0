// Bundles the real entry points, so the xmpp.js build fixes are exercised on every test run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleExtension } from './bundle.ts';
import { emptyXmppDnsPlugin } from './xmpp-shims.ts';

const root = resolve(import.meta.dirname, '../../..');

describe('bundleExtension', () => {
  let outdir: string;
  let result: BundleResult;
  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'hoplight-bundle-'));
    result = await bundleExtension({ root, outdir, minify: true });
  });
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('writes the three scripts and reports their sizes', () => {
    expect(Object.keys(result.sizes).sort()).toEqual(['background.js', 'options.js', 'popup.js']);
    for (const bytes of Object.values(result.sizes)) expect(bytes).toBeGreaterThan(1000);
  });

  it('puts the xmpp.js packages in the background only, and Preact in the pages only', () => {
    // The check cycle's client is wired from xmpp.js packages, without @xmpp/client and its resolver.
    expect(result.packagesByEntry.background).toContain('@xmpp/client-core');
    expect(result.packagesByEntry.background).toContain('@xmpp/websocket');
    expect(result.packagesByEntry.background).not.toContain('@xmpp/resolve');
    expect(result.packagesByEntry.background).not.toContain('preact');
    for (const page of ['popup', 'options'] as const) {
      expect(result.packagesByEntry[page]).toContain('preact');
      expect(result.packagesByEntry[page].filter((p) => p.startsWith('@xmpp/'))).toEqual([]);
    }
  });

  it('leaves no Node-only globals or modules in the background', async () => {
    const code = await readFile(join(outdir, 'background.js'), 'utf8');
    expect(code).not.toMatch(/\bprocess\.env\b/);
    expect(code).not.toMatch(/require\(["']node:/);
    expect(code).toContain('urn:ietf:params:xml:ns:xmpp-framing');
  });
});

describe('emptyXmppDnsPlugin', () => {
  const bundleResolve = (plugins: (typeof emptyXmppDnsPlugin)[]) =>
    build({
      absWorkingDir: root,
      stdin: { contents: 'import resolve from "@xmpp/resolve"; console.log(resolve);', resolveDir: root },
      bundle: true,
      write: false,
      platform: 'browser',
      logLevel: 'silent',
      plugins,
    });

  it('is what makes @xmpp/resolve bundle for the browser', async () => {
    await expect(bundleResolve([])).rejects.toThrow(/node:dns/);
    const result = await bundleResolve([emptyXmppDnsPlugin]);
    expect(result.outputFiles[0]?.text).not.toContain('node:dns');
  });
});
