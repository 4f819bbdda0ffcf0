// The path model (DESIGN §1): how well a message to one contact is protected on every hop, as a
// traffic light per hop with reasons for people. Observed where it can be (the extension's own
// connection; the user's server reaching the contact's domain), inferred from the two domains' scan
// summaries where it must be. Pure: plain data in, plain data out.
//
// e2e is not a hop and does not count towards the path light: OMEMO published → green, not published
// → yellow (servers can read the messages), unknown → grey.
import { type Light, worst } from './lights.ts';
import type { DiscoIdentity, S2sObservation, SoftwareVersion } from './observation.ts';
import { c2sGreen, c2sVerdicts } from './path/c2s.ts';
import { FRESH_FOR_MS, knownService } from './path/freshness.ts';
import { inferLink } from './path/s2s-inferred.ts';
import { fuse, observedLink } from './path/s2s-observed.ts';
import { fixerTodo } from './path/todo.ts';
import { judge, uniqueReasons, type Verdict, verdict } from './path/verdict.ts';
import { type Phrase, phrase } from './phrase.ts';
import { type Reason, reason } from './reason.ts';
import { assertDomainSummary } from './shape.ts';
import type { DomainSummary, ServiceSummary } from './summary.ts';

export { compareLights, LIGHT_ORDER, type Light, worst } from './lights.ts';
export { FRESH_FOR_MS } from './path/freshness.ts';
export type { Phrase } from './phrase.ts';
export type { Reason } from './reason.ts';

export type HopName = 'c2s-local' | 's2s' | 'c2s-remote';

export interface Hop {
  name: HopName;
  /** `you`, a domain, or `contact`. */
  from: string;
  to: string;
}

export interface HopResult extends Hop {
  light: Light;
  /** Why, for people, worst first; never empty. */
  reasons: Reason[];
  /** Messages bounce or cannot be delivered on this hop (always red). */
  undeliverable: boolean;
}

export interface E2eResult {
  omemo: boolean | null;
  light: Light;
  /** "OMEMO: not set up", "OMEMO: available", "OMEMO: unknown": what it is, not a colour. */
  label: Phrase;
  reasons: Reason[];
}

/** What the contact's address is, from its domain's disco identity: a person's account unless told. */
export type ContactKind = 'account' | 'group-chat' | 'gateway' | 'component';

export interface PathInput {
  userDomain: string;
  contactDomain: string;
  /** null: not scanned yet, pending, or the lookup failed. */
  user: DomainSummary | null;
  contact: DomainSummary | null;
  /**
   * The extension reaches the user's server over `wss:`/`https:`; null when there is no such
   * connection (an operator's domain-to-domain path): the hop is then judged by the report alone.
   */
  transportSecure: boolean | null;
  /** The contact's account is on the user's own domain: no s2s hop. */
  sameDomain: boolean;
  /** The contact publishes OMEMO device lists; null when unknown. */
  omemo: boolean | null;
  /** What the user's own server said when asked to reach the contact's domain; null: not observed. */
  observation?: S2sObservation | null;
  /** XEP-0092 of the user's own server, when it answered. */
  userSoftware?: SoftwareVersion | null;
  /** For the freshness of the summaries; defaults to the current time. */
  now?: Date;
  /** Summaries older than this are unknown; DESIGN's 7 days by default. */
  freshForMs?: number;
}

export interface PathResult {
  /** The worst hop's light. */
  light: Light;
  hops: HopResult[];
  e2e: E2eResult;
  /** The reasons of the hops that set the path light. */
  reasons: Reason[];
  kind: ContactKind;
  /** Some hop bounces messages or cannot deliver them: the contact cannot be reached now. */
  undeliverable: boolean;
}

interface Context {
  input: PathInput;
  now: Date;
  freshForMs: number;
}

/** Throws a ShapeError when a summary (typically fetched JSON) is malformed. */
export function computePath(input: PathInput): PathResult {
  if (input.user !== null) assertDomainSummary(input.user);
  if (input.contact !== null) assertDomainSummary(input.contact);
  const ctx: Context = { input, now: input.now ?? new Date(), freshForMs: input.freshForMs ?? FRESH_FOR_MS };
  const kind = contactKind(input.observation?.identities ?? []);
  const hops: HopResult[] = [localHop(ctx)];
  if (!input.sameDomain && !sameServer(input.user, input.contact)) hops.push(s2sHop(ctx));
  hops.push(remoteHop(ctx, kind));
  const light = worst(hops.map((h) => h.light));
  return {
    light,
    hops,
    e2e: e2e(input.omemo),
    reasons: uniqueReasons(hops.filter((h) => h.light === light).flatMap((h) => h.reasons)),
    kind,
    undeliverable: hops.some((h) => h.undeliverable),
  };
}

/** Two domains whose s2s targets are the same addresses and ports are one server: no network hop. */
function sameServer(user: DomainSummary | null, contact: DomainSummary | null): boolean {
  if (user === null || contact === null) return false;
  const a = user.s2sEndpoints;
  const b = contact.s2sEndpoints;
  return a.length > 0 && a.length === b.length && a.every((endpoint, i) => endpoint === b[i]);
}

/**
 * The extension's own connection is this hop, observed: over wss:/https: a browser insists on TLS 1.2
 * or newer and a certificate it verifies. The domain's c2s report adds what every client meets; for an
 * operator's domain-to-domain path (no connection) the report alone decides.
 */
function localHop(ctx: Context): HopResult {
  const { userDomain, transportSecure, user } = ctx.input;
  const identity: Hop = { name: 'c2s-local', from: 'you', to: userDomain };
  const report = c2sVerdicts({ domain: userDomain, userDomain, summary: user, ...ctx });
  if (transportSecure === null) return { ...identity, ...judge(report, () => c2sGreen(userDomain, user)) };
  // An unknown or stale report cannot grey what the connection itself shows.
  const known = report.filter((v) => v.light !== 'grey');
  if (!transportSecure) {
    const why = reason(phrase('path_local_unencrypted', userDomain), {
      todo: phrase('path_todo_secure_url'),
      detail: phrase('path_detail_local_unencrypted'),
      about: userDomain,
    });
    return { ...identity, ...judge([verdict('red', why), ...known], () => why) };
  }
  const own = reason(phrase('path_local_encrypted', userDomain), { about: userDomain });
  const fresh = report.length === known.length && user !== null;
  return { ...identity, ...judge(known, () => (fresh ? c2sGreen(userDomain, user) : own)) };
}

const KIND_WORDS: Record<Exclude<ContactKind, 'account'>, string> = {
  'group-chat': 'path_kind_group_chat',
  gateway: 'path_kind_gateway',
  component: 'path_kind_component',
};

function remoteHop(ctx: Context, kind: ContactKind): HopResult {
  const { contactDomain, sameDomain, contact, user } = ctx.input;
  const identity: Hop = { name: 'c2s-remote', from: contactDomain, to: 'contact' };
  if (kind !== 'account') {
    const why = reason(phrase(KIND_WORDS[kind], contactDomain), { about: contactDomain });
    return { ...identity, light: 'grey', reasons: [why], undeliverable: false };
  }
  const summary = sameDomain ? (contact ?? user) : contact;
  return {
    ...identity,
    ...judge(c2sVerdicts({ domain: contactDomain, userDomain: ctx.input.userDomain, summary, ...ctx }), () =>
      c2sGreen(contactDomain, summary),
    ),
  };
}

function s2sHop(ctx: Context): HopResult {
  const { userDomain: you, contactDomain: them, user, contact, observation, userSoftware } = ctx.input;
  const identity: Hop = { name: 's2s', from: you, to: them };
  const u = knownService(you, user, 's2s', ctx.now, ctx.freshForMs);
  const c = knownService(them, contact, 's2s', ctx.now, ctx.freshForMs);
  let inferred: Verdict[];
  let version: string | null = null;
  if ('verdict' in u || 'verdict' in c) {
    // One side unknown: what the known side says alone still counts (no service, no TLS).
    inferred = [u, c].flatMap((side) =>
      'verdict' in side ? [side.verdict] : oneSided(side.service, side.summary.domain, you, them),
    );
  } else {
    const link = inferLink(
      { domain: you, service: u.service, software: userSoftware ?? u.service.software },
      { domain: them, service: c.service, software: observation?.software ?? c.service.software },
    );
    inferred = link.verdicts;
    version = link.version;
  }
  const observed = observedLink(them, you, observation);
  const verdicts = fuse(observed, inferred, them);
  return {
    ...identity,
    ...judge(verdicts, () =>
      reason(phrase(observed.kind === 'works' ? 'path_s2s_green_seen' : 'path_s2s_green', you, them), {
        detail: phrase('path_detail_version', version ?? 'TLS'),
        about: them,
      }),
    ),
  };
}

/** What one known side decides alone, whatever the unknown other side is. */
function oneSided(service: ServiceSummary, domain: string, you: string, them: string): Verdict[] {
  const more = { todo: fixerTodo(domain, you), about: domain };
  if (service.availability === 'none') {
    const key = domain === you ? 'path_s2s_cannot_receive_yours' : 'path_s2s_cannot_receive_contact';
    const todo =
      domain === them && service.noService === 'nxdomain'
        ? phrase('path_todo_check_address', them)
        : more.todo;
    return [verdict('red', reason(phrase(key, domain), { ...more, todo }), true)];
  }
  if (service.encryption === 'none') {
    return [
      verdict(
        'red',
        reason(phrase('path_s2s_plaintext', domain), {
          ...more,
          detail: phrase('path_detail_no_tls_s2s', domain),
        }),
      ),
    ];
  }
  return [];
}

function contactKind(identities: readonly DiscoIdentity[]): ContactKind {
  const categories = new Set(identities.map((i) => i.category));
  if (categories.has('server') || categories.size === 0) return 'account';
  if (categories.has('conference')) return 'group-chat';
  if (categories.has('gateway')) return 'gateway';
  return 'component';
}

/** The e2e labels by what is known, not by colour: one table for every view. */
export const E2E_LABELS = {
  available: phrase('path_e2e_label_available'),
  notSetUp: phrase('path_e2e_label_not_set_up'),
  unknown: phrase('path_e2e_label_unknown'),
} as const;

export function e2eLabel(omemo: boolean | null): Phrase {
  return omemo === true ? E2E_LABELS.available : omemo === false ? E2E_LABELS.notSetUp : E2E_LABELS.unknown;
}

export function e2e(omemo: boolean | null): E2eResult {
  const label = e2eLabel(omemo);
  if (omemo === true)
    return { omemo, light: 'green', label, reasons: [reason(phrase('path_e2e_available'))] };
  if (omemo === false) {
    const why = reason(phrase('path_e2e_not_set_up'), {
      todo: phrase('path_todo_omemo'),
      detail: phrase('path_detail_omemo_not_set_up'),
    });
    return { omemo, light: 'yellow', label, reasons: [why] };
  }
  return { omemo, light: 'grey', label, reasons: [reason(phrase('path_e2e_unknown'))] };
}
