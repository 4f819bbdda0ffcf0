// Reads the server's answer to one ClientHello, from raw bytes as they arrive, up to what a probe needs:
// the ServerHello (or HelloRetryRequest), and for (EC)DHE suites the ServerKeyExchange. Pure: the socket
// lives in hello-exchange.ts.
import { TlsParseError } from './byte-reader.ts';
import { alertName, ContentType, HandshakeType, VERSION_CODES } from './protocol.ts';
import { type Alert, HandshakeDecoder, parseAlert, RecordDecoder } from './records.ts';
import {
  type KeyExchangeParams,
  parseCertificate,
  parseServerHello,
  parseServerKeyExchange,
  type ServerHello,
} from './server-messages.ts';

export type HelloOutcome =
  | {
      kind: 'server-hello';
      hello: ServerHello;
      /** Parameters of the ServerKeyExchange, when the suite has one and it arrived. */
      keyExchange: KeyExchangeParams | null;
      /** DER chain from the Certificate message, when one arrived before we stopped reading. */
      certificates: Uint8Array[] | null;
      bytesRead: number;
    }
  /** The server refused with an alert (or sent close_notify). */
  | { kind: 'alert'; alert: Alert; bytesRead: number }
  /** The server closed the connection without a word: a refusal for old stacks. */
  | { kind: 'closed'; bytesRead: number }
  /** A protocol violation, a timeout or too many bytes: a clear sentence for this probe. */
  | { kind: 'error'; message: string; bytesRead: number };

export interface FirstFlightOptions {
  /** Most bytes read for one handshake before giving up. */
  maxBytes: number;
  /** Which ServerKeyExchange the chosen suite implies, or null to stop right after the ServerHello. */
  keyExchangeFor: (suite: number) => 'dh' | 'ecdh' | null;
}

export class FirstFlightReader {
  readonly #opts: FirstFlightOptions;
  readonly #records = new RecordDecoder();
  readonly #handshakes: HandshakeDecoder;
  #bytesRead = 0;
  #hello: ServerHello | null = null;
  #want: 'dh' | 'ecdh' | null = null;
  #certificates: Uint8Array[] | null = null;
  #done: HelloOutcome | null = null;

  constructor(opts: FirstFlightOptions) {
    this.#opts = opts;
    this.#handshakes = new HandshakeDecoder(opts.maxBytes);
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes held in decoders, waiting for the rest of a record or message. */
  get buffered(): number {
    return this.#records.buffered + this.#handshakes.buffered;
  }

  /** Feeds bytes from the wire; returns the outcome once there is one. */
  push(chunk: Buffer): HelloOutcome | null {
    if (this.#done) return this.#done;
    this.#bytesRead += chunk.length;
    try {
      if (this.#bytesRead > this.#opts.maxBytes) {
        return this.#finish(
          this.#fail(
            `read ${this.#bytesRead} bytes without the end of the server's first flight (limit ${this.#opts.maxBytes})`,
          ),
        );
      }
      for (const record of this.#records.push(chunk)) {
        const outcome = this.#onRecord(record.type, record.fragment);
        if (outcome) return this.#finish(outcome);
      }
      return null;
    } catch (err) {
      if (err instanceof TlsParseError) return this.#finish(this.#fail(err.message));
      throw err;
    }
  }

  /** The peer closed: what we have is all there is. */
  end(): HelloOutcome {
    if (this.#done) return this.#done;
    if (this.#hello) return this.#finish(this.#withHello(null));
    if (this.#bytesRead === 0) return this.#finish({ kind: 'closed', bytesRead: 0 });
    const where = this.buffered > 0 ? 'in the middle of a record or message' : 'before a ServerHello';
    return this.#finish(this.#fail(`connection closed after ${this.#bytesRead} bytes, ${where}`));
  }

  /** The time budget ran out. */
  timeout(ms: number): HelloOutcome {
    if (this.#done) return this.#done;
    if (this.#hello) return this.#finish(this.#withHello(null));
    return this.#finish(this.#fail(`no ServerHello within ${ms} ms (${this.#bytesRead} bytes received)`));
  }

  #finish(outcome: HelloOutcome): HelloOutcome {
    this.#done = outcome;
    return outcome;
  }

  #fail(message: string): HelloOutcome {
    return { kind: 'error', message, bytesRead: this.#bytesRead };
  }

  #withHello(keyExchange: KeyExchangeParams | null): HelloOutcome {
    return {
      kind: 'server-hello',
      hello: this.#hello!,
      keyExchange,
      certificates: this.#certificates,
      bytesRead: this.#bytesRead,
    };
  }

  #onRecord(type: number, fragment: Buffer): HelloOutcome | null {
    if (type === ContentType.alert) {
      const alert = parseAlert(fragment.subarray(0, 2));
      // Warnings such as unrecognized_name precede many ServerHellos; only fatal alerts and close_notify end.
      if (alert.level === 1 && alert.description !== 0) return null;
      if (this.#hello) return this.#withHello(null);
      return { kind: 'alert', alert, bytesRead: this.#bytesRead };
    }
    if (type === ContentType.changeCipherSpec && this.#hello) return this.#withHello(null);
    if (type !== ContentType.handshake) {
      const stage = this.#hello ? 'after the ServerHello' : 'before the ServerHello';
      throw new TlsParseError(`unexpected record of content type ${type} ${stage}`);
    }
    for (const msg of this.#handshakes.push(fragment)) {
      const outcome = this.#onMessage(msg.type, msg.body);
      if (outcome) return outcome;
    }
    return null;
  }

  #onMessage(type: number, body: Buffer): HelloOutcome | null {
    if (!this.#hello) {
      if (type === HandshakeType.helloRequest && body.length === 0) return null;
      if (type !== HandshakeType.serverHello) {
        throw new TlsParseError(`expected a ServerHello, got handshake message type ${type}`);
      }
      this.#hello = parseServerHello(body);
      const tls13 = this.#hello.version === VERSION_CODES['TLSv1.3'] || this.#hello.helloRetryRequest;
      this.#want = tls13 ? null : this.#opts.keyExchangeFor(this.#hello.suite);
      return this.#want ? null : this.#withHello(null);
    }
    switch (type) {
      case HandshakeType.certificate:
        this.#certificates = parseCertificate(body);
        return null;
      case HandshakeType.certificateStatus:
      case HandshakeType.certificateRequest:
        return null;
      case HandshakeType.serverKeyExchange:
        return this.#withHello(parseServerKeyExchange(body, this.#want!));
      case HandshakeType.serverHelloDone:
        return this.#withHello(null);
      default:
        throw new TlsParseError(`unexpected handshake message type ${type} after the ServerHello`);
    }
  }
}

export function describeOutcome(outcome: HelloOutcome): string {
  switch (outcome.kind) {
    case 'server-hello':
      return `ServerHello 0x${outcome.hello.version.toString(16)} suite 0x${outcome.hello.suite.toString(16)}`;
    case 'alert':
      return `${outcome.alert.level === 2 ? 'fatal' : 'warning'} alert ${alertName(outcome.alert.description)}`;
    case 'closed':
      return 'connection closed';
    case 'error':
      return outcome.message;
  }
}
