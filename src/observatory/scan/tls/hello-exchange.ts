// One probe handshake: open a fresh connection, write a ClientHello, read the first flight, close.
import type { Duplex } from 'node:stream';
import { DeadlineError, withDeadline } from '../../../core/deadline.ts';
import { errorText } from '../../../core/error-text.ts';
import type { Connector } from '../types.ts';
import { type FirstFlightOptions, FirstFlightReader, type HelloOutcome } from './first-flight.ts';

export interface ExchangeOptions extends FirstFlightOptions {
  /** Budget for the whole exchange, connect included. */
  timeoutMs: number;
  /** Aborts the exchange; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export async function exchangeHello(
  connect: Connector,
  clientHello: Buffer,
  opts: ExchangeOptions,
): Promise<HelloOutcome> {
  opts.signal?.throwIfAborted();
  const reader = new FirstFlightReader(opts);
  try {
    return await withDeadline((signal) => exchange(connect, clientHello, reader, signal), {
      ms: opts.timeoutMs,
      what: 'the ClientHello exchange',
      signal: opts.signal,
    });
  } catch (error) {
    // Out of time is an outcome of the probe (what was read so far says how far it got).
    if (error instanceof DeadlineError && !opts.signal?.aborted) return reader.timeout(opts.timeoutMs);
    throw error;
  }
}

/** Runs until the reader has an outcome; when `signal` aborts it only closes (withDeadline answers). */
async function exchange(
  connect: Connector,
  clientHello: Buffer,
  reader: FirstFlightReader,
  signal: AbortSignal,
): Promise<HelloOutcome> {
  let socket: Duplex;
  try {
    socket = await connect(signal);
  } catch (err) {
    signal.throwIfAborted();
    return { kind: 'error', message: `could not connect: ${errorText(err)}`, bytesRead: 0 };
  }
  if (signal.aborted) {
    // A connection that arrives late is closed at once.
    socket.destroy();
    signal.throwIfAborted();
  }
  return new Promise<HelloOutcome>((resolve) => {
    const finish = (outcome: HelloOutcome | null) => {
      if (!outcome) return;
      cleanup();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => finish(reader.push(chunk));
    const onEnd = () => finish(reader.end());
    // A reset right after the ClientHello is how some stacks refuse; after bytes it is a broken answer.
    const onError = () => finish(reader.end());
    const cleanup = () => {
      signal.removeEventListener('abort', cleanup);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      socket.on('error', () => {});
      socket.destroy();
    };
    signal.addEventListener('abort', cleanup, { once: true });
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.write(clientHello);
  });
}
