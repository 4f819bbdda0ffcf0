// The observer (DESIGN §1, "Observed"): the user's own server is asked to reach each distinct contact
// domain, an XEP-0199 ping to the bare domain, then disco#info and XEP-0092 version of that server.
// IQs only. Each domain has its own budget, so a dead domain costs at most that, beside the others.
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from '@xmpp/xml';
import { DeadlineError, withDeadline } from '../../../core/deadline.ts';
import { errorText } from '../../../core/error-text.ts';
import type {
  DiscoIdentity,
  S2sObservation,
  S2sOutcome,
  SoftwareVersion,
} from '../../../core/observation.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { outcomeOfError } from './observe-outcome.ts';
import {
  errorFacts,
  identitiesInResult,
  type ObserveQuery,
  observeQuery,
  type StanzaErrorFacts,
  softwareInResult,
} from './observe-stanzas.ts';

/** Sends one IQ and resolves with the result IQ; rejects with a StanzaError for an error IQ. */
export type AskIq = (stanza: Element, timeoutMs: number) => Promise<Element>;

export interface ObserveOptions {
  ask: AskIq;
  userDomain: string;
  /** Distinct domains to observe (the user's own is skipped). */
  domains: readonly string[];
  /** Budget per domain for all three queries, long enough for the user's server's s2s set-up. */
  budgetMs: number;
  /** Domains observed at once. */
  concurrency: number;
  now(): Date;
  signal?: AbortSignal;
  /** Each observation as it completes. */
  onObserved?(observation: S2sObservation, done: number, total: number): void;
  /**
   * Waits until a stanza may be sent under the check's byte rate. The wait is not part of the
   * domain's budget: a queue on our side must not read as a slow or dead link.
   */
  pace?(stanza: Element): Promise<void>;
  /** Identities and version known fresh for a domain: reused when the ping succeeds, not asked again. */
  known?(domain: string): { software: SoftwareVersion | null; identities: DiscoIdentity[] } | null;
}

type Answer =
  | { kind: 'result'; iq: Element }
  | { kind: 'error'; facts: StanzaErrorFacts }
  | { kind: 'timeout' }
  | { kind: 'other'; text: string };

async function answer(
  ask: AskIq,
  to: string,
  query: ObserveQuery,
  ms: number,
  signal: AbortSignal | undefined,
  stanza: Element = observeQuery(to, query),
): Promise<Answer> {
  if (ms <= 0) return { kind: 'timeout' };
  try {
    const iq = await withDeadline(ask(stanza, ms), {
      ms,
      what: `the ${query} query to ${to}`,
      ...(signal ? { signal } : {}),
    });
    return { kind: 'result', iq };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof StanzaError) {
      const facts = error.element ? errorFacts(error.element) : null;
      return {
        kind: 'error',
        facts: facts ?? { condition: error.condition, text: error.text || null, by: null },
      };
    }
    const name = (error as { name?: string } | null)?.name;
    if (error instanceof DeadlineError || name === 'TimeoutError') return { kind: 'timeout' };
    return { kind: 'other', text: errorText(error) };
  }
}

function outcomeOf(reply: Answer, userDomain: string, domain: string): S2sOutcome {
  switch (reply.kind) {
    case 'result':
      return 'ok';
    case 'error':
      return outcomeOfError(reply.facts, { userDomain, domain });
    case 'timeout':
      return 'timeout';
    default:
      return 'error';
  }
}

/** Paces the queries, then sends them together; the time spent pacing is returned apart. */
async function paced(
  options: Pick<ObserveOptions, 'pace'>,
  domain: string,
  queries: readonly ObserveQuery[],
): Promise<{ stanzas: Element[]; waitedMs: number }> {
  const stanzas = queries.map((query) => observeQuery(domain, query));
  const started = performance.now();
  for (const stanza of stanzas) await options.pace?.(stanza);
  return { stanzas, waitedMs: performance.now() - started };
}

/** Observes one domain: ping first; disco and version only when the link may work. */
export async function observeDomain(
  options: Pick<ObserveOptions, 'ask' | 'userDomain' | 'budgetMs' | 'now' | 'signal' | 'pace' | 'known'>,
  domain: string,
): Promise<S2sObservation> {
  const { ask, userDomain, budgetMs, signal } = options;
  const started = performance.now();
  let waitedMs = 0;
  const remaining = () => budgetMs - (performance.now() - started - waitedMs);
  const first = await paced(options, domain, ['ping']);
  waitedMs += first.waitedMs;
  const ping = await answer(ask, domain, 'ping', budgetMs, signal, first.stanzas[0]);
  let outcome = outcomeOf(ping, userDomain, domain);
  const facts = ping.kind === 'error' ? ping.facts : null;
  let observation: S2sObservation = {
    domain,
    outcome,
    condition: facts?.condition ?? null,
    text: facts?.text ?? (ping.kind === 'other' ? ping.text : null),
    by: facts?.by ?? null,
    software: null,
    identities: [],
    observedAt: options.now().toISOString(),
  };
  // A failed link, a refusal by the user's own server or a spent budget: the other two would say the same.
  if (outcome !== 'ok' && outcome !== 'error') return observation;
  const known = outcome === 'ok' ? options.known?.(domain) : null;
  if (known) return { ...observation, software: known.software, identities: known.identities };
  const next = await paced(options, domain, ['disco', 'version']);
  waitedMs += next.waitedMs;
  const [disco, version] = await Promise.all([
    answer(ask, domain, 'disco', remaining(), signal, next.stanzas[0]),
    answer(ask, domain, 'version', remaining(), signal, next.stanzas[1]),
  ]);
  // A ping the remote does not answer usefully, but a disco or version result: the link works.
  if (outcome === 'error' && (disco.kind === 'result' || version.kind === 'result')) {
    outcome = 'ok';
    observation = { ...observation, outcome, condition: null, text: null, by: null };
  }
  return {
    ...observation,
    identities: disco.kind === 'result' ? identitiesInResult(disco.iq) : [],
    software: version.kind === 'result' ? softwareInResult(version.iq) : null,
  };
}

/** Observes every distinct domain but the user's own, `concurrency` at a time; keyed by domain. */
export async function observeDomains(options: ObserveOptions): Promise<Map<string, S2sObservation>> {
  const own = options.userDomain.toLowerCase();
  const domains = [...new Set(options.domains.map((d) => d.toLowerCase()))].filter((d) => d !== own);
  let done = 0;
  const observations = await mapWithConcurrency(domains, options.concurrency, async (domain) => {
    const observation = await observeDomain(options, domain);
    done += 1;
    options.onObserved?.(observation, done, domains.length);
    return observation;
  });
  return new Map(observations.map((o) => [o.domain, o]));
}

/** XEP-0092 of the user's own server; null when it does not say. */
export async function ownServerSoftware(
  options: Pick<ObserveOptions, 'ask' | 'userDomain' | 'budgetMs' | 'signal' | 'pace'>,
): Promise<SoftwareVersion | null> {
  const { stanzas } = await paced(options, options.userDomain, ['version']);
  const reply = await answer(
    options.ask,
    options.userDomain,
    'version',
    options.budgetMs,
    options.signal,
    stanzas[0],
  );
  return reply.kind === 'result' ? softwareInResult(reply.iq) : null;
}
