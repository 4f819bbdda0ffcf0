// One XMPP stream over a byte stream: writes our side, reads the server's side through the bounded
// reader, and gives each protocol step its own deadline. Bytes are fed to the parser one `>` at a
// time and feeding pauses at every top-level element, so when STARTTLS <proceed/> arrives nothing
// after it has been consumed and the socket can be handed to TLS intact.
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { withDeadline } from '../../../core/deadline.ts';
import { StreamProbeError } from './errors.ts';
import {
  DEFAULT_READER_LIMITS,
  type ReaderLimits,
  type StreamEvent,
  XmppStreamReader,
} from './xml-reader.ts';

export interface SessionLimits extends ReaderLimits {
  /** Bytes accepted from the server on this stream in all. */
  maxStreamBytes: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  ...DEFAULT_READER_LIMITS,
  maxStreamBytes: 1024 * 1024,
};

const GT = 0x3e;

export class XmppSession {
  readonly #socket: Duplex;
  readonly #limits: SessionLimits;
  readonly #decoder = new StringDecoder('utf8');
  readonly #reader: XmppStreamReader;
  #pending: Buffer[] = [];
  #received = 0;
  #events: StreamEvent[] = [];
  /** A parse or limit error: fatal at once. */
  #failure: StreamProbeError | null = null;
  /** The connection ended: reported once everything received before has been read. */
  #closed: StreamProbeError | null = null;
  #wake: (() => void) | null = null;
  #detached = false;
  readonly #onData = (chunk: Buffer) => this.#data(chunk);
  readonly #onEnd = () =>
    this.#close(new StreamProbeError('closed', 'the server closed the connection mid-stream'));
  readonly #onError = (err: Error) =>
    this.#close(new StreamProbeError('closed', `the connection failed mid-stream: ${err.message}`));

  constructor(socket: Duplex, limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    this.#socket = socket;
    this.#limits = limits;
    this.#reader = new XmppStreamReader((e) => this.#events.push(e), limits);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
  }

  send(xml: string): void {
    if (!this.#socket.destroyed) this.#socket.write(xml);
  }

  #fail(err: StreamProbeError): void {
    if (this.#failure) return;
    this.#failure = err;
    this.#wakeUp();
  }

  #close(err: StreamProbeError): void {
    if (this.#closed) return;
    this.#closed = err;
    this.#wakeUp();
  }

  #wakeUp(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  #data(chunk: Buffer): void {
    this.#received += chunk.length;
    if (this.#received > this.#limits.maxStreamBytes) {
      this.#fail(
        new StreamProbeError('too-large', `the server sent more than ${this.#limits.maxStreamBytes} bytes`),
      );
      this.#socket.destroy();
      return;
    }
    this.#pending.push(chunk);
    this.#pump();
  }

  /** Feeds pending bytes up to the first top-level event, leaving the rest unread. */
  #pump(): void {
    while (this.#events.length === 0 && this.#pending.length > 0 && !this.#failure) {
      const head = this.#pending[0] as Buffer;
      const gt = head.indexOf(GT);
      const piece = gt < 0 ? head : head.subarray(0, gt + 1);
      if (gt < 0 || gt === head.length - 1) this.#pending.shift();
      else this.#pending[0] = head.subarray(gt + 1);
      try {
        this.#reader.write(this.#decoder.write(piece));
      } catch (err) {
        this.#fail(err as StreamProbeError);
      }
    }
    if (this.#events.length > 0) this.#wakeUp();
  }

  /**
   * The next event from the server. Queued events come first, so an element that arrived just
   * before the connection closed is still seen.
   */
  async next(deadline: StepDeadline): Promise<StreamEvent> {
    for (;;) {
      const e = this.#events.shift();
      if (e) return e;
      this.#pump();
      const again = this.#events.shift();
      if (again) return again;
      if (this.#failure) throw this.#failure;
      if (this.#closed && this.#pending.length === 0) throw this.#closed;
      await deadline(new Promise<void>((resolve) => (this.#wake = resolve)));
    }
  }

  /**
   * Stops reading and returns the socket with every byte not yet parsed put back in front, ready
   * for the next layer (TLS).
   */
  detach(): Duplex {
    if (this.#detached) throw new Error('session already detached');
    this.#detached = true;
    const s = this.#socket;
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onEnd);
    s.off('error', this.#onError);
    // Paused so nothing is emitted to no listener; flowing again as soon as the next layer
    // listens for 'data' (tls.connect reads the buffered bytes by itself).
    s.pause();
    const onListener = (event: string | symbol) => {
      if (event !== 'data') return;
      s.off('newListener', onListener);
      process.nextTick(() => s.resume());
    };
    s.on('newListener', onListener);
    const rest = Buffer.concat(this.#pending);
    this.#pending = [];
    if (rest.length > 0) s.unshift(rest);
    return s;
  }
}

/** Bounds a promise by what is left of one protocol step's budget. */
export type StepDeadline = <T>(p: Promise<T>) => Promise<T>;

/**
 * The time budget of one protocol step, shared by every read within it and bounded by withDeadline;
 * the caller's AbortSignal folded in.
 */
export function stepDeadline(step: string, ms: number, signal?: AbortSignal): StepDeadline {
  const until = Date.now() + ms;
  const timeoutError = () => new StreamProbeError('timeout', `no complete answer to ${step} within ${ms} ms`);
  return async <T>(p: Promise<T>): Promise<T> => {
    if (signal?.aborted) throw abortedError();
    const left = until - Date.now();
    if (left <= 0) throw timeoutError();
    try {
      return await withDeadline(p, { ms: left, what: step, signal, onTimeout: timeoutError });
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw abortedError();
      throw error;
    }
  };
}

export function abortedError(): StreamProbeError {
  return new StreamProbeError('aborted', 'the probe was aborted');
}
