// The prober against the scripted responder on 127.0.0.1: detection of weak and odd configurations, and
// clean failure on servers that misbehave.
import type { Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TlsResult } from '../../src/core/report.ts';
import { type ProbeTlsOptions, probeTls, TlsProbeError } from '../../src/observatory/scan/tls/prober.ts';
import { issue } from '../support/pki.ts';
import { type ResponderConfig, startTlsResponder, type TlsResponder } from '../support/tls-responder.ts';

let certificate: Uint8Array;
const responders: TlsResponder[] = [];

beforeAll(async () => {
  certificate = (await issue(null, { subject: 'CN=tls.test', dnsNames: ['tls.test'], key: 'rsa-2048' })).der;
});

afterEach(async () => {
  await Promise.all(responders.splice(0).map((r) => r.close()));
});

async function responder(config: ResponderConfig): Promise<TlsResponder> {
  const r = await startTlsResponder({ certificate, ...config });
  responders.push(r);
  return r;
}

async function probe(r: TlsResponder, opts: Partial<ProbeTlsOptions> = {}): Promise<TlsResult> {
  return probeTls(r.connector, { serverName: 'tls.test', timeoutMs: 2000, ...opts });
}

const codes = (result: TlsResult, version: string) =>
  result.perVersion.find((v) => v.version === version)?.suites.map((s) => s.code);

describe('probeTls against a scripted server', () => {
  it('finds SSLv3 and its RC4, 3DES, export, NULL and anonymous suites', async () => {
    const r = await responder({ versions: ['SSLv3'], suites: [0x0005, 0x000a, 0x0003, 0x0001, 0x0018] });
    const result = await probe(r);
    expect(result.versions).toEqual(['SSLv3']);
    const suites = result.perVersion[0]!.suites;
    expect(suites.map((s) => s.code)).toEqual([0x0005, 0x000a, 0x0003, 0x0001, 0x0018]);
    expect(suites.find((s) => s.code === 0x0005)?.rc4).toBe(true);
    expect(suites.find((s) => s.code === 0x000a)?.smallBlock).toBe(true);
    expect(suites.find((s) => s.code === 0x0003)?.export).toBe(true);
    expect(suites.find((s) => s.code === 0x0001)?.bits).toBe(0);
    expect(suites.find((s) => s.code === 0x0018)?.anonymous).toBe(true);
    expect(result.serverPreference).toBe(true);
    expect(result.handshakes).toBe(r.hellos.length);
    expect(r.hellos.every((h) => h.legacyVersion !== 0x0300 || h.extensions.size === 0)).toBe(true);
  });

  it('records a version negotiated down as what it is', async () => {
    const r = await responder({ versions: ['TLSv1.0'], suites: [0x002f, 0x0035] });
    const result = await probe(r);
    expect(result.versions).toEqual(['TLSv1.0']);
    expect(codes(result, 'TLSv1.0')).toEqual([0x002f, 0x0035]);
    // The TLS 1.1 and 1.2 probes were answered with TLS 1.0 ServerHellos.
    expect(r.hellos.some((h) => h.legacyVersion === 0x0303 && h.supportedVersions === null)).toBe(true);
  });

  it('detects TLS compression', async () => {
    const on = await probe(await responder({ versions: ['TLSv1.2'], suites: [0xc02f], compression: true }));
    expect(on.compression).toBe(true);
    const off = await probe(await responder({ versions: ['TLSv1.2'], suites: [0xc02f], compression: false }));
    expect(off.compression).toBe(false);
  });

  it('tells server preference from client preference and reports the server order', async () => {
    const order = [0x009c, 0xc030, 0x0035, 0xc02f];
    const server = await probe(
      await responder({ versions: ['TLSv1.2'], suites: order, preference: 'server' }),
    );
    expect(server.serverPreference).toBe(true);
    expect(codes(server, 'TLSv1.2')).toEqual(order);
    const client = await probe(
      await responder({ versions: ['TLSv1.2'], suites: order, preference: 'client' }),
    );
    expect(client.serverPreference).toBe(false);
    expect(codes(client, 'TLSv1.2')).toEqual([...order].sort((a, b) => a - b));
    const single = await probe(await responder({ versions: ['TLSv1.2'], suites: [0xc02f] }));
    expect(single.serverPreference).toBeNull();
  });

  it('reads a 1024-bit DH prime from the DHE ServerKeyExchange', async () => {
    const result = await probe(
      await responder({ versions: ['TLSv1.0', 'TLSv1.2'], suites: [0x0033, 0x009e, 0xc02f], dhBits: 1024 }),
    );
    expect(result.dhBits).toBe(1024);
    const noDhe = await probe(await responder({ versions: ['TLSv1.2'], suites: [0xc02f] }));
    expect(noDhe.dhBits).toBeNull();
  });

  it('finds TLS 1.3 suites and every accepted group, through HelloRetryRequests', async () => {
    const r = await responder({
      versions: ['TLSv1.2', 'TLSv1.3'],
      suites: [0x1302, 0x1301, 0x1303, 0xc030],
      groups: ['secp384r1', 'x25519', 'ffdhe3072', 'brainpoolP256r1'],
    });
    const result = await probe(r);
    expect(result.versions).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(codes(result, 'TLSv1.3')).toEqual([0x1302, 0x1301, 0x1303]);
    expect([...result.groups].sort()).toEqual(['brainpoolP256r1', 'ffdhe3072', 'secp384r1', 'x25519']);
    // Without an x25519 share the server must ask for another group: the 1.3 suites are still found.
    const hrrOnly = await probe(
      await responder({ versions: ['TLSv1.3'], suites: [0x1301], groups: ['secp521r1'] }),
    );
    expect(hrrOnly.versions).toEqual(['TLSv1.3']);
    expect(hrrOnly.groups).toEqual(['secp521r1']);
  });

  it('recognises ML-KEM hybrid groups', async () => {
    const r = await responder({
      versions: ['TLSv1.3'],
      suites: [0x1301],
      groups: ['X25519MLKEM768', 'x25519', 'SecP256r1MLKEM768'],
    });
    const result = await probe(r);
    expect([...result.groups].sort()).toEqual(['SecP256r1MLKEM768', 'X25519MLKEM768', 'x25519']);
  });

  it('finds every suite of a server that follows the client order, in parallel chains', async () => {
    const suites = [
      0xc02f, 0xc030, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0xcca8, 0xc027, 0xc028, 0x003c,
    ];
    const r = await responder({ versions: ['TLSv1.2'], suites, preference: 'client' });
    const result = await probe(r, { concurrency: 4 });
    expect(codes(result, 'TLSv1.2')).toEqual([...suites].sort((a, b) => a - b));
    expect(result.serverPreference).toBe(false);
    // The server's own order is found by one chain instead, and reported as it is.
    const ordered = await probe(await responder({ versions: ['TLSv1.2'], suites }), { concurrency: 4 });
    expect(codes(ordered, 'TLSv1.2')).toEqual(suites);
    expect(ordered.serverPreference).toBe(true);
  });

  it('finds forty suites of a client-order server with about one handshake each, and the order of one with its own', async () => {
    // Every TLS 1.2 suite OpenSSL can run with an RSA certificate or none, forty of them.
    const suites = [
      0xc02f, 0xc030, 0xcca8, 0xc027, 0xc028, 0xc013, 0xc014, 0x009e, 0x009f, 0xccaa, 0x0067, 0x006b, 0x0033,
      0x0039, 0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, 0xc09c, 0xc09d, 0xc0a0, 0xc0a1, 0xc09e, 0xc09f,
      0xc0a2, 0xc0a3, 0x0041, 0x0084, 0x0045, 0x0088, 0x00ba, 0x00c0, 0x00be, 0x00c4, 0xc050, 0xc051, 0xc060,
      0xc061,
    ];
    const r = await responder({ versions: ['TLSv1.2'], suites, preference: 'client' });
    const result = await probe(r, { concurrency: 8 });
    expect(codes(result, 'TLSv1.2')).toEqual([...suites].sort((a, b) => a - b));
    expect(result.serverPreference).toBe(false);
    // One pick per handshake, plus a refusal to end each chain the forks made, the versions and groups.
    expect(result.handshakes).toBeLessThan(suites.length + 25);
    const ordered = await probe(await responder({ versions: ['TLSv1.2'], suites }), { concurrency: 8 });
    expect(codes(ordered, 'TLSv1.2')).toEqual(suites);
    expect(ordered.serverPreference).toBe(true);
  });

  it('finds the groups of a server without TLS 1.3, with nothing of 1.3 to wait for', async () => {
    const groups = ['secp384r1', 'secp521r1', 'brainpoolP256r1', 'x25519', 'secp256r1'];
    const result = await probe(await responder({ versions: ['TLSv1.2'], suites: [0xc02f, 0xc030], groups }));
    expect([...result.groups].sort()).toEqual([...groups].sort());
  });

  it('offers ALPN in every ClientHello when asked (direct TLS)', async () => {
    const r = await responder({ versions: ['TLSv1.2', 'TLSv1.3'], suites: [0x1301, 0xc02f] });
    await probe(r, { alpn: ['xmpp-client'] });
    expect(r.hellos.length).toBeGreaterThan(0);
    expect(r.hellos.every((h) => h.legacyVersion === 0x0300 || h.alpn.join() === 'xmpp-client')).toBe(true);
  });

  it('finds suites the local OpenSSL lacks, across ClientHello batches', async () => {
    const odd = [0x0081, 0xc04a, 0xc07a, 0xff85];
    const r = await responder({ versions: ['TLSv1.2'], suites: odd });
    const result = await probe(r, { suitesPerHello: 50 });
    expect(codes(result, 'TLSv1.2')).toEqual(odd);
    expect(r.hellos.every((h) => h.suites.filter((c) => c !== 0x00ff).length <= 50)).toBe(true);
    expect(result.perVersion[0]!.suites.map((s) => s.name)).toContain('TLS_GOSTR341001_WITH_28147_CNT_IMIT');
  });

  it('reads answers spread over tiny records', async () => {
    const result = await probe(
      await responder({ versions: ['TLSv1.2'], suites: [0x009e, 0xc02f], dhBits: 2048, fragment: 3 }),
    );
    expect(codes(result, 'TLSv1.2')).toEqual([0x009e, 0xc02f]);
    expect(result.dhBits).toBe(2048);
  });

  it('sends SNI and keeps to the connection limit', async () => {
    const r = await responder({
      versions: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      suites: [0x1301, 0xc02f, 0x002f],
    });
    let open = 0;
    let peak = 0;
    const connector = async (signal?: AbortSignal) => {
      const socket = (await r.connector(signal)) as Socket;
      open++;
      peak = Math.max(peak, open);
      const destroy = socket.destroy.bind(socket);
      let counted = true;
      socket.destroy = (err?: Error) => {
        if (counted) open--;
        counted = false;
        return destroy(err);
      };
      return socket;
    };
    const result = await probeTls(connector, { serverName: 'tls.test', timeoutMs: 2000, concurrency: 2 });
    expect(result.versions).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(peak).toBeLessThanOrEqual(2);
    expect(r.hellos.every((h) => h.serverName === 'tls.test' || h.legacyVersion === 0x0300)).toBe(true);
  });

  it('reports no TLS for a server that refuses every ClientHello', async () => {
    const result = await probe(await responder({ versions: [], suites: [] }));
    expect(result).toMatchObject({ versions: [], perVersion: [], groups: [], compression: false });
  });
});

describe('probeTls against misbehaving servers', () => {
  const base: ResponderConfig = { versions: ['TLSv1.2'], suites: [0xc02f] };

  async function failure(
    config: ResponderConfig,
    opts: Partial<ProbeTlsOptions> = {},
  ): Promise<TlsProbeError> {
    const r = await responder(config);
    const err = await probe(r, { timeoutMs: 300, ...opts }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsProbeError);
    return err as TlsProbeError;
  }

  it('gives up on a server that never answers', async () => {
    const err = await failure({ ...base, misbehaviour: { kind: 'silent' } });
    expect(err.message).toMatch(/no ServerHello within 300 ms/);
  });

  it('gives up on a server that drips one byte at a time', async () => {
    const err = await failure({ ...base, misbehaviour: { kind: 'drip', intervalMs: 25 } });
    expect(err.message).toMatch(/no ServerHello within 300 ms \(\d+ bytes received\)/);
  });

  it('names the broken field of a malformed ServerHello', async () => {
    const err = await failure({ ...base, misbehaviour: { kind: 'malformed-server-hello' } });
    expect(err.message).toMatch(/ServerHello: session_id/);
  });

  it('reports a truncated ServerHello and a close in the middle of the handshake', async () => {
    const truncated = await failure({ ...base, misbehaviour: { kind: 'truncated-server-hello' } });
    expect(truncated.message).toMatch(/connection closed after \d+ bytes, in the middle of a record/);
    const midway = await failure({ ...base, misbehaviour: { kind: 'close-mid-handshake' } });
    expect(midway.message).toMatch(/connection closed after \d+ bytes, in the middle/);
  });

  it('says that a garbage answer is not TLS', async () => {
    const err = await failure({ ...base, misbehaviour: { kind: 'garbage' } });
    expect(err.message).toMatch(/HTTP, not TLS/);
  });

  it('stops reading an endless stream of records at the byte bound', async () => {
    const r = await responder({ ...base, misbehaviour: { kind: 'endless-records' } });
    const err = await probe(r, { maxBytesPerHandshake: 8192 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsProbeError);
    expect((err as Error).message).toMatch(/without the end of the server's first flight \(limit 8192\)/);
    for (const m of (err as TlsProbeError).errors) {
      const read = Number(/read (\d+) bytes/.exec(m)?.[1]);
      expect(read).toBeLessThanOrEqual(8192 + 65536);
    }
  });

  it('fails fast on a port where nothing listens', async () => {
    const r = await responder(base);
    await r.close();
    const err = await probe(r).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsProbeError);
    expect((err as Error).message).toMatch(/could not connect: .*ECONNREFUSED/);
  });
});

describe('probeTls with broken connectors', () => {
  it('times out a connector that never delivers a socket, and reports one that throws', async () => {
    const hanging = probeTls(() => new Promise(() => {}), { serverName: 'a', timeoutMs: 100 });
    await expect(hanging).rejects.toThrow(/no ServerHello within 100 ms/);
    const throwing = probeTls(
      () => {
        throw new Error('STARTTLS refused');
      },
      { serverName: 'a', timeoutMs: 100 },
    );
    await expect(throwing).rejects.toThrow(/could not connect: STARTTLS refused/);
  });
});

describe('probeTls input checks', () => {
  it('rejects bad options with a clear error', async () => {
    const r = await responder({ versions: ['TLSv1.2'], suites: [0xc02f] });
    await expect(probeTls(r.connector, { serverName: 'a', timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(
      probeTls(r.connector, { serverName: 'a', timeoutMs: 100, suitesPerHello: 0 }),
    ).rejects.toThrow(/suitesPerHello/);
    await expect(
      probeTls(r.connector, { serverName: 'a', timeoutMs: 100, versions: ['SSLv2' as never] }),
    ).rejects.toThrow(/cannot probe version SSLv2/);
    await expect(probeTls(r.connector, { serverName: 'a', timeoutMs: 100, concurrency: 0 })).rejects.toThrow(
      /concurrency/,
    );
  });

  it('stops when the caller aborts', async () => {
    const r = await responder({ versions: ['TLSv1.2'], suites: [0xc02f], misbehaviour: { kind: 'silent' } });
    const controller = new AbortController();
    const pending = probeTls(r.connector, { serverName: 'a', timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('scan cancelled')), 50);
    await expect(pending).rejects.toThrow('scan cancelled');
  });
});
