// Building a path from the leaf to a trust anchor out of what the server sent (in any order, with
// or without the root) and verifying each signature: Node's TLS stack cannot do this for us since
// the probe must accept every certificate to see it, and it has no API to verify a chain later.
import type { X509Certificate } from 'node:crypto';

export interface ChainVerdict {
  trusted: boolean;
  trustError: string | null;
  /** The leaf is self-issued and signed by its own key. */
  selfSigned: boolean;
  /** Leaf first, ending in the anchor when trusted. */
  path: X509Certificate[];
}

const MAX_DEPTH = 8;

function describe(x: X509Certificate): string {
  return x.subject.split('\n').join(', ') || '(empty subject)';
}

// Name chaining plus the signature; not X509Certificate.checkIssued, which also demands keyCertSign
// and so hides self-signed leaves and non-CA issuers that we want to name in the error.
function namedIssuer(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.issuer === issuer.subject;
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return namedIssuer(child, issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function isSelfSigned(x: X509Certificate): boolean {
  return signedBy(x, x);
}

function within(x: X509Certificate, now: Date): boolean {
  return x.validFromDate <= now && now <= x.validToDate;
}

export function verifyChain(
  presented: X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date,
): ChainVerdict {
  const leaf = presented[0];
  if (!leaf)
    return { trusted: false, trustError: 'the server presented no certificate', selfSigned: false, path: [] };
  const selfSigned = isSelfSigned(leaf);
  const anchorFingerprints = new Set(anchors.map((a) => a.fingerprint256));
  const pool = presented.slice(1);
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  let problem: string | null = null;

  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    // A presented certificate that is itself an anchor ends the path (pinned leaf or sent root).
    if (anchorFingerprints.has(current.fingerprint256))
      return { trusted: true, trustError: null, selfSigned, path };
    const anchor = anchors.find((a) => signedBy(current, a));
    if (anchor) {
      path.push(anchor);
      return { trusted: true, trustError: null, selfSigned, path };
    }
    const next = pool.find((c) => !path.includes(c) && signedBy(current, c));
    if (!next) break;
    if (!next.ca) {
      problem = `${describe(next)} signed ${describe(current)} but is not a CA certificate`;
      break;
    }
    if (!within(next, now)) {
      problem = `the intermediate certificate ${describe(next)} is outside its validity period`;
      break;
    }
    path.push(next);
    current = next;
  }

  if (!problem) {
    if (selfSigned && path.length === 1) problem = 'the certificate is self-signed';
    else if (isSelfSigned(current))
      problem = `the chain ends in ${describe(current)}, a root that is not trusted`;
    else if (path.length >= MAX_DEPTH) problem = `the chain is longer than ${MAX_DEPTH} certificates`;
    else {
      const sameName = [...pool, ...anchors].some((c) => namedIssuer(current, c));
      problem = sameName
        ? `the signature of ${describe(current)} does not verify with its issuer's key`
        : `unknown issuer ${current.issuer.split('\n').join(', ')} (missing intermediate or untrusted CA)`;
    }
  }
  return { trusted: false, trustError: problem, selfSigned, path };
}
