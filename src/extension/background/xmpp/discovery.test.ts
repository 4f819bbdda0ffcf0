import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverEndpoints, parseHostMetaJson, parseHostMetaXml } from './discovery.ts';
import { CheckError } from './errors.ts';

const JSON_DOC = JSON.stringify({
  links: [
    { rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://xmpp.example.org/xmpp-websocket' },
    { rel: 'urn:xmpp:alt-connections:xbosh', href: 'https://xmpp.example.org/http-bind' },
    { rel: 'urn:xmpp:alt-connections:xbosh', href: 'ftp://nope/' },
    { rel: 'urn:xmpp:alt-connections:websocket', href: 'https://wrong-scheme/' },
    { rel: 'lrdd', href: 'https://example.org/lrdd' },
    'junk',
  ],
});
const XML_DOC = `<?xml version='1.0' encoding='utf-8'?>
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  <Link rel="urn:xmpp:alt-connections:xbosh" href="https://bosh.example.org/http-bind" />
  <Link rel="urn:xmpp:alt-connections:websocket" href="wss://xmpp.example.org/xmpp-websocket" />
  <Link rel="urn:xmpp:alt-connections:websocket" />
</XRD>`;

describe('host-meta parsers', () => {
  it('reads JSON links of the right schemes only', () => {
    expect(parseHostMetaJson(JSON_DOC)).toEqual({
      websocket: ['wss://xmpp.example.org/xmpp-websocket'],
      bosh: ['https://xmpp.example.org/http-bind'],
    });
    expect(parseHostMetaJson('{}')).toEqual({ websocket: [], bosh: [] });
  });

  it('reads XRD links', () => {
    expect(parseHostMetaXml(XML_DOC)).toEqual({
      websocket: ['wss://xmpp.example.org/xmpp-websocket'],
      bosh: ['https://bosh.example.org/http-bind'],
    });
  });

  it.each([
    ['not json', /not JSON/],
    ['[]', /not a JSON object/],
    ['{"links": 3}', /not an array/],
  ])('JSON %j is refused clearly', (text, message) => {
    expect(() => parseHostMetaJson(text)).toThrow(message);
  });

  it.each([
    ['<html/>', /not an XRD document/],
    ['<XRD', /not well-formed/],
    ['', /not well-formed/],
  ])('XML %j is refused clearly', (text, message) => {
    expect(() => parseHostMetaXml(text)).toThrow(message);
  });
});

describe('discoverEndpoints', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((s) => {
        s.closeAllConnections();
        return new Promise((resolve) => s.close(resolve));
      }),
    );
  });

  async function serve(files: Record<string, string>): Promise<string> {
    const server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      if (body === undefined) {
        res.statusCode = 404;
        res.end('not found');
      } else {
        res.end(body);
      }
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('merges both documents without duplicates', async () => {
    const origin = await serve({
      '/.well-known/host-meta.json': JSON_DOC,
      '/.well-known/host-meta': XML_DOC,
    });
    expect(await discoverEndpoints('example.org', { origin })).toEqual({
      websocket: ['wss://xmpp.example.org/xmpp-websocket'],
      bosh: ['https://xmpp.example.org/http-bind', 'https://bosh.example.org/http-bind'],
    });
  });

  it('one document is enough', async () => {
    const origin = await serve({ '/.well-known/host-meta': XML_DOC });
    expect((await discoverEndpoints('example.org', { origin })).bosh).toEqual([
      'https://bosh.example.org/http-bind',
    ]);
  });

  it('no document at all is unreachable, with both reasons', async () => {
    const origin = await serve({});
    const error = await discoverEndpoints('example.org', { origin }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as Error).message).toMatch(
      /host-meta\.json answered HTTP 404.*host-meta answered HTTP 404/,
    );
  });

  it('refuses what is not a domain', async () => {
    for (const domain of ['', 'a/b', 'user@example.org', 'exa mple.org']) {
      await expect(discoverEndpoints(domain)).rejects.toMatchObject({ kind: 'invalid-input' });
    }
  });

  it('a cancelled discovery says so', async () => {
    const origin = await serve({ '/.well-known/host-meta': XML_DOC });
    await expect(
      discoverEndpoints('example.org', { origin, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      kind: 'aborted',
    });
  });
});
