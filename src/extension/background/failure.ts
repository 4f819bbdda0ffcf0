// Turns what went wrong in a check into the failure the popup shows: one kind per clear state (wrong
// password, server unreachable, no observatory, …), a plain sentence of what happened and what to do,
// and our own wording of the cause when there is one. Raw exception text never reaches the user.
import { errorText } from '../../core/error-text.ts';
import type { CheckFailure, FailureKind } from '../shared/check-types.ts';
import { type MessageKey, t } from '../shared/i18n.ts';
import { ObservatoryError } from './observatory.ts';
import { CheckError, type CheckErrorKind } from './xmpp/errors.ts';

const FROM_CHECK_ERROR: Record<CheckErrorKind, FailureKind> = {
  'wrong-password': 'wrong-password',
  // Not the user's fault, and the password is not wrong: the popup asks for it as when none is stored.
  'key-unusable': 'no-password',
  unreachable: 'server-unreachable',
  timeout: 'timeout',
  protocol: 'protocol',
  insecure: 'insecure',
  'invalid-input': 'invalid-settings',
  aborted: 'interrupted',
};

/** What happened and what the user can do about it, per kind. */
const SENTENCES: Record<FailureKind, MessageKey> = {
  'no-password': 'failure_noPassword',
  'wrong-password': 'failure_wrongPassword',
  'server-unreachable': 'failure_serverUnreachable',
  timeout: 'failure_timeout',
  protocol: 'failure_protocol',
  insecure: 'failure_insecure',
  'invalid-settings': 'failure_invalidSettings',
  'observatory-unreachable': 'failure_observatoryUnreachable',
  interrupted: 'failure_interrupted',
  internal: 'failure_internal',
};

export function failureFrom(error: unknown, at: Date): CheckFailure {
  // Ours are worded for people (a raw part inside them is dropped by plainDetail).
  if (error instanceof CheckError) return failure(FROM_CHECK_ERROR[error.kind], error.message, at);
  if (error instanceof ObservatoryError) return failure('observatory-unreachable', error.message, at);
  // Anything else is a browser's or a library's text: the console gets it, the user the sentence.
  console.warn('Hoplight: check failed:', errorText(error));
  return failure('internal', null, at);
}

export function failure(kind: FailureKind, detail: string | null, at: Date): CheckFailure {
  const plain = detail === null ? null : plainDetail(detail);
  const sentence = t(SENTENCES[kind]);
  // The detail is kept as written: it often starts with a domain, which must not be capitalised.
  const message = plain ? `${sentence} ${t('failure_detail', plain.replace(/[.!?]$/, ''))}` : sentence;
  return { kind, message, at: at.toISOString() };
}

/** Exception names, JavaScript's own complaints and stack lines: what a person cannot act on. */
const RAW = [
  /\b[A-Z][A-Za-z]*(Error|Exception)\b/,
  /\bis (not defined|undefined|null|not a function|not iterable)\b/,
  /\bCannot read propert/i,
  /\bFailed to fetch\b/,
  /\bat \S+:\d+:\d+/,
  /\S+\.m?js:\d+(:\d+)?/,
  /^\s*at \S+/,
  /\[object \w+\]/,
];

function looksRaw(text: string): boolean {
  return RAW.some((pattern) => pattern.test(text));
}

/**
 * The detail without raw exception text: a parenthesised raw part is dropped and the sentence kept
 * ("cannot connect to wss://x (TypeError: …)" → "cannot connect to wss://x"); null when nothing of ours is left.
 */
export function plainDetail(detail: string): string | null {
  const trimmed = detail.replace(/\s*\(([^()]*)\)/g, (group, inner: string) =>
    looksRaw(inner) ? '' : group,
  );
  const text = trimmed.replace(/:\s*$/, '').trim();
  if (text === '' || looksRaw(text)) return null;
  return text;
}
