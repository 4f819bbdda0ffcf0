// The s2s link as two domain reports predict it (DESIGN §1, "Inferred"): whether the two servers can
// connect at all, what they negotiate in each direction, and how each authenticates the other. A
// conversation goes both ways, so every rule is applied to your messages (U→C) and their replies (C→U).
import type { SoftwareVersion } from '../observation.ts';
import { type Phrase, phrase } from '../phrase.ts';
import { type Reason, reason } from '../reason.ts';
import type { CipherSuite } from '../report.ts';
import type { NoService, ServiceSummary } from '../summary.ts';
import { behaviourOf } from './implementations.ts';
import { negotiate } from './negotiation.ts';
import { fixerTodo } from './todo.ts';
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

const NO_SERVICE_DETAIL: Record<NoService, string> = {
  nxdomain: 'path_detail_no_service_nxdomain',
  'no-address': 'path_detail_no_service_no_address',
  'srv-unavailable': 'path_detail_no_service_srv',
  refused: 'path_detail_no_service_refused',
};

/** Certificate and key weaknesses that hold for every link to the server, whatever is negotiated. */
const LINK_WIDE: Record<string, { light: 'red' | 'yellow'; detail: string }> = {
  'cert.rsa-broken': { light: 'red', detail: 'path_detail_rsa_broken' },
  'cert.md5': { light: 'red', detail: 'path_detail_md5' },
  'cert.rsa-small': { light: 'yellow', detail: 'path_detail_rsa_small' },
  'cert.sha1': { light: 'yellow', detail: 'path_detail_sha1' },
  'tls.compression': { light: 'yellow', detail: 'path_detail_compression' },
};

export function inferLink(u: Side, c: Side): InferredLink {
  // Who can fix a weakness of one side: the user's operator for theirs, the contact for the other.
  const todoOf = (side: Side): Phrase => fixerTodo(side.domain, u.domain);
  const linkTodo = phrase('path_todo_ask_your_operator_link', u.domain, c.domain);

  // No service on either side: nothing else matters.
  const missing = [c, u].flatMap((side) => (side.service.availability === 'none' ? [side] : []));
  if (missing.length > 0) {
    return {
      version: null,
      verdicts: missing.map((side) => {
        const noService = side.service.noService ?? 'refused';
        const todo =
          side === c && noService === 'nxdomain' ? phrase('path_todo_check_address', c.domain) : todoOf(side);
        const key = side === c ? 'path_s2s_cannot_receive_contact' : 'path_s2s_cannot_receive_yours';
        const detail = phrase(NO_SERVICE_DETAIL[noService], side.domain);
        return verdict('red', reason(phrase(key, side.domain), { todo, detail, about: side.domain }), true);
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
    const more = {
      todo: todoOf(side),
      detail: phrase('path_detail_no_tls_s2s', side.domain),
      about: side.domain,
    };
    plaintext.push(
      other.service.encryption === 'required'
        ? verdict('red', reason(phrase('path_s2s_plaintext_bounce', other.domain, side.domain), more), true)
        : verdict('red', reason(phrase('path_s2s_plaintext', side.domain), more)),
    );
  }
  if (plaintext.length > 0) return { verdicts: plaintext, version: null };

  const verdicts: Verdict[] = [];
  const eitherRequires = u.service.encryption === 'required' || c.service.encryption === 'required';
  if (!eitherRequires) {
    verdicts.push(
      verdict(
        'yellow',
        reason(phrase('path_s2s_encryption_optional', u.domain, c.domain), {
          todo: phrase('path_todo_ask_your_operator_require', u.domain),
          detail: phrase('path_detail_tls_not_required'),
          about: c.domain,
        }),
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
        ? phrase('path_dir_messages', u.domain, c.domain)
        : phrase('path_dir_replies', c.domain, u.domain);
    if (!link.ok) {
      const detail = phrase(
        link.why === 'no-common-version' ? 'path_detail_no_common_version' : 'path_detail_no_common_suite',
      );
      const more = { todo: linkTodo, detail, about: c.domain };
      verdicts.push(
        eitherRequires
          ? verdict('red', reason(phrase('path_s2s_no_common_bounce', u.domain, c.domain), more), true)
          : verdict('red', reason(phrase('path_s2s_no_common_fallback', u.domain, c.domain), more)),
      );
      continue;
    }
    if (initiator === u) version = versionLabel(link.version);
    if (!isModern(link.version)) {
      verdicts.push(
        verdict(
          'yellow',
          reason(phrase('path_s2s_version_outdated', u.domain, c.domain), {
            todo: linkTodo,
            detail: phrase('path_detail_shared_version', versionLabel(link.version)),
            about: c.domain,
          }),
        ),
      );
    }
    if (link.suite) {
      const more = { todo: todoOf(receiver), about: receiver.domain };
      verdicts.push(
        ...suiteVerdicts(link.suite, direction, more),
        ...dhVerdicts(link.suite, receiver, direction, more),
      );
    }
    verdicts.push(...authenticationVerdicts(initiator, receiver, todoOf(initiator)));
  }

  for (const side of [u, c]) verdicts.push(...linkWideVerdicts(side, todoOf(side)));
  return { verdicts, version };
}

type More = Omit<Reason, 'says' | 'detail'>;

/** A small finite-field group weakens a link only when the two negotiate DHE with that receiver. */
function dhVerdicts(suite: CipherSuite, receiver: Side, direction: Phrase, more: More): Verdict[] {
  if (suite.keyExchange !== 'DHE') return [];
  const codes = new Set(receiver.service.findings.map((f) => f.code));
  if (codes.has('dh.broken')) {
    return [
      verdict(
        'red',
        reason(phrase('path_s2s_dh_broken', direction), { ...more, detail: phrase('path_detail_dh_broken') }),
      ),
    ];
  }
  if (codes.has('dh.small')) {
    return [
      verdict(
        'yellow',
        reason(phrase('path_s2s_dh_small', direction), { ...more, detail: phrase('path_detail_dh_small') }),
      ),
    ];
  }
  return [];
}

function suiteVerdicts(suite: CipherSuite, direction: Phrase, more: More): Verdict[] {
  const detail = phrase('path_detail_suite', suite.name);
  if (suite.anonymous || suite.bits === 0 || suite.export) {
    return [verdict('red', reason(phrase('path_s2s_suite_broken', direction), { ...more, detail }))];
  }
  if (suite.rc4 || suite.smallBlock) {
    return [verdict('yellow', reason(phrase('path_s2s_suite_weak', direction), { ...more, detail }))];
  }
  if (!suite.forwardSecrecy) {
    return [
      verdict(
        'yellow',
        reason(phrase('path_s2s_suite_no_forward_secrecy', direction), {
          ...more,
          detail: phrase('path_detail_suite_no_forward_secrecy', suite.name),
        }),
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
function authenticationVerdicts(initiator: Side, receiver: Side, todo: Phrase): Verdict[] {
  const verdicts: Verdict[] = [];
  const certValid = certificateValidFor(initiator, receiver);
  const behaviour = behaviourOf(initiator.software);
  const byCertificate = certValid && behaviour !== null;
  const i = initiator.domain;
  const r = receiver.domain;
  const more = { todo, about: i };
  if (!byCertificate) {
    if (!certValid && receiver.service.refusesUnauthenticated === true) {
      verdicts.push(
        verdict(
          'red',
          reason(phrase('path_s2s_refuses_unverified', r, i), {
            ...more,
            detail: phrase('path_detail_certificate_not_valid', i),
          }),
          true,
        ),
      );
    } else if (!receiver.service.dialback) {
      verdicts.push(
        verdict(
          'red',
          reason(phrase('path_s2s_cannot_verify', r, i), {
            ...more,
            detail: phrase('path_detail_no_cert_no_dialback', r, i),
          }),
          true,
        ),
      );
    } else if (certValid && behaviour === null) {
      verdicts.push(
        verdict(
          'yellow',
          reason(phrase('path_s2s_software_unknown', i, r), {
            ...more,
            detail: phrase('path_detail_software_unknown', i, r),
          }),
        ),
      );
    } else {
      verdicts.push(
        verdict(
          'yellow',
          reason(phrase('path_s2s_dialback', r, i), { ...more, detail: notValidWords(initiator, receiver) }),
        ),
      );
    }
  }
  if (behaviour?.verifiesReceiver === false) {
    verdicts.push(
      verdict(
        'yellow',
        reason(phrase('path_s2s_no_receiver_check', i, r), {
          ...more,
          detail: phrase('path_detail_software_no_check', initiator.software?.name ?? '?'),
        }),
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

/** Why `subject`'s certificate does not count toward `checker`, in the expert's words. */
function notValidWords(subject: Side, checker: Side): Phrase {
  const methods = subject.service.authentication.filter((m) => m !== 'pkix');
  if (methods.length === 0) return phrase('path_detail_dialback_certificate_invalid', subject.domain);
  const names = methods.map((m) => m.toUpperCase()).join(', ');
  return phrase('path_detail_dialback_vouched', subject.domain, names, checker.domain);
}

function linkWideVerdicts(side: Side, todo: Phrase): Verdict[] {
  const codes = new Set(side.service.findings.map((f) => f.code));
  const verdicts: Verdict[] = [];
  const more = { todo, about: side.domain };
  for (const [code, weakness] of Object.entries(LINK_WIDE)) {
    if (codes.has(code)) {
      const key = weakness.light === 'red' ? 'path_s2s_link_wide_broken' : 'path_s2s_link_wide_weak';
      verdicts.push(
        verdict(
          weakness.light,
          reason(phrase(key, side.domain), { ...more, detail: phrase(weakness.detail) }),
        ),
      );
    }
  }
  if (codes.has('dane.mismatch') || codes.has('dane.lookup-failed')) {
    verdicts.push(
      verdict(
        'yellow',
        reason(phrase('path_s2s_dane_broken', side.domain), {
          ...more,
          detail: phrase('path_detail_dane_broken'),
        }),
      ),
    );
  }
  return verdicts;
}
