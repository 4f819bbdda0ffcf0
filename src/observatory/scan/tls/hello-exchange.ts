// One probe handshake: open a fresh connection, write a ClientHello, read the first flight, close.
import type { Duplex } from 'node:stream';
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
  const budget = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, budget]) : budget;
  let socket: Duplex;
  try {
    socket = await raceAbort(connect(signal), signal);
  } catch (err) {
    opts.signal?.throwIfAborted();
    if (budget.aborted) return reader.timeout(opts.timeoutMs);
    return { kind: 'error', message: `could not connect: ${(err as Error).message}`, bytesRead: 0 };
  }
  return new Promise<HelloOutcome>((resolve, reject) => {
    const finish = (outcome: HelloOutcome | null) => {
      if (!outcome) return;
      cleanup();
      resolve(outcome);
    };
    const onAbort = () => {
      if (opts.signal?.aborted) {
        cleanup();
        reject(opts.signal.reason);
      } else finish(reader.timeout(opts.timeoutMs));
    };
    const onData = (chunk: Buffer) => finish(reader.push(chunk));
    const onEnd = () => finish(reader.end());
    // A reset right after the ClientHello is how some stacks refuse; after bytes it is a broken answer.
    const onError = () => finish(reader.end());
    const cleanup = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      socket.on('error', () => {});
      socket.destroy();
    };
    signal.addEventListener('abort', onAbort);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    if (signal.aborted) onAbort();
    else socket.write(clientHello);
  });
}

/** Settles with `promise`, or rejects when `signal` aborts first (closing a socket that arrives late). */
function raceAbort(promise: Promise<Duplex>, signal: AbortSignal): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (socket) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) socket.destroy();
        else resolve(socket);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
