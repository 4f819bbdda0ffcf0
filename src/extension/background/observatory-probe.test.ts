import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProbe, probeObservatory } from './observatory-probe.ts';

const openapi = {
  status: 200,
  json: { openapi: '3.1.0', info: { title: 'Hoplight observatory API', version: '1' } },
};
const stats = { status: 200, json: { domains: 12, scanned: 8, rubricVersion: 2 } };

describe('classifyProbe', () => {
  it('recognises a Hoplight observatory, with its API version and graded domains', () => {
    expect(classifyProbe(openapi, stats)).toEqual({ kind: 'hoplight', apiVersion: '1', domains: 8 });
  });
  it('calls anything else "something else", with its HTTP status', () => {
    expect(classifyProbe({ status: 404, json: null }, { status: 404, json: null })).toEqual({
      kind: 'other',
      httpStatus: 404,
    });
    expect(classifyProbe({ status: 200, json: { info: { title: 'Petstore' } } }, stats)).toEqual({
      kind: 'other',
      httpStatus: 200,
    });
    // A page that mimics the title but not the stats is not taken for one.
    expect(classifyProbe(openapi, { status: 200, json: { scanned: -1 } })).toMatchObject({ kind: 'other' });
    expect(
      classifyProbe(openapi, { status: 200, json: JSON.parse('{"__proto__": {"scanned": 3}}') }),
    ).toMatchObject({
      kind: 'other',
    });
  });
  it('says nothing answered when nothing did', () => {
    expect(classifyProbe(null, null)).toEqual({ kind: 'none' });
  });
});

describe('probeObservatory over HTTP', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(req.url === '/api/v1/stats' ? '<html>not an API</html>' : '<html>hello</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('tells a web page from an observatory, and a closed port from both', async () => {
    expect(await probeObservatory(fetch, url, 5_000)).toEqual({ kind: 'other', httpStatus: 200 });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await probeObservatory(fetch, `http://127.0.0.1:${port}`, 5_000)).toEqual({ kind: 'none' });
  });
});
