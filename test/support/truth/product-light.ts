// The light the product shows for a contact, computed through the product's own code path: the
// scanner's reports as the CLI makes them with `--lab`, summarised as the API serves them, then the
// path model. Only the s2s hop is compared with the truth; the whole path is printed beside it.

import { reasonText } from '../../../src/core/english.ts';
import { errorText } from '../../../src/core/error-text.ts';
import { summarize } from '../../../src/core/grade-report.ts';
import type { S2sObservation, SoftwareVersion } from '../../../src/core/observation.ts';
import { computePath, type Light } from '../../../src/core/path.ts';
import type { DomainSummary } from '../../../src/core/summary.ts';

export interface ProductInput {
  userDomain: string;
  contactDomain: string;
  user: DomainSummary | null;
  contact: DomainSummary | null;
  /** What the user's own server said when asked to reach the contact's domain, where known. */
  observation?: S2sObservation | null;
  /** What the user's own server says it runs (XEP-0092), where asked. */
  userSoftware?: SoftwareVersion | null;
  now?: Date;
}

export interface ProductLight {
  /** The s2s hop's light; null when the product shows no s2s hop. */
  s2s: Light | null;
  /** The whole path's light (c2s hops included). */
  path: Light;
  /** The s2s hop's reasons (or the path's, without an s2s hop). */
  reasons: string[];
}

export function productLight(input: ProductInput): ProductLight {
  const result = computePath({
    userDomain: input.userDomain,
    contactDomain: input.contactDomain,
    user: input.user,
    contact: input.contact,
    transportSecure: true,
    sameDomain: input.userDomain === input.contactDomain,
    omemo: null,
    observation: input.observation ?? null,
    userSoftware: input.userSoftware ?? null,
    now: input.now,
  });
  const s2s = result.hops.find((h) => h.name === 's2s') ?? null;
  const reasons = (s2s?.reasons ?? result.reasons).map(reasonText);
  return {
    s2s: s2s?.light ?? null,
    path: result.light,
    reasons: reasons.map((r) => (r.detail ? `${r.says} (${r.detail})` : r.says)),
  };
}

export interface ScannedSummary {
  summary: DomainSummary | null;
  /** Why there is no summary (the scan threw). */
  error: string | null;
}

/** Scans one domain as `hoplight-observatory scan DOMAIN --lab` does and summarises the report. */
export async function labSummary(domain: string): Promise<ScannedSummary> {
  const [{ buildScanOptions }, { scanDomain }] = await Promise.all([
    import('../../../src/observatory/commands/scan.ts'),
    import('../../../src/observatory/scan/scan-domain.ts'),
  ]);
  try {
    const report = await scanDomain(domain, await buildScanOptions({ lab: true }));
    return { summary: summarize(report), error: null };
  } catch (err) {
    return { summary: null, error: errorText(err) };
  }
}
