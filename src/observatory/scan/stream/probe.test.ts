import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeChain } from '../../../../test/support/pki.ts';
import {
  features,
  PROCEED,
  type ResponderScript,
  type ResponderTls,
  serverHeader,
  startXmppResponder,
  type XmppResponder,
} from '../../../../test/support/xmpp-responder.ts';
import { connectDirect, connectStarttls, probeStream, StreamProbeError } from './index.ts';

let tls: ResponderTls;
let chainDer: Uint8Array[];
let responder: XmppResponder | null = null;
const headers: string[] = [];

beforeAll(async () => {
  const { leaf, intermediate } = await makeChain('example.test');
  tls = { key: leaf.keyPem, cert: leaf.pem + intermediate.pem };
  chainDer = [leaf.der, intermediate.der];
});
afterEach(async () => {
  await responder?.close();
  responder = null;
  headers.length = 0;
});
afterAll(() => {});

async function serve(script: ResponderScript) {
  responder = await startXmppResponder(script, { tls });
  return { host: 'xmpp.example.test', port: responder.port, address: responder.host };
}

const clientHeader = /<stream:stream[^>]*>/;

/** A well-behaved server: features before and after TLS as given. */
function goodServer(
  service: 'c2s' | 's2s',
  before: Parameters<typeof features>[0],
  after: Parameters<typeof features>[0],
): ResponderScript {
  return async (c) => {
    headers.push(await c.waitFor(clientHeader));
    c.write(serverHeader(service, 'example.test', 'one') + features(before));
    await c.waitFor(/<starttls[^>]*\/>/);
    c.write(PROCEED);
    await c.startTls();
    headers.push(await c.waitFor(clientHeader));
    c.write(serverHeader(service, 'example.test', 'two') + features(after));
  };
}

describe('probeStream', () => {
  it('c2s with STARTTLS required: features before and after TLS, chain and cipher', async () => {
    const target = await serve(
      goodServer(
        'c2s',
        { starttls: 'required', mechanisms: ['PLAIN', 'SCRAM-SHA-1'] },
        { mechanisms: ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-1'] },
      ),
    );
    const r = await probeStream(target, 'example.test', 'c2s', { timeoutMs: 2000 });
    expect(r.tlsError).toBeNull();
    expect(r.afterTlsError).toBeNull();
    expect(r.stream).toEqual({
      header: { from: 'example.test', id: 'two', version: '1.0' },
      starttls: 'required',
      saslBeforeTls: ['PLAIN', 'SCRAM-SHA-1'],
      saslAfterTls: ['SCRAM-SHA-1', 'SCRAM-SHA-256'],
      dialback: false,
      saslExternal: false,
      software: null,
    });
    expect(r.peerChain).toEqual(chainDer);
    expect(r.negotiated?.protocol).toBe('TLSv1.3');
    expect(r.negotiated?.cipher).toMatch(/^TLS_/);
    expect(headers[0]).toContain("xmlns='jabber:client'");
    expect(headers[0]).toContain("to='example.test'");
    expect(headers[0]).toContain("version='1.0'");
    expect(headers[0]).not.toContain('from=');
  });

  it('s2s: dialback namespace in our header, dialback and SASL EXTERNAL read', async () => {
    const target = await serve(
      goodServer(
        's2s',
        { starttls: 'offered', dialback: true },
        { mechanisms: ['EXTERNAL'], dialback: true },
      ),
    );
    const r = await probeStream(target, 'example.test', 's2s', { timeoutMs: 2000, from: 'hoplight.test' });
    expect(r.stream.starttls).toBe('offered');
    expect(r.stream.dialback).toBe(true);
    expect(r.stream.saslExternal).toBe(true);
    expect(r.stream.saslAfterTls).toEqual(['EXTERNAL']);
    expect(headers[0]).toContain("xmlns='jabber:server'");
    expect(headers[0]).toContain("xmlns:db='jabber:server:dialback'");
    expect(headers[0]).toContain("from='hoplight.test'");
  });

  it('s2s without a from domain leaves `from` out', async () => {
    const target = await serve(
      goodServer('s2s', { starttls: 'offered', dialback: true }, { dialback: true }),
    );
    await probeStream(target, 'example.test', 's2s', { timeoutMs: 2000 });
    expect(headers[0]).not.toContain('from=');
  });

  it('no STARTTLS offered: plaintext features only, no chain', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'example.test') + features({ mechanisms: ['PLAIN'] }));
    });
    const r = await probeStream(target, 'example.test', 'c2s', { timeoutMs: 2000 });
    expect(r.stream.starttls).toBe('none');
    expect(r.stream.saslBeforeTls).toEqual(['PLAIN']);
    expect(r.peerChain).toBeNull();
    expect(r.negotiated).toBeNull();
  });

  it('direct TLS (XEP-0368): handshake first, then the stream', async () => {
    const target = await serve(async (c) => {
      await c.startTls();
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'example.test') + features({ mechanisms: ['SCRAM-SHA-1'] }));
    });
    const r = await probeStream({ ...target, directTls: true }, 'example.test', 'c2s', { timeoutMs: 2000 });
    expect(r.stream.starttls).toBe('none');
    expect(r.stream.saslAfterTls).toEqual(['SCRAM-SHA-1']);
    expect(r.peerChain).toEqual(chainDer);
  });

  it('a stream closed after a good handshake keeps the TLS facts (s2s peer wanting a client certificate)', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('s2s', 'example.test') + features({ starttls: 'required', dialback: true }));
      await c.waitFor(/<starttls[^>]*\/>/);
      c.write(PROCEED);
      await c.startTls();
      await c.waitFor(clientHeader);
      c.write(
        `${serverHeader('s2s', 'example.test')}<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`,
      );
      c.end();
    });
    const r = await probeStream(target, 'example.test', 's2s', { timeoutMs: 2000 });
    expect(r.tlsError).toBeNull();
    expect(r.afterTlsError).toBe('the server closed the stream with a stream error: not-authorized');
    expect(r.peerChain).toEqual(chainDer);
    expect(r.negotiated?.protocol).toBe('TLSv1.3');
    expect(r.stream.dialback).toBe(true);
    expect(r.stream.saslAfterTls).toEqual([]);
  });

  it('a TLS handshake failure after <proceed/> is reported beside the plaintext facts', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'example.test') + features({ starttls: 'required' }));
      await c.waitFor(/<starttls[^>]*\/>/);
      c.write(PROCEED);
      await c.waitFor(/[\s\S]{5}/);
      c.write(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])); // handshake_failure alert
      c.end();
    });
    const r = await probeStream(target, 'example.test', 'c2s', { timeoutMs: 2000 });
    expect(r.stream.starttls).toBe('required');
    expect(r.peerChain).toBeNull();
    expect(r.tlsError).toMatch(/^the TLS handshake failed: /);
  });
});

describe('connectors', () => {
  it('connectStarttls resolves the raw socket after <proceed/>, bytes after it not lost', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'example.test') + features({ starttls: 'required' }));
      await c.waitFor(/<starttls[^>]*\/>/);
      c.write(`${PROCEED}EXTRA>BYTES`);
    });
    const socket = await connectStarttls(target, 'example.test', 'c2s', { timeoutMs: 2000 })();
    const text = await new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.length >= 11) resolve(got);
      });
    });
    expect(text).toBe('EXTRA>BYTES');
    socket.destroy();
  });

  it('connectStarttls gives a socket a TLS client can handshake on, once per call', async () => {
    const target = await serve(goodServer('s2s', { starttls: 'required' }, {}));
    const connector = connectStarttls(target, 'example.test', 's2s', { timeoutMs: 2000 });
    for (let i = 0; i < 2; i++) {
      const raw: Duplex = await connector();
      const secure = tlsConnect({ socket: raw, servername: 'example.test', rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      expect(secure.getPeerX509Certificate()?.subject).toBe('CN=example.test');
      secure.destroy();
    }
    expect(responder?.connections).toBe(2);
  });

  it('connectStarttls refuses a target without STARTTLS', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'example.test') + features({}));
    });
    const err = await connectStarttls(target, 'example.test', 'c2s', { timeoutMs: 2000 })().catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StreamProbeError);
    expect((err as StreamProbeError).message).toBe(
      `xmpp.example.test:${target.port} does not offer STARTTLS`,
    );
  });

  it('connectDirect opens plain TCP', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(/ping/);
      c.write('pong');
    });
    const socket = await connectDirect(target, { timeoutMs: 2000 })();
    socket.write('ping');
    const got = await new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString())));
    expect(got).toBe('pong');
    socket.destroy();
  });
});
