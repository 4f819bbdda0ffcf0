// The DNS client: UDP (TCP on truncation) to one configured resolver, with the DO bit set and the AD
// bit read back: node:dns can neither ask for TLSA nor report whether an answer was DNSSEC-validated.
// XMPP discovery (SRV) on top of it is discovery.ts.
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import { DeadlineError, withDeadline } from '../../core/deadline.ts';
import type { Resolver } from './types.ts';

export type DnsErrorCode =
  | 'NXDOMAIN'
  | 'SERVFAIL'
  | 'REFUSED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'BAD_RESPONSE'
  | 'OTHER';

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  readonly qname: string;
  readonly qtype: string;
  /** For NXDOMAIN: the denial itself was DNSSEC-validated. */
  readonly dnssec: boolean;
  constructor(code: DnsErrorCode, qname: string, qtype: string, detail: string, dnssec = false) {
    super(`DNS ${qtype} ${qname}: ${detail}`);
    this.name = 'DnsError';
    this.code = code;
    this.qname = qname;
    this.qtype = qtype;
    this.dnssec = dnssec;
  }
}

export interface DnsOptions {
  /** null: the first nameserver of /etc/resolv.conf. */
  resolver: Resolver | null;
  /** Per attempt, in ms. */
  timeoutMs?: number;
  /** Further UDP attempts after the first times out. */
  retries?: number;
  signal?: AbortSignal;
  /** Counts each query against the scan's cap (connection-gate.ts); throws past it. */
  gate?: { takeDnsQuery(name: string): void };
}

export interface DnsAnswer<T> {
  records: T[];
  /** The resolver set AD: the answer (or the proof of no data) was DNSSEC-validated. */
  dnssec: boolean;
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** Lower case, no trailing dot; `.` stays `.` (service explicitly not available). */
  target: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: Uint8Array;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_RETRIES = 2;
const MAX_TCP_RESPONSE = 65_535;

let systemResolver: Resolver | null = null;

/** The first `nameserver` of /etc/resolv.conf (read once). */
export function systemResolverFromResolvConf(text?: string): Resolver {
  if (text === undefined && systemResolver) return systemResolver;
  const conf = text ?? readFileSync('/etc/resolv.conf', 'utf8');
  for (const line of conf.split('\n')) {
    const m = line.trim().match(/^nameserver\s+(\S+)/);
    const host = m?.[1]?.split('%')[0];
    if (host && isIP(host)) {
      const found = { host, port: 53 };
      if (text === undefined) systemResolver = found;
      return found;
    }
  }
  throw new Error('no usable nameserver in /etc/resolv.conf');
}

/** Lower case, no trailing dot; throws a clear error for what cannot be a DNS name. */
export function normaliseName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (n.length === 0 || n.length > 253) throw new Error(`invalid DNS name: ${JSON.stringify(name)}`);
  for (const label of n.split('.')) {
    if (label.length === 0 || label.length > 63 || !/^[a-z0-9_-]+$/.test(label)) {
      throw new Error(`invalid DNS name: ${JSON.stringify(name)}`);
    }
  }
  return n;
}

type QType = 'A' | 'AAAA' | 'SRV' | 'TLSA' | 'SOA';

interface RawResponse {
  rcode: string;
  ad: boolean;
  tc: boolean;
  answers: dnsPacket.Answer[];
}

function buildQuery(id: number, name: string, type: QType): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    // 1232 bytes: the EDNS buffer size of DNS Flag Day 2020, avoiding IP fragmentation.
    // AD in the query asks the resolver to report validation (RFC 6840 §5.7); DO asks for DNSSEC.
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name }],
    additionals: [
      { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer,
    ],
  });
}

function parseResponse(buf: Buffer, id: number, name: string, type: QType): RawResponse | null {
  let p: dnsPacket.DecodedPacket;
  try {
    p = dnsPacket.decode(buf);
  } catch {
    return null;
  }
  const q = p.questions?.[0];
  if (p.id !== id || p.type !== 'response' || !q || q.type !== type || q.name.toLowerCase() !== name) {
    return null;
  }
  return {
    rcode: (p as unknown as { rcode: string }).rcode,
    ad: p.flag_ad,
    tc: p.flag_tc,
    answers: p.answers ?? [],
  };
}

export function abortError(name: string, type: string): DnsError {
  return new DnsError('ABORTED', name, type, 'aborted');
}

async function udpAttempt(
  resolver: Resolver,
  name: string,
  type: QType,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RawResponse | 'timeout'> {
  const id = randomInt(0x10000);
  const socket = createSocket(isIP(resolver.host) === 6 ? 'udp6' : 'udp4');
  const answered = new Promise<RawResponse>((resolve, reject) => {
    socket.on('error', (err) =>
      reject(new DnsError('OTHER', name, type, `resolver ${resolver.host}: ${err.message}`)),
    );
    socket.on('message', (msg, rinfo) => {
      // Only the resolver we asked, answering our id and question: anything else is ignored.
      if (rinfo.port !== resolver.port) return;
      const res = parseResponse(msg, id, name, type);
      if (res) resolve(res);
    });
    socket.send(buildQuery(id, name, type), resolver.port, resolver.host);
  });
  try {
    return await withDeadline(answered, { ms: timeoutMs, what: `the UDP query ${type} ${name}`, signal });
  } catch (error) {
    if (signal?.aborted) throw abortError(name, type);
    if (error instanceof DeadlineError) return 'timeout';
    throw error;
  } finally {
    socket.close();
  }
}

async function tcpQuery(
  resolver: Resolver,
  name: string,
  type: QType,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RawResponse> {
  const id = randomInt(0x10000);
  const socket = connect({ host: resolver.host, port: resolver.port });
  let buf = Buffer.alloc(0);
  const answered = new Promise<RawResponse>((resolve, reject) => {
    socket.on('error', (err) => reject(new DnsError('OTHER', name, type, `TCP: ${err.message}`)));
    socket.on('close', () =>
      reject(new DnsError('BAD_RESPONSE', name, type, 'TCP connection closed before an answer')),
    );
    socket.on('connect', () => {
      const q = buildQuery(id, name, type);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      socket.write(Buffer.concat([len, q]));
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > MAX_TCP_RESPONSE + 2) {
        reject(new DnsError('BAD_RESPONSE', name, type, 'TCP answer too long'));
        return;
      }
      if (buf.length < 2) return;
      const need = buf.readUInt16BE(0);
      if (buf.length < need + 2) return;
      const res = parseResponse(buf.subarray(2, need + 2), id, name, type);
      if (res) resolve(res);
      else reject(new DnsError('BAD_RESPONSE', name, type, 'malformed or mismatched TCP answer'));
    });
  });
  try {
    return await withDeadline(answered, {
      ms: timeoutMs,
      what: `the TCP query ${type} ${name}`,
      signal,
      onTimeout: () => new DnsError('TIMEOUT', name, type, `no TCP answer within ${timeoutMs} ms`),
    });
  } catch (error) {
    if (signal?.aborted) throw abortError(name, type);
    throw error;
  } finally {
    socket.destroy();
  }
}

async function rawQuery(name: string, type: QType, opts: DnsOptions): Promise<RawResponse> {
  const resolver = opts.resolver ?? systemResolverFromResolvConf();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attempts = 1 + Math.max(0, Math.min(opts.retries ?? DEFAULT_RETRIES, 5));
  if (opts.signal?.aborted) throw abortError(name, type);
  opts.gate?.takeDnsQuery(name);
  for (let i = 0; i < attempts; i++) {
    const res = await udpAttempt(resolver, name, type, timeoutMs, opts.signal);
    if (res === 'timeout') continue;
    return res.tc ? tcpQuery(resolver, name, type, timeoutMs, opts.signal) : res;
  }
  throw new DnsError(
    'TIMEOUT',
    name,
    type,
    `no answer from ${resolver.host}:${resolver.port} after ${attempts} attempts of ${timeoutMs} ms`,
  );
}

/** One query; NOERROR gives records of the asked type (possibly none), other rcodes throw. */
async function query<T>(
  name: string,
  type: QType,
  opts: DnsOptions,
  pick: (a: dnsPacket.Answer) => T | null,
): Promise<DnsAnswer<T>> {
  const qname = normaliseName(name);
  const res = await rawQuery(qname, type, opts);
  switch (res.rcode) {
    case 'NOERROR':
      break;
    case 'NXDOMAIN':
      throw new DnsError('NXDOMAIN', qname, type, 'no such domain (NXDOMAIN)', res.ad);
    case 'SERVFAIL':
      throw new DnsError(
        'SERVFAIL',
        qname,
        type,
        'resolver failure (SERVFAIL; DNSSEC validation may have failed)',
      );
    case 'REFUSED':
      throw new DnsError('REFUSED', qname, type, 'the resolver refused the query (REFUSED)');
    default:
      throw new DnsError('OTHER', qname, type, `resolver answered ${res.rcode}`);
  }
  const records: T[] = [];
  for (const a of res.answers) {
    if (a.type !== type) continue;
    const r = pick(a);
    if (r !== null) records.push(r);
  }
  return { records, dnssec: res.ad };
}

export function querySrv(name: string, opts: DnsOptions): Promise<DnsAnswer<SrvRecord>> {
  return query(name, 'SRV', opts, (a) => {
    if (a.type !== 'SRV') return null;
    const d = a.data;
    const target = d.target === '' || d.target === '.' ? '.' : d.target.toLowerCase().replace(/\.$/, '');
    return { priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port, target };
  });
}

export function queryTlsa(name: string, opts: DnsOptions): Promise<DnsAnswer<TlsaRecord>> {
  return query(name, 'TLSA', opts, (a) =>
    a.type === 'TLSA'
      ? {
          usage: a.data.usage,
          selector: a.data.selector,
          matchingType: a.data.matchingType,
          data: new Uint8Array(a.data.certificate),
        }
      : null,
  );
}

/** A and AAAA together; a name with no address of one family is fine, NXDOMAIN throws. */
export async function queryAddresses(
  name: string,
  opts: DnsOptions,
): Promise<DnsAnswer<string> & { addresses: string[] }> {
  // dns-packet reads short rdata as text such as "0.0.0.undefined": only real addresses go on.
  const pickAddr = (a: dnsPacket.Answer) =>
    (a.type === 'A' && isIP(a.data) === 4) || (a.type === 'AAAA' && isIP(a.data) === 6) ? a.data : null;
  const [v4, v6] = await Promise.all([query(name, 'A', opts, pickAddr), query(name, 'AAAA', opts, pickAddr)]);
  const addresses = [...new Set([...v4.records, ...v6.records])];
  return { records: addresses, addresses, dnssec: v4.dnssec && v6.dnssec };
}

/**
 * The TLSA RRset of a target (RFC 7673: `_port._tcp.host` of the SRV target). A name that does
 * not exist is an empty answer here, since most targets publish no TLSA; other errors throw.
 */
export async function queryTlsaForTarget(
  host: string,
  port: number,
  opts: DnsOptions,
): Promise<DnsAnswer<TlsaRecord> & { name: string }> {
  const name = `_${port}._tcp.${normaliseName(host)}`;
  try {
    return { name, ...(await queryTlsa(name, opts)) };
  } catch (err) {
    if (err instanceof DnsError && err.code === 'NXDOMAIN') return { name, records: [], dnssec: err.dnssec };
    throw err;
  }
}

/**
 * Whether the resolver marks `name`'s SOA answer authenticated (AD), asked with DO: a validating
 * resolver does for a signed zone, one that does not validate never does. Other rcodes throw.
 */
export async function querySoaAuthenticated(name: string, opts: DnsOptions): Promise<boolean> {
  // The root is the one name that is not a hostname; normaliseName would refuse it.
  const qname = name === '.' || name === '' ? '.' : normaliseName(name);
  const res = await rawQuery(qname, 'SOA', opts);
  if (res.rcode !== 'NOERROR')
    throw new DnsError(
      res.rcode === 'SERVFAIL' ? 'SERVFAIL' : 'OTHER',
      qname,
      'SOA',
      `resolver answered ${res.rcode}`,
    );
  return res.ad;
}
