// What the user's own server said when asked to reach the contact's domain, in plain words, and how
// it overrides the scans: observation decides whether messages get through now; the scans decide how
// well a working link is protected (DESIGN §1). Pure.
import type { S2sObservation, S2sOutcome } from '../observation.ts';
import { type Phrase, phrase } from '../phrase.ts';
import { reason } from '../reason.ts';
import { type Verdict, verdict } from './verdict.ts';

/** What the user's server's failure means, and who can act on it. */
const FAILURE: Partial<Record<S2sOutcome, { says: string; todo: (them: string, you: string) => Phrase }>> = {
  'no-such-domain': {
    says: 'path_seen_no_such_domain',
    todo: (them) => phrase('path_todo_check_address', them),
  },
  unreachable: { says: 'path_seen_unreachable', todo: (them) => phrase('path_todo_try_later', them) },
  'refused-encryption': {
    says: 'path_seen_refused_encryption',
    todo: (them, you) => phrase('path_todo_ask_your_operator_link', you, them),
  },
  'refused-certificate': {
    says: 'path_seen_refused_certificate',
    todo: (them, you) => phrase('path_todo_ask_your_operator_link', you, them),
  },
  'refused-policy': {
    says: 'path_seen_refused_policy',
    todo: (them, you) => phrase('path_todo_ask_your_operator_link', you, them),
  },
  failed: { says: 'path_seen_failed', todo: (them) => phrase('path_todo_try_later', them) },
};

export type ObservedLink =
  | { kind: 'none' }
  | { kind: 'works' }
  | { kind: 'fails'; verdict: Verdict }
  /** The user's server would not say (not allowed, or no answer in time): the scans decide. */
  | { kind: 'unknown' };

export function observedLink(
  them: string,
  you: string,
  observation: S2sObservation | null | undefined,
): ObservedLink {
  if (!observation) return { kind: 'none' };
  if (observation.outcome === 'ok') return { kind: 'works' };
  const failure = FAILURE[observation.outcome];
  if (failure) {
    const detail = observation.text ? phrase('path_detail_server_said', clip(observation.text)) : undefined;
    const why = reason(phrase(failure.says, them), { todo: failure.todo(them, you), detail, about: them });
    return { kind: 'fails', verdict: verdict('red', why, true) };
  }
  return { kind: 'unknown' };
}

/**
 * The hop's verdicts once observation is heard: an observed failure is red whatever the scans say; an
 * observed working link overrules every inferred "cannot connect" (the reasons keep both); the rest of
 * the inference stands.
 */
export function fuse(observed: ObservedLink, inferred: readonly Verdict[], them: string): Verdict[] {
  switch (observed.kind) {
    case 'none':
      return [...inferred];
    case 'fails': {
      const agree = inferred.filter((v) => v.light !== 'green');
      if (agree.length === 0) {
        const todo = observed.verdict.reason.todo;
        return [
          observed.verdict,
          verdict('red', reason(phrase('path_seen_scans_disagree', them), { todo, about: them })),
        ];
      }
      return [observed.verdict, ...agree];
    }
    case 'works': {
      const fused = inferred.map((v) =>
        v.bounce
          ? verdict(
              'yellow',
              reason(phrase('path_seen_works_despite_scans', them), {
                todo: phrase('path_todo_rescan', them),
                detail: phrase('path_detail_predicted', v.reason.says),
                about: them,
              }),
            )
          : v,
      );
      const unknown = fused.filter((v) => v.light === 'grey');
      if (unknown.length > 0 && unknown.length === fused.length) {
        return [
          verdict('grey', reason(phrase('path_seen_works_unknown_protection', them), { about: them })),
          ...fused,
        ];
      }
      return fused;
    }
    case 'unknown':
      // Silence from the user's server says nothing about the link: the scans decide.
      return [...inferred];
  }
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}
