// esbuild fixes that let @xmpp/client run in an extension's worker and pages (LAB-NOTES, @xmpp/client 0.14).
import type { Plugin } from 'esbuild';

/**
 * `@xmpp/resolve` imports `./lib/dns.js`, which imports `node:dns`. Its package.json maps `./lib/dns` to
 * false for browsers, but the import spells `.js`, so bundlers miss it; we replace it with an empty module.
 */
export const emptyXmppDnsPlugin: Plugin = {
  name: 'hoplight-empty-xmpp-dns',
  setup(build) {
    build.onResolve({ filter: /^\.\/lib\/dns(\.js)?$/ }, (args) => {
      if (!/[\\/]@xmpp[\\/]resolve[\\/]/.test(args.importer)) return undefined;
      return { path: 'xmpp-resolve-dns', namespace: 'hoplight-empty' };
    });
    build.onLoad({ filter: /.*/, namespace: 'hoplight-empty' }, () => ({
      contents: 'export default {};',
      loader: 'js',
    }));
  },
};

/** xmpp.js debug helpers read `process.env` unguarded; a worker has no `process`. */
export const processEnvDefine: Record<string, string> = {
  'process.env': '{}',
  'process.env.NODE_ENV': '"production"',
};
