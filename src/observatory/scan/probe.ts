// One shape for every scan probe (stream, TLS, certificate, DANE, POSH, and the ones to come): a probe
// takes a context and returns a typed result; running it says how the attempt went (ok, refused, timed
// out, or an error with text), apart from what it found, so a timeout never reads as "not supported".
import { DeadlineError } from '../../core/deadline.ts';
import { errorText } from '../../core/error-text.ts';
import { DnsError } from './dns.ts';
import { PoshError } from './posh.ts';
import { StreamProbeError } from './stream/errors.ts';

export interface Probe<Context, Result> {
  /** For people and logs, e.g. "tls". */
  readonly name: string;
  run(context: Context): Promise<Result>;
}

export type AttemptStatus = 'ok' | 'refused' | 'timed-out' | 'error';

export type Attempt<Result> =
  | { status: 'ok'; result: Result }
  | { status: Exclude<AttemptStatus, 'ok'>; error: string };

/** Runs `probe`; what it throws becomes the attempt's status and text, never an exception. */
export async function attempt<Context, Result>(
  probe: Probe<Context, Result>,
  context: Context,
): Promise<Attempt<Result>> {
  try {
    return { status: 'ok', result: await probe.run(context) };
  } catch (error) {
    return { status: attemptStatus(error), error: errorText(error) };
  }
}

/** Out of time, refused by the peer, or any other failure. */
export function attemptStatus(error: unknown): Exclude<AttemptStatus, 'ok'> {
  if (error instanceof DeadlineError) return 'timed-out';
  if (error instanceof StreamProbeError) {
    if (error.code === 'timeout') return 'timed-out';
    if (error.code === 'connect' && /ECONNREFUSED/.test(error.message)) return 'refused';
  }
  if (error instanceof DnsError) {
    if (error.code === 'TIMEOUT') return 'timed-out';
    if (error.code === 'REFUSED') return 'refused';
  }
  if (error instanceof PoshError && /within \d+ ms/.test(error.message)) return 'timed-out';
  return 'error';
}
