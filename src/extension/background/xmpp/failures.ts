// Turns whatever xmpp.js, the BOSH socket, SASL or fetch threw into a CheckError with a sentence
// a person can act on.
import { BoshError } from './bosh.ts';
import { CheckError } from './errors.ts';
import { SaslError } from './sasl.ts';
import { ScramError } from './scram.ts';

export interface FailureContext {
  phase: 'login' | 'roster' | 'omemo';
  endpoint: string;
  domain: string;
  /** The transport had opened (WebSocket open; for BOSH, right away). */
  connected: boolean;
}

const WRONG_PASSWORD = new Set(['not-authorized', 'credentials-expired']);

export function toCheckError(error: unknown, context: FailureContext): CheckError {
  if (error instanceof CheckError) return error;
  const { endpoint, domain } = context;
  if (error instanceof ScramError) {
    return error.reason === 'stale-keys' || error.reason === 'wrong-mechanism'
      ? new CheckError(
          'key-unusable',
          `${domain} sent another salt for its password check than the remembered key was made with (some servers, such as an ejabberd that stores passwords in plain form, pick a new one at every login), so the remembered key cannot log in`,
          { condition: error.reason, cause: error },
        )
      : new CheckError('protocol', `SCRAM login failed: ${error.message}`, {
          condition: error.reason,
          cause: error,
        });
  }
  if (error instanceof SaslError) {
    if (error.condition === 'no-scram')
      return new CheckError('key-unusable', error.message, { condition: error.condition, cause: error });
    if (WRONG_PASSWORD.has(error.condition)) {
      const message = `${domain} refused the user name or password (${error.condition})`;
      return new CheckError('wrong-password', message, { condition: error.condition, cause: error });
    }
    if (error.condition === 'insecure-plain')
      return new CheckError('insecure', error.message, { condition: error.condition, cause: error });
    return new CheckError('protocol', `login failed: ${error.message}`, {
      condition: error.condition,
      cause: error,
    });
  }
  if (error instanceof BoshError) {
    switch (error.kind) {
      case 'network':
      case 'http':
        return new CheckError('unreachable', error.message, { cause: error });
      case 'timeout':
        return new CheckError('timeout', error.message, { cause: error });
      default:
        return new CheckError(
          error.condition === 'remote-connection-failed' ? 'unreachable' : 'protocol',
          error.message,
          {
            condition: error.condition,
            cause: error,
          },
        );
    }
  }
  const e = error as {
    name?: string;
    message?: string;
    condition?: string;
    code?: string;
    errno?: string;
  } | null;
  const message = e?.message ?? String(error);
  if (e?.name === 'TimeoutError') {
    return new CheckError(
      'timeout',
      `${endpoint} did not answer in time while ${describePhase(context.phase)}`,
      { cause: error },
    );
  }
  if (e?.name === 'StreamError') {
    const condition = e.condition ?? 'undefined-condition';
    const text =
      condition === 'host-unknown'
        ? `the server at ${endpoint} does not host ${domain}`
        : `the server sent a stream error: ${message}`;
    return new CheckError('protocol', text, { condition, cause: error });
  }
  if (e?.name === 'StanzaError') {
    return new CheckError(
      'protocol',
      `the server refused while ${describePhase(context.phase)}: ${message}`,
      {
        condition: e.condition ?? null,
        cause: error,
      },
    );
  }
  // xmpp.js's WebSocket errors carry the DOM event and URL; Node's have an empty message.
  const transportError = e !== null && typeof e === 'object' && 'event' in e && 'url' in e;
  if (!context.connected || e?.code === 'ECONNERROR' || transportError) {
    const detail = message ? `: ${message}` : '';
    return context.connected
      ? new CheckError('protocol', `the connection to ${endpoint} failed${detail}`, { cause: error })
      : new CheckError('unreachable', `cannot connect to ${endpoint}${detail}`, { cause: error });
  }
  return new CheckError(
    'protocol',
    `unexpected failure while ${describePhase(context.phase)} at ${endpoint}: ${message}`,
    { cause: error },
  );
}

function describePhase(phase: FailureContext['phase']): string {
  return phase === 'login'
    ? 'logging in'
    : phase === 'roster'
      ? 'reading the roster'
      : 'reading OMEMO device lists';
}
