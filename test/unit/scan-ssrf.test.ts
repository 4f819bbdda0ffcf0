// SSRF through POSH: a domain's POSH document delegates (`url`) to an IP literal on our own network, in
// each form the WHATWG URL parser accepts. The address policy must refuse every one before any
// connection, with the same text whatever the port's state (else the report is a port scanner). The
// first hop is a real POSH server on 127.0.0.2, named through a DNS server of the test's own and
// exempted; the internal server on 127.0.0.1 counts every connection it gets.
import { createServer as createHttpsServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionGate } from '../../src/observatory/scan/connection-gate.ts';
import { fetchPosh } from '../../src/observatory/scan/posh.ts';
import { type DnsResponder, startDnsResponder } from '../support/dns-responder.ts';
import { issue, makeCa, type TestCert } from '../support/pki.ts';

const FORMS = {
  dotted: (port: number) => `https://127.0.0.1:${port}/internal`,
  decimal: (port: number) => `https://2130706433:${port}/internal`,
  hex: (port: number) => `https://0x7f.1:${port}/internal`,
  mapped: (port: number) => `https://[::ffff:7f00:1]:${port}/internal`,
  closedPort: (_port: number) => 'https://127.0.0.1:9/internal',
} as const;

let ca: TestCert;
let outside: Server;
let inside: Server;
let outsidePort: number;
let insidePort: number;
let dns: DnsResponder;
let insideConnections = 0;
const firstHops: string[] = [];

const listen = (server: Server, host: string) =>
  new Promise<number>((resolve) =>
    server.listen(0, host, () => resolve((server.address() as { port: number }).port)),
  );

beforeAll(async () => {
  ca = await makeCa();
  const names = Object.keys(FORMS).map((form) => `${form.toLowerCase()}.example`);
  const site = await issue(ca, { subject: 'CN=posh', dnsNames: names });
  inside = createHttpsServer({ key: site.keyPem, cert: site.pem }, (_req, res) => res.end('{}'));
  inside.on('connection', () => insideConnections++);
  insidePort = await listen(inside, '127.0.0.1');
  outside = createHttpsServer({ key: site.keyPem, cert: site.pem }, (req, res) => {
    const host = req.headers.host?.split(':')[0] ?? '';
    firstHops.push(host);
    const form = Object.keys(FORMS).find((f) => `${f.toLowerCase()}.example` === host) as keyof typeof FORMS;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: FORMS[form](insidePort), expires: 60 }));
  });
  outsidePort = await listen(outside, '127.0.0.2');
  const zone: Parameters<typeof startDnsResponder>[0] = {};
  for (const name of names) {
    zone[`A ${name}`] = { answers: [{ type: 'A', name, ttl: 60, data: '127.0.0.2' }] };
    zone[`AAAA ${name}`] = { answers: [] };
  }
  dns = await startDnsResponder(zone);
});

afterAll(async () => {
  for (const server of [inside, outside]) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  await dns.close();
});

describe('a POSH delegation to an internal IP literal', () => {
  it.each(Object.keys(FORMS))('in the %s form is refused before any connection', async (form) => {
    const domain = `${form.toLowerCase()}.example`;
    const result = await fetchPosh(domain, 's2s', {
      resolver: { host: dns.host, port: dns.port },
      extraCa: [ca.pem],
      allowPrivate: false,
      timeoutMs: 2000,
      httpsPort: outsidePort,
      gate: new ConnectionGate({ allowPrivate: false, exempt: ['127.0.0.2'] }),
    });
    // The first hop (a name, through our resolver, to the exempted server) was fetched…
    expect(firstHops).toContain(domain);
    // …its delegation was not: refused by the policy, in words that say nothing of the port.
    expect(result.found).toBe(false);
    expect(result.error).toMatch(
      /refusing to connect to the POSH server .*: (127\.0\.0\.1|::ffff:7f00:1) \(loopback\), which is not a public address/,
    );
    expect(result.error).not.toMatch(/ECONNREFUSED|timed out|socket hang up|within/);
    expect(insideConnections).toBe(0);
  });
});
