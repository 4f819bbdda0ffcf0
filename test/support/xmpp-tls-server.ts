// A small real XMPP listener for scanner tests: Node's own TLS (OpenSSL) behind a STARTTLS or direct-TLS
// stream, on any loopback address and port (127.0.0.0/8 or ::1), with the TLS options the test gives
// (versions, ciphers, a demanded client certificate). It answers stream headers with features and
// nothing more: enough for the stream, TLS and certificate probes to measure a real TLS stack.
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContextOptions, TLSSocket } from 'node:tls';
import { features, PROCEED, serverHeader } from './xmpp-responder.ts';

export interface XmppTlsServerOptions {
  /** Loopback address to listen on, e.g. `127.0.0.1` or `::1`. */
  host: string;
  /** 0 (default): chosen by the system. */
  port?: number;
  domain: string;
  service: 'c2s' | 's2s';
  directTls: boolean;
  tls: SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean };
  /** SASL mechanisms after TLS (default SCRAM-SHA-1, PLAIN). */
  mechanisms?: string[];
}

export interface XmppTlsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const HEADER = /<stream:stream[^>]*>/;

/** Reads a socket's text as it comes; `until` resolves once the unread part holds `pattern`. */
class TextReader {
  #text = '';
  #ended = false;
  #wake: (() => void)[] = [];
  readonly #socket: Duplex;
  constructor(socket: Duplex) {
    this.#socket = socket;
    const wake = () => {
      for (const w of this.#wake.splice(0)) w();
    };
    socket.on('data', (d: Buffer) => {
      this.#text += d.toString('latin1');
      wake();
    });
    const end = () => {
      this.#ended = true;
      wake();
    };
    socket.once('close', end);
    socket.once('error', end);
  }
  async until(pattern: RegExp): Promise<void> {
    for (;;) {
      const m = pattern.exec(this.#text);
      if (m) {
        this.#text = this.#text.slice(m.index + m[0].length);
        return;
      }
      if (this.#ended) throw new Error('peer went away');
      await new Promise<void>((r) => this.#wake.push(r));
    }
  }
  /** Stops reading, so the socket's bytes go to whatever takes it over (TLS). */
  detach(): void {
    this.#socket.removeAllListeners('data');
  }
}

export async function startXmppTlsServer(o: XmppTlsServerOptions): Promise<XmppTlsServer> {
  const context = createSecureContext(o.tls);
  const sockets = new Set<Socket>();
  const afterTls = async (tls: TLSSocket) => {
    await new TextReader(tls).until(HEADER);
    tls.write(
      serverHeader(o.service, o.domain) +
        features({ mechanisms: o.mechanisms ?? ['SCRAM-SHA-1', 'PLAIN'], dialback: o.service === 's2s' }),
    );
  };
  const upgrade = (raw: Socket) => {
    const tls = new TLSSocket(raw, {
      isServer: true,
      secureContext: context,
      requestCert: o.tls.requestCert ?? false,
      rejectUnauthorized: o.tls.rejectUnauthorized ?? false,
    });
    // Probes hang up mid-handshake by design (one ClientHello each): not an error of the test.
    tls.on('error', () => tls.destroy());
    tls.once('secure', () => void afterTls(tls).catch(() => tls.destroy()));
  };
  const server: Server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => raw.destroy());
    if (o.directTls) {
      upgrade(raw);
      return;
    }
    const reader = new TextReader(raw);
    void (async () => {
      await reader.until(HEADER);
      raw.write(serverHeader(o.service, o.domain) + features({ starttls: 'required' }));
      await reader.until(/<starttls[^>]*\/>/);
      reader.detach();
      raw.write(PROCEED);
      upgrade(raw);
    })().catch(() => raw.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: o.host, port: o.port ?? 0, ipv6Only: o.host.includes(':') }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    host: o.host,
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
