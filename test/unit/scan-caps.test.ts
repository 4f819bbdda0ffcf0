// One domain with 800 SRV records, answered by a DNS server of the test's own: the scan must look at
// 8 targets per service, never hold more sockets than its cap, and give every socket slot back.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainReport } from '../../src/core/report.ts';
import { DEFAULT_SCAN_CAPS, freeProcessSockets } from '../../src/observatory/scan/connection-gate.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';
import { type DnsResponder, startDnsResponder } from '../support/dns-responder.ts';

const DOMAIN = 'many.example';
const RECORDS = 800;

let dns: DnsResponder;
let server: Server;
let open = 0;
let peakOpen = 0;
let accepted = 0;
let report: DomainReport;
let freeBefore = 0;

beforeAll(async () => {
  // Holds each connection a moment without a word, so that concurrent connections pile up if uncapped.
  server = createServer((socket: Socket) => {
    accepted++;
    peakOpen = Math.max(peakOpen, ++open);
    socket.on('close', () => open--);
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), 100);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const srv = (name: string) =>
    Array.from({ length: RECORDS }, (_, i) => ({
      type: 'SRV' as const,
      name,
      ttl: 60,
      data: { priority: i % 7, weight: i, port, target: `t${i}.${DOMAIN}` },
    }));
  const zone: Parameters<typeof startDnsResponder>[0] = {
    [`SRV _xmpp-client._tcp.${DOMAIN}`]: { answers: srv(`_xmpp-client._tcp.${DOMAIN}`) },
    [`SRV _xmpps-client._tcp.${DOMAIN}`]: { answers: srv(`_xmpps-client._tcp.${DOMAIN}`) },
    [`SRV _xmpp-server._tcp.${DOMAIN}`]: { answers: srv(`_xmpp-server._tcp.${DOMAIN}`) },
  };
  for (let i = 0; i < RECORDS; i++) {
    const host = `t${i}.${DOMAIN}`;
    zone[`A ${host}`] = { answers: [{ type: 'A', name: host, ttl: 60, data: '127.0.0.1' }] };
    zone[`AAAA ${host}`] = { answers: [] };
  }
  dns = await startDnsResponder(zone);
  freeBefore = freeProcessSockets();
  report = await scanDomain(DOMAIN, {
    resolver: { host: dns.host, port: dns.port },
    extraCa: [],
    allowPrivate: true,
    timeoutMs: 1000,
    perHostConcurrency: 4,
    caps: { openSocketsPerScan: 6 },
  });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await dns?.close();
});

describe('a domain with 800 SRV records', () => {
  it('is scanned on the 8 targets of highest priority per service, and says so', () => {
    for (const service of ['c2s', 's2s'] as const) {
      const { targets, findings } = report.services[service];
      expect(targets).toHaveLength(DEFAULT_SCAN_CAPS.targetsPerService);
      expect(targets.every((t) => t.priority === 0)).toBe(true);
      expect(findings.map((f) => f.code)).toContain('dns.srv.too-many-targets');
    }
  });

  it('never holds more sockets than the scan’s cap, and gives every slot back', async () => {
    expect(accepted).toBeGreaterThan(0);
    expect(peakOpen).toBeLessThanOrEqual(6);
    // A slot comes back on the socket's `close`, which may follow the report by a tick.
    await vi.waitFor(() => expect(freeProcessSockets()).toBe(freeBefore), { timeout: 3000 });
  });
});
