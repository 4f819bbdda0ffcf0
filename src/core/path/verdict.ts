// A verdict is one light with the reason that explains it; a hop is the worst of its verdicts.
import { compareLights, type Light, worst } from '../lights.ts';
import { type Reason, reasonKey } from '../reason.ts';

export interface Verdict {
  light: Light;
  reason: Reason;
  /**
   * The verdict claims that messages cannot get through (bounce or cannot be delivered). An observed
   * working link overrules such a claim; nothing else does.
   */
  bounce?: boolean;
}

export function verdict(light: Light, reason: Reason, bounce = false): Verdict {
  return bounce ? { light, reason, bounce } : { light, reason };
}

export interface Judgement {
  light: Light;
  /** Worst first, without duplicates; never empty. */
  reasons: Reason[];
  /** Messages on this hop bounce or cannot be delivered (a red that is about delivery, not protection). */
  undeliverable: boolean;
}

/** The hop's light and its reasons worst first, without duplicates; `greenReason` when nothing is wrong. */
export function judge(verdicts: readonly Verdict[], greenReason: () => Reason): Judgement {
  const sorted = [...verdicts].sort((a, b) => compareLights(a.light, b.light));
  return {
    light: worst(sorted.map((v) => v.light)),
    reasons: sorted.length > 0 ? uniqueReasons(sorted.map((v) => v.reason)) : [greenReason()],
    undeliverable: sorted.some((v) => v.bounce === true && v.light === 'red'),
  };
}

export function uniqueReasons(reasons: readonly Reason[]): Reason[] {
  const seen = new Map<string, Reason>();
  for (const r of reasons) if (!seen.has(reasonKey(r))) seen.set(reasonKey(r), r);
  return [...seen.values()];
}
