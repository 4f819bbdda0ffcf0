// POSH (RFC 7711): the domain vouches for its XMPP certificate by publishing fingerprints over
// HTTPS at /.well-known/posh/xmpp-{client,server}.json, possibly delegating once through `url`.

import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { rootCertificates, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { withDeadline } from '../../core/deadline.ts';
import { errorText } from '../../core/error-text.ts';
import type { PoshResult, ServiceKind } from '../../core/report.ts';
import { urlHostLiteral } from './address-policy.ts';
import { ConnectionGate } from './connection-gate.ts';
import { normaliseName, queryAddresses } from './dns.ts';
import type { Resolver } from './types.ts';

export interface PoshOptions {
  resolver: Resolver | null;
  extraCa: string[];
  allowPrivate: boolean;
  /** Budget of each HTTPS request (lookup, connect, headers and body), in ms. */
  timeoutMs: number;
  /** HTTPS port of the source domain; 443 except in tests and labs. */
  httpsPort?: number;
  signal?: AbortSignal;
  /** The scan's connection gate; without one, a gate of `allowPrivate` and the default caps. */
  gate?: ConnectionGate;
}

export interface PoshFingerprint {
  algorithm: 'sha-256' | 'sha-512';
  value: string;
}

type ParsedDocument =
  | { kind: 'fingerprints'; fingerprints: PoshFingerprint[]; expires: number }
  | { kind: 'url'; url: string; expires: number };

const MAX_BODY = 64 * 1024;
const DIGEST_BYTES = { 'sha-256': 32, 'sha-512': 64 } as const;

export class PoshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoshError';
  }
}

/** Parses a POSH document (RFC 7711 §3.2); throws PoshError with the reason when it is not one. */
export function parsePoshDocument(text: string): ParsedDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new PoshError('the POSH document is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PoshError('the POSH document is not a JSON object');
  }
  const d = doc as Record<string, unknown>;
  const expires = d.expires;
  if (typeof expires !== 'number' || !Number.isFinite(expires) || expires < 0) {
    throw new PoshError('the POSH document has no valid "expires" (a number of seconds)');
  }
  if (typeof d.url === 'string') {
    if (!/^https:\/\//i.test(d.url)) throw new PoshError('the POSH "url" must be an https: URL');
    return { kind: 'url', url: d.url, expires };
  }
  if (!Array.isArray(d.fingerprints))
    throw new PoshError('the POSH document has neither "fingerprints" nor "url"');
  const fingerprints: PoshFingerprint[] = [];
  for (const entry of d.fingerprints.slice(0, 64)) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const algorithm of ['sha-256', 'sha-512'] as const) {
      const value = (entry as Record<string, unknown>)[algorithm];
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) continue;
      if (Buffer.from(value, 'base64').length !== DIGEST_BYTES[algorithm]) continue;
      fingerprints.push({ algorithm, value });
    }
  }
  if (fingerprints.length === 0)
    throw new PoshError('the POSH document has no usable sha-256 or sha-512 fingerprint');
  return { kind: 'fingerprints', fingerprints, expires };
}

/** Sets `matches`: the presented leaf certificate has one of the published fingerprints. */
export function matchPosh(posh: PoshResult, chain: Uint8Array[]): PoshResult {
  const leaf = chain[0];
  if (!posh.found || !leaf) return { ...posh, matches: posh.found ? false : null };
  const digests = {
    'sha-256': createHash('sha256').update(leaf).digest(),
    'sha-512': createHash('sha512').update(leaf).digest(),
  };
  const matches = posh.fingerprints.some((f) => Buffer.from(f.value, 'base64').equals(digests[f.algorithm]));
  return { ...posh, matches };
}

/**
 * Opens the TLS connection for `url` through the scan's connection gate: a DNS name through our
 * resolver, an IP literal as it is (Node never calls a custom `lookup` for a literal, which is how
 * `https://127.0.0.1/`, `https://2130706433/` or `https://[::ffff:7f00:1]/` got through), and the
 * address the policy admits first.
 */
function gatedConnection(url: URL, opts: PoshOptions, gate: ConnectionGate) {
  const host = url.hostname;
  const literal = urlHostLiteral(host);
  const port = Number(url.port || 443);
  const open = async (): Promise<TLSSocket> => {
    let addresses: string[];
    if (literal !== null) addresses = [literal];
    else {
      const answer = await queryAddresses(host, {
        resolver: opts.resolver,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        gate,
      }).catch((error: unknown) => {
        throw new PoshError(`cannot resolve ${host}: ${errorText(error)}`);
      });
      addresses = answer.addresses;
    }
    const address = addresses.find((a) => gate.refusal(a) === null) ?? addresses[0];
    if (address === undefined) throw new PoshError(`${host} has no address`);
    const release = await gate.admit(address, port, `the POSH server ${host}`, opts.signal);
    const socket = tlsConnect({
      host: address,
      port,
      // The certificate is checked against the URL's name (SNI too), or its literal address.
      ...(literal === null ? { servername: host } : {}),
      ca: [...rootCertificates, ...opts.extraCa],
      rejectUnauthorized: true,
    });
    socket.once('close', release);
    return socket;
  };
  return (_options: unknown, oncreate: (error: Error | null, socket?: TLSSocket) => void) => {
    open().then(
      (socket) => oncreate(null, socket),
      (error: unknown) => oncreate(error instanceof Error ? error : new Error(errorText(error))),
    );
    return undefined;
  };
}

async function fetchText(url: URL, opts: PoshOptions, gate: ConnectionGate): Promise<string> {
  let req: ReturnType<typeof request> | undefined;
  const body = new Promise<string>((resolve, reject) => {
    req = request(
      url,
      {
        method: 'GET',
        // No agent: every request gets its own connection, made by the gate (and closed after).
        createConnection: gatedConnection(url, opts, gate) as never,
        signal: opts.signal,
        headers: { accept: 'application/json', 'user-agent': 'hoplight-observatory' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          const why =
            status >= 300 && status < 400
              ? `HTTP ${status} redirect (POSH delegates with a "url" member, not HTTP redirects)`
              : `HTTP ${status}`;
          reject(new PoshError(`no POSH document at ${url.href}: ${why}`));
          req?.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            reject(new PoshError(`the POSH document at ${url.href} is larger than ${MAX_BODY} bytes`));
            req?.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', (err) => reject(new PoshError(`reading ${url.href} failed: ${err.message}`)));
      },
    );
    req.on('error', (err) => reject(new PoshError(`cannot fetch ${url.href}: ${err.message}`)));
    req.end();
  });
  // The caller's signal aborts the request itself (its error names the URL), so only time is bounded here.
  return withDeadline(body, {
    ms: opts.timeoutMs,
    what: `the POSH document at ${url.href}`,
    onTimeout: () => new PoshError(`no complete answer from ${url.href} within ${opts.timeoutMs} ms`),
  }).catch((error: unknown) => {
    req?.destroy();
    throw error;
  });
}

export function poshUrl(domain: string, service: ServiceKind, port = 443): string {
  const host = normaliseName(domain);
  const file = service === 'c2s' ? 'xmpp-client.json' : 'xmpp-server.json';
  return `https://${host}${port === 443 ? '' : `:${port}`}/.well-known/posh/${file}`;
}

/**
 * Fetches the POSH document of `domain` for `service`; never throws for what the network or the
 * server does (the reason goes to `error`), only for a malformed domain.
 */
export async function fetchPosh(
  domain: string,
  service: ServiceKind,
  opts: PoshOptions,
): Promise<PoshResult> {
  const url = poshUrl(domain, service, opts.httpsPort);
  const result: PoshResult = { url, found: false, fingerprints: [], matches: null, error: null };
  const gate = opts.gate ?? new ConnectionGate({ allowPrivate: opts.allowPrivate });
  try {
    let doc = parsePoshDocument(await fetchText(new URL(url), opts, gate));
    if (doc.kind === 'url') {
      // RFC 7711 §3.2: follow a delegation once; a second `url` is an error.
      result.url = doc.url;
      doc = parsePoshDocument(await fetchText(new URL(doc.url), opts, gate));
      if (doc.kind === 'url') throw new PoshError('the POSH delegation points to another delegation');
    }
    result.found = true;
    result.fingerprints = doc.fingerprints;
  } catch (err) {
    result.error = errorText(err);
  }
  return result;
}
