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

/** The hop's light and its reasons worst first, without duplicates; `greenReason` when nothing is wrong. */
export function judge(
  verdicts: readonly Verdict[],
  greenReason: () => string,
): { light: Light; reasons: string[] } {
  const sorted = [...verdicts].sort((a, b) => compareLights(a.light, b.light));
  const reasons = [...new Set(sorted.map((v) => v.reason))];
  return {
    light: worst(sorted.map((v) => v.light)),
    reasons: reasons.length > 0 ? reasons : [greenReason()],
  };
}
