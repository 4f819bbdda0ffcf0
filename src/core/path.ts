// The path model (DESIGN §1): how well a message to one contact is protected on every hop, as a
// traffic light per hop with reasons for people. Pure: it reads domain summaries, nothing else.
//
// Decisions where DESIGN leaves room (also listed in the report to the lead):
// - Lights rank red < grey < yellow < green (worst first). Red + grey is red; green + grey is grey;
//   yellow + grey is grey too, because an unknown hop may be red and a yellow path would promise
//   "weakened at worst".
// - s2s TLS quality uses the two sides' `gradeIfTrusted` letters: authentication is judged by its
//   own rule (dialback-only is yellow), otherwise an unauthenticated contact server (grade T) would
//   always be red and the dialback rule could never apply.
// - Authentication is checked both ways: besides "your server authenticates theirs" (DESIGN), their
//   server must authenticate yours, by certificate or dialback. Where neither side's certificate
//   verifies and the verifying side offers no dialback, the link cannot be set up: red, messages
//   bounce.
// - c2s: a server that cannot be authenticated (grade T, or no method on every target) is red;
//   accepting TLS versions below 1.2 is listed as a yellow reason ("still accepts TLS 1.0").
// - e2e is not a hop and does not count towards the path light: OMEMO published → green, not
//   published → yellow (servers can read the messages), unknown → grey.
import { isAGrade } from './grades.ts';
import type { S2sObservation, SoftwareVersion } from './observation.ts';
import type { Grade, LetterGrade, TlsVersion } from './report.ts';
import { TLS_VERSIONS } from './report.ts';
import { assertDomainSummary } from './shape.ts';
import type { DomainSummary, ServiceSummary } from './summary.ts';

export type Light = 'green' | 'yellow' | 'red' | 'grey';
export type HopName = 'c2s-local' | 's2s' | 'c2s-remote';

export interface Hop {
  name: HopName;
  /** `you`, a domain, or `contact`. */
  from: string;
  to: string;
}

export interface HopResult extends Hop {
  light: Light;
  /** Short sentences for people, worst first; never empty. */
  reasons: string[];
}

export interface E2eResult {
  omemo: boolean | null;
  light: Light;
  reasons: string[];
}

export interface PathInput {
  userDomain: string;
  contactDomain: string;
  /** null: not scanned yet, pending, or the lookup failed. */
  user: DomainSummary | null;
  contact: DomainSummary | null;
  /** The extension reaches the user's server over `wss:`/`https:`. */
  transportSecure: boolean;
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
}

export interface PathResult {
  /** The worst hop's light. */
  light: Light;
  hops: HopResult[];
  e2e: E2eResult;
  /** The reasons of the hops that set the path light. */
  reasons: string[];
}

/** Worst first. */
export const LIGHT_ORDER: readonly Light[] = ['red', 'grey', 'yellow', 'green'];

/** Negative when `a` is worse than `b`: sorting with it puts the worst first. */
export function compareLights(a: Light, b: Light): number {
  return LIGHT_ORDER.indexOf(a) - LIGHT_ORDER.indexOf(b);
}

/** The worst light; green for none (nothing is wrong with nothing). */
export function worst(lights: readonly Light[]): Light {
  return lights.reduce<Light>((acc, light) => (compareLights(light, acc) < 0 ? light : acc), 'green');
}

interface Verdict {
  light: Light;
  reason: string;
}

/** Throws a ShapeError when a summary (typically fetched JSON) is malformed. */
export function computePath(input: PathInput): PathResult {
  if (input.user !== null) assertDomainSummary(input.user);
  if (input.contact !== null) assertDomainSummary(input.contact);
  const hops: HopResult[] = [localHop(input)];
  if (!input.sameDomain) hops.push(s2sHop(input));
  hops.push(remoteHop(input));
  const light = worst(hops.map((h) => h.light));
  return {
    light,
    hops,
    e2e: e2e(input.omemo),
    reasons: [...new Set(hops.filter((h) => h.light === light).flatMap((h) => h.reasons))],
  };
}

function localHop(input: PathInput): HopResult {
  const verdicts = c2sVerdicts(input.userDomain, input.user);
  if (!input.transportSecure) {
    verdicts.unshift({
      light: 'red',
      reason: `Your own connection to ${input.userDomain} is not encrypted (the extension connects over ws: or http:).`,
    });
  }
  return hop({ name: 'c2s-local', from: 'you', to: input.userDomain }, verdicts, () =>
    c2sGreen(input.userDomain, input.user),
  );
}

function remoteHop(input: PathInput): HopResult {
  const summary = input.sameDomain ? (input.contact ?? input.user) : input.contact;
  return hop(
    { name: 'c2s-remote', from: input.contactDomain, to: 'contact' },
    c2sVerdicts(input.contactDomain, summary),
    () => c2sGreen(input.contactDomain, summary),
  );
}

/** Verdicts with a light other than green; the hop is green when there are none. */
function hop(identity: Hop, verdicts: Verdict[], greenReason: () => string): HopResult {
  const sorted = [...verdicts].sort((a, b) => compareLights(a.light, b.light));
  const reasons = [...new Set(sorted.map((v) => v.reason))];
  return {
    ...identity,
    light: worst(sorted.map((v) => v.light)),
    reasons: reasons.length > 0 ? reasons : [greenReason()],
  };
}

/** The scanned service, or a grey verdict saying why there is none. */
function known(
  domain: string,
  summary: DomainSummary | null,
  kind: 'c2s' | 's2s',
): { service: ServiceSummary } | { verdict: Verdict } {
  if (summary === null) return { verdict: { light: 'grey', reason: `${domain} has not been scanned yet.` } };
  const service = summary.services[kind];
  if (service.grade === null) {
    const what = kind === 'c2s' ? 'client' : 'server-to-server';
    return { verdict: { light: 'grey', reason: `${domain}'s ${what} service could not be scanned.` } };
  }
  return { service };
}

function c2sVerdicts(domain: string, summary: DomainSummary | null): Verdict[] {
  const found = known(domain, summary, 'c2s');
  if ('verdict' in found) return [found.verdict];
  const c2s = found.service;
  if (c2s.encryption === 'none') {
    return [
      {
        light: 'red',
        reason: `${domain} does not offer encryption to clients: messages may travel in plaintext.`,
      },
    ];
  }
  const verdicts: Verdict[] = [];
  if (c2s.grade === 'T' || c2s.authentication.length === 0) {
    verdicts.push({
      light: 'red',
      reason: `${domain}'s certificate is not valid for ${domain}, so clients cannot tell it from an impostor${ifTrusted(c2s)}.`,
    });
  }
  verdicts.push(
    ...gradeVerdicts(domain, 'client connections', c2s.grade === 'T' ? c2s.gradeIfTrusted : c2s.grade),
  );
  if (c2s.encryption === 'optional') {
    verdicts.push({
      light: 'yellow',
      reason: `${domain} does not require encryption: an attacker can strip it.`,
    });
  }
  verdicts.push(...versionVerdicts(domain, c2s.tlsVersions));
  return verdicts;
}

function c2sGreen(domain: string, summary: DomainSummary | null): string {
  const c2s = summary?.services.c2s;
  const best = c2s ? bestVersion(c2s.tlsVersions) : null;
  return `${domain} requires encryption (${best ? label(best) : 'TLS'}, grade ${c2s?.grade ?? '?'}) and its certificate is verified.`;
}

/** Red for D/E/F, yellow for B/C, none for A grades. */
function gradeVerdicts(domain: string, what: string, grade: Grade | LetterGrade | null): Verdict[] {
  if (grade === null || grade === 'T' || isAGrade(grade)) return [];
  const light: Light = grade === 'B' || grade === 'C' ? 'yellow' : 'red';
  return [{ light, reason: `${domain} is graded ${grade} for ${what}.` }];
}

/** "weak.test still accepts TLS 1.0"; "offers nothing newer than TLS 1.1". */
function versionVerdicts(domain: string, versions: readonly TlsVersion[]): Verdict[] {
  const best = bestVersion(versions);
  if (best !== null && !isModern(best)) {
    return [{ light: 'yellow', reason: `${domain} offers nothing newer than ${label(best)}.` }];
  }
  const old = versions.filter((v) => !isModern(v));
  if (old.length === 0) return [];
  return [{ light: 'yellow', reason: `${domain} still accepts ${listOf(old.map(label))}.` }];
}

function s2sHop(input: PathInput): HopResult {
  const identity: Hop = { name: 's2s', from: input.userDomain, to: input.contactDomain };
  const you = input.userDomain;
  const them = input.contactDomain;
  const u = known(you, input.user, 's2s');
  const c = known(them, input.contact, 's2s');
  const verdicts: Verdict[] = [];
  const uService = 'service' in u ? u.service : null;
  const cService = 'service' in c ? c.service : null;

  // One side without TLS: nothing else matters.
  for (const [side, sideName, other, otherName] of [
    [uService, you, cService, them],
    [cService, them, uService, you],
  ] as const) {
    if (side?.encryption !== 'none') continue;
    verdicts.push(
      other?.encryption === 'required'
        ? {
            light: 'red',
            reason: `${otherName} requires TLS but ${sideName} offers none: the servers cannot connect and messages bounce.`,
          }
        : {
            light: 'red',
            reason: `${sideName} offers no TLS to other servers: messages to and from it travel in plaintext.`,
          },
    );
  }
  if ('verdict' in u) verdicts.push(u.verdict);
  if ('verdict' in c) verdicts.push(c.verdict);
  if (verdicts.length > 0 || uService === null || cService === null) {
    return hop(identity, verdicts, () => '');
  }

  const eitherRequires = uService.encryption === 'required' || cService.encryption === 'required';
  if (!eitherRequires) {
    verdicts.push({
      light: 'yellow',
      reason: `Neither ${you} nor ${them} requires TLS between servers: an attacker can strip it.`,
    });
  }

  const common = bestVersion(uService.tlsVersions.filter((v) => cService.tlsVersions.includes(v)));
  if (common === null) {
    verdicts.push({
      light: 'red',
      reason: eitherRequires
        ? `${you} and ${them} share no TLS version: the servers cannot connect and messages bounce.`
        : `${you} and ${them} share no TLS version: the link fails or falls back to plaintext.`,
    });
  } else if (!isModern(common)) {
    verdicts.push({
      light: 'yellow',
      reason: `The best TLS version ${you} and ${them} share is ${label(common)}.`,
    });
  }

  verdicts.push(...authVerdicts(you, uService, them, cService));

  // TLS quality: the worse of the two letters (authentication is judged above).
  for (const [name, service] of [
    [you, uService],
    [them, cService],
  ] as const) {
    verdicts.push(...gradeVerdicts(name, 'server-to-server TLS', service.gradeIfTrusted));
    // When the shared version is already too old, that verdict says it; else name old versions.
    if (common !== null && isModern(common)) verdicts.push(...versionVerdicts(name, service.tlsVersions));
  }

  return hop(identity, verdicts, () => {
    const letter = worseLetter(uService.gradeIfTrusted, cService.gradeIfTrusted);
    return `Messages between ${you} and ${them} always use ${common ? label(common) : 'TLS'} (grade ${letter ?? '?'}) and each server verifies the other's certificate.`;
  });
}

/** Each server must authenticate the other: by certificate (PKIX/DANE/POSH), else by dialback. */
function authVerdicts(you: string, u: ServiceSummary, them: string, c: ServiceSummary): Verdict[] {
  const verdicts: Verdict[] = [];
  if (c.authentication.length === 0) {
    verdicts.push(
      u.dialback
        ? {
            light: 'yellow',
            reason: `${you} cannot verify ${them}'s certificate; only dialback, which trusts DNS, vouches for ${them}.`,
          }
        : {
            light: 'red',
            reason: `${them}'s certificate is not valid and ${you} offers no dialback: replies from ${them} bounce.`,
          },
    );
  }
  if (u.authentication.length === 0) {
    verdicts.push(
      c.dialback
        ? {
            light: 'yellow',
            reason: `${them} can verify ${you} only through dialback, which trusts DNS.`,
          }
        : {
            light: 'red',
            reason: `${you}'s certificate is not valid and ${them} offers no dialback: messages to ${them} bounce.`,
          },
    );
  }
  return verdicts;
}

function e2e(omemo: boolean | null): E2eResult {
  if (omemo === true) {
    return {
      omemo,
      light: 'green',
      reasons: ['The contact publishes OMEMO devices: end-to-end encryption is possible.'],
    };
  }
  if (omemo === false) {
    return {
      omemo,
      light: 'yellow',
      reasons: ['The contact publishes no OMEMO devices: the servers on the path can read the messages.'],
    };
  }
  return { omemo, light: 'grey', reasons: ['Whether the contact uses OMEMO is not known.'] };
}

function ifTrusted(service: ServiceSummary): string {
  return service.grade === 'T' && service.gradeIfTrusted !== null
    ? ` (grade T, ${service.gradeIfTrusted} if trusted)`
    : '';
}

function bestVersion(versions: readonly TlsVersion[]): TlsVersion | null {
  const offered = TLS_VERSIONS.filter((v) => versions.includes(v));
  return offered[offered.length - 1] ?? null;
}

function isModern(version: TlsVersion): boolean {
  return version === 'TLSv1.2' || version === 'TLSv1.3';
}

const VERSION_LABELS: Record<TlsVersion, string> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  'TLSv1.0': 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

function label(version: TlsVersion): string {
  return VERSION_LABELS[version];
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function worseLetter(a: LetterGrade | null, b: LetterGrade | null): LetterGrade | null {
  const order: readonly LetterGrade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'];
  if (a === null || b === null) return a ?? b;
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}
