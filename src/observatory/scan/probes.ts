// The scan probes, each behind the one Probe interface (probe.ts): a target's stream, its TLS, its
// certificate and its TLSA records; a service's POSH document. scan-domain runs them and assembles.
import type { CertificateResult, PoshResult, ServiceKind, TlsResult } from '../../core/report.ts';
import { checkCertificate } from './certificate.ts';
import type { TlsaAnswer } from './dane.ts';
import { DnsError, queryTlsaForTarget } from './dns.ts';
import { fetchPosh } from './posh.ts';
import type { Probe } from './probe.ts';
import { connectDirect, connectStarttls } from './stream/connectors.ts';
import { probeStream, type StreamProbeResult, type StreamTarget } from './stream/probe.ts';
import { probeTls } from './tls/prober.ts';
import type { DiscoveredTarget, ScanOptions } from './types.ts';

/** What every probe of one target gets: the domain, the target, the address to use, the options. */
export interface TargetContext {
  domain: string;
  target: DiscoveredTarget;
  /** The address of the target this entry probes, already vetted. */
  address: string;
  options: ScanOptions;
  /** Ends the probe early (a speculative one whose result is no longer wanted). */
  signal?: AbortSignal;
  /** The stream probe calls it once the target is known to offer TLS. */
  onTlsOffered?: () => void;
}

/** A target's certificate probe also gets the chain its stream probe saw. */
export interface CertificateContext extends TargetContext {
  chain: Uint8Array[];
}

export interface ServiceContext {
  domain: string;
  service: ServiceKind;
  options: ScanOptions;
}

function streamTarget(ctx: TargetContext): StreamTarget & { directTls: boolean } {
  const { host, port, directTls } = ctx.target;
  return { host, port, address: ctx.address, directTls };
}

/**
 * The `from` of the observatory's s2s streams: a name that can never be verified (RFC 6761), so that
 * what a server does with a peer it cannot authenticate shows after TLS.
 */
export const S2S_PROBE_FROM = 'observatory.hoplight.invalid';

/** The XMPP stream: header and features before and after TLS, the chain and the negotiated TLS. */
export const streamProbe: Probe<TargetContext, StreamProbeResult> = {
  name: 'stream',
  run: (ctx) =>
    probeStream(streamTarget(ctx), ctx.domain, ctx.target.service, {
      timeoutMs: ctx.options.timeoutMs,
      ...(ctx.target.service === 's2s' ? { from: S2S_PROBE_FROM } : {}),
      gate: ctx.options.gate,
      onTlsOffered: ctx.onTlsOffered,
    }),
};

/** TLS versions, suites and groups, one ClientHello at a time over fresh connections. */
export const tlsProbe: Probe<TargetContext, TlsResult> = {
  name: 'tls',
  run: (ctx) => {
    const target = streamTarget(ctx);
    const streamOptions = { timeoutMs: ctx.options.timeoutMs, gate: ctx.options.gate, signal: ctx.signal };
    const connect = target.directTls
      ? connectDirect(target, streamOptions)
      : connectStarttls(target, ctx.domain, ctx.target.service, streamOptions);
    return probeTls(connect, {
      serverName: ctx.domain,
      timeoutMs: ctx.options.timeoutMs,
      concurrency: ctx.options.perHostConcurrency,
      signal: ctx.signal,
      // XEP-0368: behind an ALPN multiplexer on 443, anything else would measure the web server.
      ...(target.directTls ? { alpn: [ctx.target.service === 'c2s' ? 'xmpp-client' : 'xmpp-server'] } : {}),
    });
  },
};

/**
 * TLSA at `_port._tcp.host`: the records, none, or bogus (SERVFAIL from the validating resolver, which
 * DANE peers refuse). Any other failed lookup throws.
 */
export type TlsaOutcome =
  | { kind: 'records'; answer: TlsaAnswer }
  | { kind: 'none' }
  | { kind: 'bogus'; name: string };

export const tlsaProbe: Probe<TargetContext, TlsaOutcome> = {
  name: 'dane',
  run: async (ctx) => {
    try {
      const answer = await queryTlsaForTarget(ctx.target.host, ctx.target.port, {
        resolver: ctx.options.resolver,
        timeoutMs: ctx.options.timeoutMs,
        gate: ctx.options.gate,
      });
      return answer.records.length > 0 ? { kind: 'records', answer } : { kind: 'none' };
    } catch (error) {
      if (error instanceof DnsError && error.code === 'SERVFAIL') return { kind: 'bogus', name: error.qname };
      throw error;
    }
  },
};

/** Trust, identity and validity of the chain the target presented. */
export const certificateProbe: Probe<CertificateContext, CertificateResult> = {
  name: 'certificate',
  run: async (ctx) =>
    checkCertificate(ctx.chain, ctx.domain, ctx.target.service, { extraCa: ctx.options.extraCa }),
};

/** The service's POSH document (never throws for what the network does: the reason is in the result). */
export const poshProbe: Probe<ServiceContext, PoshResult> = {
  name: 'posh',
  run: (ctx) => fetchPosh(ctx.domain, ctx.service, ctx.options),
};
