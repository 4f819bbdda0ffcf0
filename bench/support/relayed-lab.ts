// The lab behind delay relays: every port of the chosen domains relayed from 127.0.3.N to 127.0.2.N
// (same port), and a resolver in front of the lab's that rewrites A answers to the relays, so a
// whole-domain scan goes through them unchanged. DNS itself is not delayed (a nearby resolver is
// assumed; only the TCP connections to the servers cross the slow path).
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { LabState } from '../../lab/state.ts';
import { ConnectionCounter, type DelayRelay, startDelayRelay } from './delay-relay.ts';

/** 127.0.2.N → 127.0.3.N: the relay in front of a lab address. */
export function relayAddress(labAddress: string): string {
  const m = /^127\.0\.2\.(\d+)$/.exec(labAddress);
  if (!m) throw new Error(`${labAddress} is not a lab address (127.0.2.0/24)`);
  return `127.0.3.${m[1]}`;
}

export interface RelayedLab {
  counter: ConnectionCounter;
  /** A resolver that answers like the lab's, with the relays' addresses. */
  resolver: { host: string; port: number };
  close(): Promise<void>;
}

/** Relays every TCP port of `domains` with `oneWayMs` each way; the resolver rewrites their addresses. */
export async function startRelayedLab(
  state: LabState,
  domains: readonly string[],
  oneWayMs: number,
): Promise<RelayedLab> {
  const counter = new ConnectionCounter();
  const relays: DelayRelay[] = [];
  const rewrite = new Map<string, string>();
  const closeAll = async () => {
    await Promise.all(relays.map((r) => r.close()));
  };
  try {
    for (const domain of domains) {
      const d = state.domains[domain];
      if (!d) throw new Error(`${domain} is not a lab domain`);
      const host = relayAddress(d.address);
      rewrite.set(d.address, host);
      const ports = [d.c2sPort, d.s2sPort, d.c2sDirectPort, d.s2sDirectPort, d.poshPort ?? null];
      for (const port of ports) {
        if (port === null) continue;
        relays.push(
          await startDelayRelay({
            listen: { host, port },
            upstream: { host: d.address, port },
            oneWayMs,
            counter,
          }),
        );
      }
    }
    const dns = await startRewritingResolver(state.resolver, rewrite);
    return {
      counter,
      resolver: dns.address,
      close: async () => {
        await dns.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Forwards UDP queries to `upstream` and maps A answers through `rewrite`; other answers pass unchanged. */
async function startRewritingResolver(
  upstream: { host: string; port: number },
  rewrite: ReadonlyMap<string, string>,
): Promise<{ address: { host: string; port: number }; close(): Promise<void> }> {
  const server = createSocket('udp4');
  server.on('message', (query, client) => {
    const out = createSocket('udp4');
    const timer = setTimeout(() => out.close(), 5000);
    out.on('message', (answer) => {
      clearTimeout(timer);
      out.close();
      let reply: Uint8Array = answer;
      try {
        const packet = dnsPacket.decode(answer);
        for (const a of packet.answers ?? []) {
          if (a.type === 'A' && typeof a.data === 'string') a.data = rewrite.get(a.data) ?? a.data;
        }
        reply = dnsPacket.encode(packet);
      } catch {
        // Not decodable: pass it on as it came; the scanner reports what it makes of it.
      }
      server.send(reply, client.port, client.address);
    });
    out.send(query, upstream.port, upstream.host);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.bind(0, '127.0.3.1', () => resolve());
  });
  const { port } = server.address();
  return {
    address: { host: '127.0.3.1', port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
