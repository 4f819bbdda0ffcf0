// Hostile and broken servers: each must end the probe within its step deadline with a specific,
// clear error, with memory bounded, and never crash the process.
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectStarttls,
  probeStream,
  StreamProbeError,
  type StreamTarget,
} from '../../src/observatory/scan/stream/index.ts';
import {
  features,
  type ResponderScript,
  serverHeader,
  startXmppResponder,
  type XmppResponder,
} from '../support/xmpp-responder.ts';

let responder: XmppResponder | null = null;
afterEach(async () => {
  await responder?.close();
  responder = null;
});

const TIMEOUT = 400;

async function serve(script: ResponderScript): Promise<StreamTarget> {
  responder = await startXmppResponder(script);
  return { host: 'hostile.test', port: responder.port, address: responder.host };
}

async function probeError(
  target: StreamTarget,
  opts: Partial<Parameters<typeof probeStream>[3]> = {},
): Promise<StreamProbeError> {
  const err = await probeStream(target, 'hostile.test', 'c2s', { timeoutMs: TIMEOUT, ...opts }).then(
    (r) => {
      throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StreamProbeError);
  return err as StreamProbeError;
}

const clientHeader = /<stream:stream[^>]*>/;

describe('hostile XMPP servers', () => {
  it('a server that never answers: timeout on the stream header', async () => {
    const target = await serve(() => {});
    const err = await probeError(target);
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`no complete answer to the stream header within ${TIMEOUT} ms`);
  });

  it('a server that drip-feeds a byte at a time: the step deadline still ends it', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      await c.drip(serverHeader('c2s', 'hostile.test') + features({ starttls: 'required' }), 100);
    });
    const err = await probeError(target);
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/^no complete answer to the stream (header|features) within 400 ms$/);
  });

  it('endless stream features: refused once the element exceeds its budget', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<stream:features>`);
      await c.flood(
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>",
      );
    });
    const err = await probeError(target, { timeoutMs: 10_000 });
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('an element from the server exceeds 65536 characters');
  });

  it('an endless attribute value inside one tag: refused by the same budget', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<stream:features a='`);
      await c.flood('x'.repeat(4096));
    });
    const err = await probeError(target, { timeoutMs: 10_000 });
    expect(err.code).toBe('too-large');
  });

  it('an endless stream of small elements: refused at the stream byte budget', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'hostile.test'));
      await c.flood('<junk/>'.repeat(512));
    });
    const err = await probeError(target, {
      timeoutMs: 10_000,
      limits: { maxStreamBytes: 256 * 1024, maxElementChars: 64 * 1024, maxDepth: 24 },
    });
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('the server sent more than 262144 bytes');
  });

  it('an endless stream header: refused before any element', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' ");
      await c.flood('a'.repeat(4096));
    });
    const err = await probeError(target, { timeoutMs: 10_000 });
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('no stream header within 65536 characters');
  });

  it('a DOCTYPE with entity expansion (billion laughs) is refused', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">' +
          `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>${serverHeader('c2s', 'hostile.test')}` +
          '<stream:features><x>&lol3;</x></stream:features>',
      );
    });
    const err = await probeError(target);
    expect(err.code).toBe('restricted-xml');
    expect(err.message).toBe(
      'the server sent a DOCTYPE (document type declaration), which XMPP forbids (RFC 6120 §11.1)',
    );
  });

  it('a DOCTYPE split across TCP segments is still seen', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write('<!DO');
      await new Promise((r) => setTimeout(r, 50));
      c.write('CTYPE x>');
    });
    const err = await probeError(target);
    expect(err.code).toBe('restricted-xml');
    expect(err.message).toMatch(/DOCTYPE/);
  });

  it('an undeclared entity reference is refused', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<stream:features><x>&xxe;</x></stream:features>`);
    });
    const err = await probeError(target);
    expect(err.code).toBe('restricted-xml');
    expect(err.message).toMatch(/Illegal XML entity &xxe;/);
  });

  it('a comment inside the stream is refused', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<!-- hi --><stream:features/>`);
    });
    const err = await probeError(target);
    expect(err.code).toBe('restricted-xml');
    expect(err.message).toBe('the server sent an XML comment, which XMPP forbids (RFC 6120 §11.1)');
  });

  it('elements nested too deep are refused', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<stream:features>${'<a>'.repeat(100)}`);
    });
    const err = await probeError(target);
    expect(err.code).toBe('too-deep');
    expect(err.message).toBe('elements from the server nest deeper than 24');
  });

  it('a server that closes mid-stream', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}<stream:features><starttls xmlns='urn:ietf`);
      c.end();
    });
    const err = await probeError(target);
    expect(err.code).toBe('closed');
    expect(err.message).toBe('the server closed the connection mid-stream');
  });

  it('a server that closes the XMPP stream right after its header', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(`${serverHeader('c2s', 'hostile.test')}</stream:stream>`);
    });
    const err = await probeError(target);
    expect(err.code).toBe('closed');
    expect(err.message).toBe('the server closed the XMPP stream');
  });

  it('a <stream:error/> is reported with its condition, even when the server hangs up at once', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(
        `${serverHeader('c2s', 'hostile.test')}<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>` +
          "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>no such host</text></stream:error></stream:stream>",
      );
      c.end();
    });
    const err = await probeError(target);
    expect(err.code).toBe('stream-error');
    expect(err.condition).toBe('host-unknown');
    expect(err.message).toBe(
      'the server closed the stream with a stream error: host-unknown ("no such host")',
    );
  });

  it('<failure/> instead of <proceed/>', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(serverHeader('c2s', 'hostile.test') + features({ starttls: 'offered', mechanisms: ['PLAIN'] }));
      await c.waitFor(/<starttls[^>]*\/>/);
      c.write("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
    });
    const err = await connectStarttls(target, 'hostile.test', 'c2s', { timeoutMs: TIMEOUT })().catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StreamProbeError);
    expect((err as StreamProbeError).code).toBe('starttls-failure');
    expect((err as StreamProbeError).message).toBe(
      'the server answered STARTTLS with <failure/> instead of <proceed/>',
    );
    // probeStream keeps what it learnt before TLS and reports the failure beside it.
    const r = await probeStream(target, 'hostile.test', 'c2s', { timeoutMs: TIMEOUT });
    expect(r.stream.starttls).toBe('offered');
    expect(r.stream.saslBeforeTls).toEqual(['PLAIN']);
    expect(r.peerChain).toBeNull();
    expect(r.tlsError).toBe('the server answered STARTTLS with <failure/> instead of <proceed/>');
  });

  it('non-XML garbage', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    const err = await probeError(target);
    expect(err.code).toBe('not-xml');
    expect(err.message).toBe('the server sent non-XML data (it looks like HTTP)');
  });

  it('TLS bytes on a STARTTLS port', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]));
    });
    const err = await probeError(target);
    expect(err.code).toBe('not-xml');
    expect(err.message).toBe('the server sent non-XML data (it looks like TLS: is this a direct-TLS port?)');
  });

  it('XML that is not an XMPP stream', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write('<html><body>hello</body></html>');
    });
    const err = await probeError(target);
    expect(err.code).toBe('not-xmpp');
    expect(err.message).toBe('the server opened <html> instead of an XMPP stream');
  });

  it('a port nobody listens on', async () => {
    const probe = await startXmppResponder(() => {});
    const port = probe.port;
    await probe.close();
    const err = await probeError({ host: 'gone.test', port, address: '127.0.0.1' });
    expect(err.code).toBe('connect');
    expect(err.message).toMatch(/^cannot connect to gone\.test \(127\.0\.0\.1:\d+\): .*ECONNREFUSED/);
  });

  it('the caller aborts: the probe stops at once', async () => {
    const target = await serve(() => {});
    const ac = new AbortController();
    const p = probeStream(target, 'hostile.test', 'c2s', { timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamProbeError);
    expect((err as StreamProbeError).code).toBe('aborted');
  });

  it('a server without XMPP 1.0 (no features, so no STARTTLS)', async () => {
    const target = await serve(async (c) => {
      await c.waitFor(clientHeader);
      c.write("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>");
    });
    const err = await probeError(target);
    expect(err.code).toBe('protocol');
    expect(err.message).toMatch(/version \(none\): without XMPP 1\.0/);
  });
});
