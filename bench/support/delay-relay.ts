// A TCP relay that adds network latency on loopback, where this kernel has no netem: every chunk is
// held `oneWayMs` in each direction, so a round trip costs 2·oneWayMs. A TCP connect costs a round
// trip on a real network but nothing here (the kernel accepts at once), so the client's first bytes
// are also held until 1.5 round trips after the accept: where they would reach the server after a
// real SYN, SYN-ACK, and the data's own flight. It counts the TCP connections it accepts.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DelayRelayOptions {
  /** Where the relay listens. */
  listen: { host: string; port: number };
  /** Where it forwards. */
  upstream: { host: string; port: number };
  /** Delay per direction, ms (25 → a 50 ms round trip). */
  oneWayMs: number;
  /** Shared across relays, so one tool's connections to several ports add up. */
  counter?: ConnectionCounter;
}

export class ConnectionCounter {
  accepted = 0;
  reset(): number {
    const n = this.accepted;
    this.accepted = 0;
    return n;
  }
}

export interface DelayRelay {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Forwards `from` to `to`, each chunk (and the end) delivered `delayMs` later, never before `notBefore()`. */
function pipeDelayed(from: Socket, to: Socket, delayMs: number, notBefore: () => number): void {
  // Deliveries are scheduled at non-decreasing times, so the stream's order is kept.
  let last = 0;
  const later = (deliver: () => void) => {
    const at = Math.max(performance.now() + delayMs, notBefore(), last);
    last = at;
    setTimeout(deliver, Math.max(0, at - performance.now()));
  };
  from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
  from.on('end', () => later(() => to.destroyed || to.end()));
}

export function startDelayRelay(opts: DelayRelayOptions): Promise<DelayRelay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (opts.counter) opts.counter.accepted++;
    const acceptedAt = performance.now();
    const upstream = connect({ host: opts.upstream.host, port: opts.upstream.port, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    }
    const firstBytesAt = () => acceptedAt + 3 * opts.oneWayMs;
    pipeDelayed(client, upstream, opts.oneWayMs, firstBytesAt);
    pipeDelayed(upstream, client, opts.oneWayMs, () => 0);
    // A reset on either side resets the other, after the same delay a FIN would take.
    const fail = (other: Socket) => () => setTimeout(() => other.destroy(), opts.oneWayMs);
    client.on('error', fail(upstream));
    upstream.on('error', fail(client));
    // One side gone: the other ends once the last delayed chunk is out, and is dropped if it lingers.
    const closed = (other: Socket) => () => {
      setTimeout(() => other.end(), opts.oneWayMs + 1);
      setTimeout(() => other.destroy(), opts.oneWayMs + 5000).unref();
    };
    client.on('close', closed(upstream));
    upstream.on('close', closed(client));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : opts.listen.port;
      resolve({
        host: opts.listen.host,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
