// Turns what went wrong in a check into the failure the popup shows: one kind per clear state
// (wrong password, server unreachable, observatory unreachable, …) and the exact reason. Pure.
import { errorText } from '../../core/error-text.ts';
import type { CheckFailure, FailureKind } from '../shared/check-types.ts';
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

/** Opening words per kind; the error's own sentence follows. */
const LEAD: Record<FailureKind, string> = {
  'no-password': 'Enter your password in the settings to run a check.',
  'wrong-password': 'Your server refused the password.',
  'server-unreachable': 'Your XMPP server could not be reached.',
  timeout: 'Your XMPP server did not answer in time.',
  protocol: 'Your XMPP server answered in a way Hoplight does not understand.',
  insecure: 'Hoplight refused to send your password unencrypted.',
  'invalid-settings': 'The settings cannot be used.',
  'observatory-unreachable':
    'The observatory could not be reached: the contacts show what your own server observed, and their grades are unknown.',
  interrupted: 'The last check was interrupted.',
  internal: 'The check failed unexpectedly.',
};

export function failureFrom(error: unknown, at: Date): CheckFailure {
  const kind: FailureKind =
    error instanceof CheckError
      ? FROM_CHECK_ERROR[error.kind]
      : error instanceof ObservatoryError
        ? 'observatory-unreachable'
        : 'internal';
  return failure(kind, errorText(error), at);
}

export function failure(kind: FailureKind, detail: string | null, at: Date): CheckFailure {
  const lead = LEAD[kind];
  // The detail is kept as written: it often starts with a domain, which must not be capitalised.
  const message = detail ? `${lead} Reason: ${detail}${/[.!?]$/.test(detail) ? '' : '.'}` : lead;
  return { kind, message, at: at.toISOString() };
}
