import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsResponder, startDnsResponder } from '../../../test/support/dns-responder.ts';
import { issue, makeCa, type TestCert } from '../../../test/support/pki.ts';
import { fetchPosh, matchPosh, parsePoshDocument, poshUrl } from './posh.ts';

let ca: TestCert;
let site: TestCert;
let xmppLeaf: TestCert;
let server: Server;
let port: number;
let dns: DnsResponder;
const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();

const b64 = (alg: 'sha256' | 'sha512', der: Uint8Array) => createHash(alg).update(der).digest('base64');
const json = (body: unknown) => (res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  ca = await makeCa();
  site = await issue(ca, {
    subject: 'CN=example.org',
    dnsNames: ['example.org', 'hosting.test', 'bad.test', 'empty.test'],
  });
  xmppLeaf = await issue(ca, { subject: 'CN=example.org', dnsNames: ['example.org'] });
  server = createServer({ key: site.keyPem, cert: site.pem }, (req, res) => {
    const key = `${req.headers.host?.split(':')[0]}${req.url}`;
    const route = routes.get(key);
    if (route) route(res);
    else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  const a = (name: string) => ({ answers: [{ type: 'A' as const, name, ttl: 60, data: '127.0.0.1' }] });
  dns = await startDnsResponder({
    'A example.org': a('example.org'),
    'AAAA example.org': { answers: [] },
    'A hosting.test': a('hosting.test'),
    'AAAA hosting.test': { answers: [] },
    'A bad.test': a('bad.test'),
    'A empty.test': a('empty.test'),
    'AAAA empty.test': { answers: [] },
    'AAAA bad.test': { answers: [] },
  });

  routes.set(
    'example.org/.well-known/posh/xmpp-server.json',
    json({ fingerprints: [{ 'sha-256': b64('sha256', xmppLeaf.der) }], expires: 86400 }),
  );
  routes.set(
    'example.org/.well-known/posh/xmpp-client.json',
    json({ url: `https://hosting.test:${port}/posh/example.org/xmpp-client.json`, expires: 3600 }),
  );
  routes.set(
    'hosting.test/posh/example.org/xmpp-client.json',
    json({
      fingerprints: [{ 'sha-512': b64('sha512', xmppLeaf.der) }, { 'sha-256': 'not base64!' }],
      expires: 60,
    }),
  );
  routes.set(
    'bad.test/.well-known/posh/xmpp-client.json',
    json({ url: `https://bad.test:${port}/again`, expires: 1 }),
  );
  routes.set('bad.test/again', json({ url: `https://bad.test:${port}/again`, expires: 1 }));
  routes.set('bad.test/.well-known/posh/xmpp-server.json', (res) => {
    res.writeHead(302, { location: 'https://elsewhere.test/' });
    res.end();
  });
  routes.set('hosting.test/.well-known/posh/xmpp-server.json', (res) => {
    res.writeHead(200);
    res.write('{"fingerprints": [');
    res.end('x'.repeat(100_000));
  });
  routes.set('hosting.test/.well-known/posh/xmpp-client.json', () => {
    // Never answers: the client's deadline must end it.
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await dns.close();
});

const opts = (over: Partial<Parameters<typeof fetchPosh>[2]> = {}) => ({
  resolver: { host: dns.host, port: dns.port },
  extraCa: [ca.pem],
  allowPrivate: true,
  timeoutMs: 1000,
  httpsPort: port,
  ...over,
});

describe('fetchPosh', () => {
  it('fetches fingerprints over validated HTTPS, resolving through our resolver', async () => {
    const r = await fetchPosh('example.org', 's2s', opts());
    expect(r).toEqual({
      url: `https://example.org:${port}/.well-known/posh/xmpp-server.json`,
      found: true,
      fingerprints: [{ algorithm: 'sha-256', value: b64('sha256', xmppLeaf.der) }],
      matches: null,
      error: null,
    });
    expect(matchPosh(r, [xmppLeaf.der]).matches).toBe(true);
    expect(matchPosh(r, [site.der, xmppLeaf.der]).matches).toBe(false);
  });

  it('follows a `url` delegation once', async () => {
    const r = await fetchPosh('example.org', 'c2s', opts());
    expect(r.error).toBeNull();
    expect(r.url).toBe(`https://hosting.test:${port}/posh/example.org/xmpp-client.json`);
    expect(r.fingerprints).toEqual([{ algorithm: 'sha-512', value: b64('sha512', xmppLeaf.der) }]);
    expect(matchPosh(r, [xmppLeaf.der]).matches).toBe(true);
  });

  it('refuses a second delegation', async () => {
    const r = await fetchPosh('bad.test', 'c2s', opts());
    expect(r.found).toBe(false);
    expect(r.error).toBe('the POSH delegation points to another delegation');
    expect(matchPosh(r, [xmppLeaf.der]).matches).toBeNull();
  });

  it('does not follow HTTP redirects', async () => {
    const r = await fetchPosh('bad.test', 's2s', opts());
    expect(r.error).toMatch(/HTTP 302 redirect \(POSH delegates with a "url" member/);
  });

  it('reports a missing document', async () => {
    const r = await fetchPosh('empty.test', 'c2s', opts());
    expect(r).toEqual({
      url: `https://empty.test:${port}/.well-known/posh/xmpp-client.json`,
      found: false,
      fingerprints: [],
      matches: null,
      error: `no POSH document at https://empty.test:${port}/.well-known/posh/xmpp-client.json: HTTP 404`,
    });
  });

  it('ends a server that never answers at the deadline', async () => {
    const r = await fetchPosh('hosting.test', 'c2s', opts({ timeoutMs: 300 }));
    expect(r.found).toBe(false);
    expect(r.error).toBe(
      `no complete answer from https://hosting.test:${port}/.well-known/posh/xmpp-client.json within 300 ms`,
    );
  });

  it('bounds the body size', async () => {
    const r = await fetchPosh('hosting.test', 's2s', opts());
    expect(r.error).toMatch(/is larger than 65536 bytes/);
  });

  it('requires a certificate valid by the trust store', async () => {
    const r = await fetchPosh('example.org', 's2s', opts({ extraCa: [] }));
    expect(r.found).toBe(false);
    expect(r.error).toMatch(
      /^cannot fetch https:\/\/example\.org:\d+\/\.well-known\/posh\/xmpp-server\.json: .*(certificate|issuer)/,
    );
  });

  it('refuses non-public addresses unless allowed', async () => {
    const r = await fetchPosh('example.org', 's2s', opts({ allowPrivate: false }));
    expect(r.error).toMatch(
      /refusing to connect to the POSH server example\.org \(127\.0\.0\.1 port \d+\): 127\.0\.0\.1 \(loopback\), which is not a public address/,
    );
  });

  it('reports a name that does not resolve', async () => {
    const r = await fetchPosh('nowhere.test', 's2s', opts());
    expect(r.error).toMatch(/cannot resolve nowhere\.test: .*NXDOMAIN/);
  });

  it('throws only for a malformed domain', async () => {
    await expect(fetchPosh('not a domain', 's2s', opts())).rejects.toThrow(/invalid DNS name/);
  });
});

describe('parsePoshDocument', () => {
  const fp = Buffer.alloc(32, 1).toString('base64');
  it('accepts fingerprints and expires', () => {
    expect(parsePoshDocument(JSON.stringify({ fingerprints: [{ 'sha-256': fp }], expires: 10 }))).toEqual({
      kind: 'fingerprints',
      fingerprints: [{ algorithm: 'sha-256', value: fp }],
      expires: 10,
    });
  });
  it.each([
    ['not json', /not valid JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ fingerprints: [{ 'sha-256': fp }] }), /no valid "expires"/],
    [JSON.stringify({ fingerprints: [{ 'sha-256': fp }], expires: -1 }), /no valid "expires"/],
    [JSON.stringify({ expires: 1 }), /neither "fingerprints" nor "url"/],
    [JSON.stringify({ url: 'http://x/', expires: 1 }), /must be an https: URL/],
    [
      JSON.stringify({ fingerprints: [{ 'sha-256': 'AAAA' }, 'x', null], expires: 1 }),
      /no usable sha-256 or sha-512/,
    ],
  ])('rejects %s', (text, error) => {
    expect(() => parsePoshDocument(text)).toThrow(error);
  });
  it('builds the well-known URL', () => {
    expect(poshUrl('Example.ORG', 'c2s')).toBe('https://example.org/.well-known/posh/xmpp-client.json');
    expect(poshUrl('example.org', 's2s', 8443)).toBe(
      'https://example.org:8443/.well-known/posh/xmpp-server.json',
    );
  });
});
