// The s2s link as two domain reports predict it (DESIGN §1, "Inferred"): whether the two servers can
// connect at all, what they negotiate in each direction, and how each authenticates the other. A
// conversation goes both ways, so every rule is applied to your messages (U→C) and their replies (C→U).
import type { SoftwareVersion } from '../observation.ts';
import type { CipherSuite } from '../report.ts';
import type { NoService, ServiceSummary } from '../summary.ts';
import { behaviourOf } from './implementations.ts';
import { negotiate } from './negotiation.ts';
import { type Verdict, verdict } from './verdict.ts';
import { isModern, versionLabel } from './words.ts';

export interface Side {
  domain: string;
  service: ServiceSummary;
  /** What the software is, best source first (the user's server's own answer, then the scan). */
  software: SoftwareVersion | null;
}

export interface InferredLink {
  verdicts: Verdict[];
  /** For the green sentence: the version your messages travel with. */
  version: string | null;
}

const NO_SERVICE_WORDS: Record<NoService, string> = {
  nxdomain: 'the name does not exist in DNS',
  'no-address': 'its server name has no address',
  'srv-unavailable': 'its DNS says it takes no messages from other servers',
  refused: 'its server refuses connections',
};

/** Certificate and key weaknesses that hold for every link to the server, whatever is negotiated. */
const LINK_WIDE: Record<string, { light: 'red' | 'yellow'; words: string }> = {
  'cert.rsa-broken': { light: 'red', words: 'a breakable RSA key (under 1024 bits)' },
  'cert.md5': { light: 'red', words: 'an MD5-signed certificate' },
  'cert.rsa-small': { light: 'yellow', words: 'an RSA key under 2048 bits' },
  'cert.sha1': { light: 'yellow', words: 'a SHA-1-signed certificate' },
  'tls.compression': { light: 'yellow', words: 'TLS compression (CRIME)' },
};

export function inferLink(u: Side, c: Side): InferredLink {
  // No service on either side: nothing else matters.
  const missing = [c, u].flatMap((side) => (side.service.availability === 'none' ? [side] : []));
  if (missing.length > 0) {
    return {
      version: null,
      verdicts: missing.map((side) => {
        const why = NO_SERVICE_WORDS[side.service.noService ?? 'refused'];
        return side === c
          ? verdict(
              'red',
              `${c.domain} cannot receive messages from other servers (${why}): messages to it cannot be delivered.`,
              true,
            )
          : verdict(
              'red',
              `${u.domain} cannot receive messages from other servers (${why}): replies cannot be delivered.`,
              true,
            );
      }),
    };
  }

  // One side without TLS.
  const plaintext: Verdict[] = [];
  for (const [side, other] of [
    [u, c],
    [c, u],
  ] as const) {
    if (side.service.encryption !== 'none') continue;
    plaintext.push(
      other.service.encryption === 'required'
        ? verdict(
            'red',
            `${other.domain} requires TLS but ${side.domain} offers none: the servers cannot connect and messages bounce.`,
            true,
          )
        : verdict(
            'red',
            `${side.domain} offers no TLS to other servers: messages to and from it travel in plaintext.`,
          ),
    );
  }
  if (plaintext.length > 0) return { verdicts: plaintext, version: null };

  const verdicts: Verdict[] = [];
  const eitherRequires = u.service.encryption === 'required' || c.service.encryption === 'required';
  if (!eitherRequires) {
    verdicts.push(
      verdict(
        'yellow',
        `Neither ${u.domain} nor ${c.domain} requires TLS between servers: an attacker can strip it.`,
      ),
    );
  }

  let version: string | null = null;
  for (const [initiator, receiver] of [
    [u, c],
    [c, u],
  ] as const) {
    const link = negotiate(initiator.service, receiver.service);
    const direction =
      initiator === u
        ? `messages from ${u.domain} to ${c.domain}`
        : `replies from ${c.domain} to ${u.domain}`;
    if (!link.ok) {
      const what = link.why === 'no-common-version' ? 'TLS version' : 'cipher suite';
      verdicts.push(
        eitherRequires
          ? verdict(
              'red',
              `${u.domain} and ${c.domain} share no ${what}: the servers cannot connect and messages bounce.`,
              true,
            )
          : verdict(
              'red',
              `${u.domain} and ${c.domain} share no ${what}: the link fails or falls back to plaintext.`,
            ),
      );
      continue;
    }
    if (initiator === u) version = versionLabel(link.version);
    if (!isModern(link.version)) {
      verdicts.push(
        verdict(
          'yellow',
          `The best TLS version ${u.domain} and ${c.domain} share is ${versionLabel(link.version)}.`,
        ),
      );
    }
    if (link.suite)
      verdicts.push(...suiteVerdicts(link.suite, direction), ...dhVerdicts(link.suite, receiver, direction));
    verdicts.push(...authenticationVerdicts(initiator, receiver));
  }

  for (const side of [u, c]) verdicts.push(...linkWideVerdicts(side));
  return { verdicts, version };
}

/** A small finite-field group weakens a link only when the two negotiate DHE with that receiver. */
function dhVerdicts(suite: CipherSuite, receiver: Side, direction: string): Verdict[] {
  if (suite.keyExchange !== 'DHE') return [];
  const codes = new Set(receiver.service.findings.map((f) => f.code));
  if (codes.has('dh.broken')) {
    return [
      verdict(
        'red',
        `${capital(direction)} use a Diffie-Hellman group under 1024 bits (Logjam): it can be broken.`,
      ),
    ];
  }
  if (codes.has('dh.small')) {
    return [verdict('yellow', `${capital(direction)} use a Diffie-Hellman group under 2048 bits.`)];
  }
  return [];
}

function suiteVerdicts(suite: CipherSuite, direction: string): Verdict[] {
  if (suite.anonymous || suite.bits === 0 || suite.export) {
    return [verdict('red', `${capital(direction)} would use ${suite.name}, which does not protect them.`)];
  }
  if (suite.rc4 || suite.smallBlock) {
    return [verdict('yellow', `${capital(direction)} use ${suite.name}, a cipher with known weaknesses.`)];
  }
  if (!suite.forwardSecrecy) {
    return [
      verdict(
        'yellow',
        `${capital(direction)} use ${suite.name}, without forward secrecy: a stolen key decrypts recorded traffic.`,
      ),
    ];
  }
  return [];
}

/**
 * The receiver authenticates the initiator: by certificate (SASL EXTERNAL) when the initiator's
 * certificate is valid and its software presents it, else by dialback, which trusts DNS; a receiver
 * that refuses unauthenticated peers, or offers no dialback, then refuses the link. (The initiator's
 * check of the receiver's certificate is the same fact as the other direction's, judged there.)
 */
function authenticationVerdicts(initiator: Side, receiver: Side): Verdict[] {
  const verdicts: Verdict[] = [];
  const certValid = certificateValidFor(initiator, receiver);
  const behaviour = behaviourOf(initiator.software);
  const byCertificate = certValid && behaviour !== null;
  if (!byCertificate) {
    if (!certValid && receiver.service.refusesUnauthenticated === true) {
      verdicts.push(
        verdict(
          'red',
          `${receiver.domain} refuses servers it cannot verify, and ${initiator.domain}'s certificate is not valid: messages from ${initiator.domain} bounce.`,
          true,
        ),
      );
    } else if (!receiver.service.dialback) {
      verdicts.push(
        verdict(
          'red',
          `${receiver.domain} cannot verify ${initiator.domain} (no valid certificate, no dialback offered): messages from ${initiator.domain} bounce.`,
          true,
        ),
      );
    } else if (certValid && behaviour === null) {
      verdicts.push(
        verdict(
          'yellow',
          `${initiator.domain}'s software is not known, so whether it proves itself to ${receiver.domain} by certificate or only by dialback (which trusts DNS) cannot be told.`,
        ),
      );
    } else {
      verdicts.push(
        verdict(
          'yellow',
          `${receiver.domain} verifies ${initiator.domain} only through dialback, which trusts DNS: ${notValidWords(initiator, receiver)}.`,
        ),
      );
    }
  }
  if (behaviour?.verifiesReceiver === false) {
    verdicts.push(
      verdict(
        'yellow',
        `${initiator.domain}'s software (${initiator.software?.name}) does not check the certificate of the servers it sends to: whoever controls DNS can pose as ${receiver.domain}.`,
      ),
    );
  }
  return verdicts;
}

/** PKIX counts toward everyone; DANE and POSH only toward software known to check them. */
function certificateValidFor(subject: Side, checker: Side): boolean {
  const methods = subject.service.authentication;
  if (methods.includes('pkix')) return true;
  const behaviour = behaviourOf(checker.software);
  return (
    (methods.includes('dane') && behaviour?.checksDane === true) ||
    (methods.includes('posh') && behaviour?.checksPosh === true)
  );
}

/** Why `subject`'s certificate does not count toward `checker`, for people. */
function notValidWords(subject: Side, checker: Side): string {
  const methods = subject.service.authentication.filter((m) => m !== 'pkix');
  if (methods.length === 0) return `${subject.domain}'s certificate is not valid`;
  const names = methods.map((m) => m.toUpperCase()).join(' and ');
  return `${subject.domain} is vouched for only by ${names}, which ${checker.domain}'s server does not check`;
}

function linkWideVerdicts(side: Side): Verdict[] {
  const codes = new Set(side.service.findings.map((f) => f.code));
  const verdicts: Verdict[] = [];
  for (const [code, weakness] of Object.entries(LINK_WIDE)) {
    if (codes.has(code)) {
      verdicts.push(
        verdict(weakness.light, `${side.domain} uses ${weakness.words}, which weakens every link to it.`),
      );
    }
  }
  if (codes.has('dane.mismatch') || codes.has('dane.lookup-failed')) {
    verdicts.push(
      verdict(
        'yellow',
        `${side.domain}'s DANE records are broken: servers that check DANE refuse to talk to it.`,
      ),
    );
  }
  return verdicts;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
