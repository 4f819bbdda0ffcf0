// A scripted XMPP server on 127.0.0.1, port chosen by the OS, for tests of the stream probe:
// each connection runs a script that reads what the client sent, writes what it likes (well-formed
// or hostile) and may switch to TLS with a test certificate.
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

export interface ResponderTls {
  key: string;
  /** PEM, leaf first, then any intermediates to send. */
  cert: string;
}

export class ResponderConnection {
  socket: Duplex;
  readonly raw: Socket;
  /** Text received since the connection opened or since the last TLS upgrade. */
  received = '';
  readonly #tls: ResponderTls | undefined;
  #waiters: (() => void)[] = [];
  #ended = false;

  constructor(raw: Socket, tls: ResponderTls | undefined) {
    this.raw = raw;
    this.socket = raw;
    this.#tls = tls;
    this.#listen(raw);
  }

  #listen(s: Duplex): void {
    s.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
      for (const w of this.#waiters.splice(0)) w();
    });
    const end = () => {
      this.#ended = true;
      for (const w of this.#waiters.splice(0)) w();
    };
    s.on('end', end);
    s.on('close', end);
    s.on('error', end);
  }

  /** Resolves once the client has sent text matching `pattern`; rejects if it disconnects. */
  async waitFor(pattern: RegExp): Promise<string> {
    for (;;) {
      const m = this.received.match(pattern);
      if (m) return m[0];
      if (this.#ended) throw new Error(`client went away before sending ${pattern}`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  write(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Drip-feeds `text` one byte per `intervalMs` until done or the client goes away. */
  async drip(text: string, intervalMs: number): Promise<void> {
    for (const ch of Buffer.from(text)) {
      if (this.socket.destroyed || this.#ended) return;
      this.socket.write(Buffer.of(ch));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Writes `chunk` again and again until the client closes (bounded by `maxBytes`). */
  async flood(chunk: string, maxBytes = 64 * 1024 * 1024): Promise<number> {
    let sent = 0;
    while (!this.socket.destroyed && !this.#ended && sent < maxBytes) {
      const ok = this.socket.write(chunk);
      sent += chunk.length;
      if (!ok)
        await new Promise<void>((r) => {
          const done = () => r();
          this.socket.once('drain', done);
          this.socket.once('close', done);
        });
    }
    return sent;
  }

  /** Switches the connection to TLS as the server (after <proceed/> or at once for direct TLS). */
  async startTls(): Promise<void> {
    if (!this.#tls) throw new Error('responder started without TLS material');
    this.raw.removeAllListeners('data');
    this.received = '';
    const tls = new TLSSocket(this.raw, {
      isServer: true,
      key: this.#tls.key,
      cert: this.#tls.cert,
      minVersion: 'TLSv1.2',
    });
    this.socket = tls;
    this.#listen(tls);
    await new Promise<void>((resolve, reject) => {
      tls.once('secure', () => resolve());
      tls.once('error', reject);
      tls.once('close', () => reject(new Error('closed during TLS handshake')));
    });
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    this.raw.destroy();
  }
}

export interface XmppResponder {
  host: string;
  port: number;
  /** Number of connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export type ResponderScript = (c: ResponderConnection) => Promise<void> | void;

export async function startXmppResponder(
  script: ResponderScript,
  opts: { tls?: ResponderTls } = {},
): Promise<XmppResponder> {
  const open = new Set<ResponderConnection>();
  let connections = 0;
  const server: Server = createServer((raw) => {
    connections++;
    const conn = new ResponderConnection(raw, opts.tls);
    open.add(conn);
    raw.on('close', () => open.delete(conn));
    // A script failing because the client hung up is expected in hostile tests.
    Promise.resolve()
      .then(() => script(conn))
      .catch(() => conn.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    host: '127.0.0.1',
    port: address.port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const c of open) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The server side of the stream header, answering a client of `service`. */
export function serverHeader(service: 'c2s' | 's2s', from: string, id = 'test-stream'): string {
  const ns = service === 'c2s' ? 'jabber:client' : 'jabber:server';
  return (
    `<?xml version='1.0'?><stream:stream xmlns='${ns}' xmlns:stream='http://etherx.jabber.org/streams'` +
    ` xmlns:db='jabber:server:dialback' from='${from}' id='${id}' version='1.0'>`
  );
}

export function features(opts: {
  starttls?: 'required' | 'offered';
  mechanisms?: string[];
  dialback?: boolean;
}): string {
  const tls =
    opts.starttls === 'required'
      ? "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
      : opts.starttls === 'offered'
        ? "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
        : '';
  const mechs = opts.mechanisms?.length
    ? `<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${opts.mechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('')}</mechanisms>`
    : '';
  const db = opts.dialback ? "<dialback xmlns='urn:xmpp:features:dialback'><errors/></dialback>" : '';
  return `<stream:features>${tls}${mechs}${db}</stream:features>`;
}

export const PROCEED = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
