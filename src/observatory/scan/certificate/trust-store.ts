// Trust anchors: Mozilla's root store as shipped in Node (tls.rootCertificates) plus extra PEM CAs.

import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { errorText } from '../../../core/error-text.ts';

let mozilla: X509Certificate[] | null = null;

export function mozillaRoots(): readonly X509Certificate[] {
  mozilla ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return mozilla;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle; throws a clear error when there is none or one is broken. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('extra CA: no PEM certificate found');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new Error(`extra CA: certificate ${i + 1} is not valid PEM/X.509: ${errorText(err)}`);
    }
  });
}

const bundleCache = new Map<string, X509Certificate[]>();

export function trustAnchors(extraCa: readonly string[]): X509Certificate[] {
  const extra = extraCa.flatMap((pem) => {
    let parsed = bundleCache.get(pem);
    if (!parsed) {
      parsed = parsePemBundle(pem);
      bundleCache.set(pem, parsed);
    }
    return parsed;
  });
  return [...extra, ...mozillaRoots()];
}
