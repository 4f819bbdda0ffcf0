// A verdict is one light with the sentence that explains it; a hop is the worst of its verdicts.
import { compareLights, type Light, worst } from '../lights.ts';

export interface Verdict {
  light: Light;
  reason: string;
  /**
   * The verdict claims that messages cannot get through (bounce or cannot be delivered). An observed
   * working link overrules such a claim; nothing else does.
   */
  bounce?: boolean;
}

export function verdict(light: Light, reason: string, bounce = false): Verdict {
  return bounce ? { light, reason, bounce } : { light, reason };
}

export interface Judgement {
  light: Light;
  /** Worst first, without duplicates; never empty. */
  reasons: string[];
  /** Messages on this hop bounce or cannot be delivered (a red that is about delivery, not protection). */
  undeliverable: boolean;
}

/** The hop's light and its reasons worst first, without duplicates; `greenReason` when nothing is wrong. */
export function judge(verdicts: readonly Verdict[], greenReason: () => string): Judgement {
  const sorted = [...verdicts].sort((a, b) => compareLights(a.light, b.light));
  const reasons = [...new Set(sorted.map((v) => v.reason))];
  return {
    light: worst(sorted.map((v) => v.light)),
    reasons: reasons.length > 0 ? reasons : [greenReason()],
    undeliverable: sorted.some((v) => v.bounce === true && v.light === 'red'),
  };
}
