// The certificate check of one target: parse the presented chain, build and verify a path to a
// trust anchor, and match the service identity of the source domain.
import { errorText } from '../../core/error-text.ts';
import type { CertificateResult, ServiceKind } from '../../core/report.ts';
import { verifyChain } from './certificate/chain.ts';
import { matchIdentity } from './certificate/identity.ts';
import { parseCertificate } from './certificate/parse.ts';
import { trustAnchors } from './certificate/trust-store.ts';

export { dnsNameMatches, matchIdentity, srvIdMatches } from './certificate/identity.ts';
export { type ParsedCertificate, parseCertificate } from './certificate/parse.ts';

export interface CertificateCheckOptions {
  /** Extra trust anchors (PEM, one or more certificates each), besides Mozilla's roots. */
  extraCa: string[];
  now?: Date;
}

export function checkCertificate(
  chain: Uint8Array[],
  domain: string,
  service: ServiceKind,
  opts: CertificateCheckOptions,
): CertificateResult {
  if (chain.length === 0) throw new Error('no certificate to check: the chain is empty');
  const now = opts.now ?? new Date();
  const parsed = chain.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (err) {
      throw new Error(`certificate ${i + 1} of the chain: ${errorText(err)}`);
    }
  });
  const [leaf] = parsed;
  if (leaf === undefined) throw new Error('no certificate to check: the chain is empty');
  const verdict = verifyChain(
    parsed.map((p) => p.x509),
    trustAnchors(opts.extraCa),
    now,
  );
  return {
    chain: parsed.map((p) => p.info),
    trusted: verdict.trusted,
    trustError: verdict.trustError,
    selfSigned: verdict.selfSigned,
    expired: now > leaf.x509.validToDate,
    notYetValid: now < leaf.x509.validFromDate,
    identity: matchIdentity(leaf.info.names, leaf.hasSan, domain, service),
  };
}
