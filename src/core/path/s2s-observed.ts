// What the user's own server said when asked to reach the contact's domain, in plain words, and how
// it overrides the scans: observation decides whether messages get through now; the scans decide how
// well a working link is protected (DESIGN §1). Pure.
import type { S2sObservation, S2sOutcome } from '../observation.ts';
import { type Verdict, verdict } from './verdict.ts';

const FAILURE_WORDS: Partial<Record<S2sOutcome, (them: string) => string>> = {
  'no-such-domain': (them) => `Your server cannot find ${them} in DNS: messages to it bounce.`,
  unreachable: (them) => `Your server cannot connect to ${them}: messages to it bounce.`,
  'refused-encryption': (them) =>
    `Your server and ${them} cannot agree on encryption (one requires TLS the other does not offer): messages bounce.`,
  'refused-certificate': (them) =>
    `Your server cannot reach ${them}: a server certificate was not accepted — messages bounce.`,
  'refused-policy': (them) =>
    `Your server cannot reach ${them}: the connection was refused — messages bounce.`,
  failed: (them) => `Your server could not reach ${them} just now: messages to it bounce.`,
};

export type ObservedLink =
  | { kind: 'none' }
  | { kind: 'works'; reason: string }
  | { kind: 'fails'; verdict: Verdict }
  | { kind: 'unknown'; reason: string };

export function observedLink(them: string, observation: S2sObservation | null | undefined): ObservedLink {
  if (!observation) return { kind: 'none' };
  if (observation.outcome === 'ok') {
    return { kind: 'works', reason: `Your server reached ${them} just now, so messages get through.` };
  }
  const words = FAILURE_WORDS[observation.outcome];
  if (words) {
    const said = observation.text ? ` Your server said: “${clip(observation.text)}”.` : '';
    return { kind: 'fails', verdict: verdict('red', `${words(them)}${said}`, true) };
  }
  const why =
    observation.outcome === 'not-allowed'
      ? `Your server does not let Hoplight ask whether it can reach ${them}.`
      : `Your server did not say in time whether it can reach ${them}.`;
  return { kind: 'unknown', reason: why };
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
        return [observed.verdict, verdict('red', `The scans found nothing wrong with the link to ${them}.`)];
      }
      return [observed.verdict, ...agree];
    }
    case 'works': {
      const fused = inferred.map((v) =>
        v.bounce
          ? verdict(
              'yellow',
              `The scans predict trouble (${lowerFirst(v.reason)}), yet your server reached ${them} just now: how well the link is protected is uncertain.`,
            )
          : v,
      );
      const unknown = fused.filter((v) => v.light === 'grey');
      if (unknown.length > 0 && unknown.length === fused.length) {
        return [
          verdict('grey', `${observed.reason} How well the link is protected is not known yet.`),
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

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}
