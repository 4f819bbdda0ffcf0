// The orchestrator: discovery → per target stream, TLS, certificate, DANE → per service POSH and
// policy → a DomainReport of facts, graded by the pure rubric. Knows neither storage nor HTTP serving.

import { normalizeDomain } from '../../core/domain.ts';
import { errorText } from '../../core/error-text.ts';
import { gradeReport, targetLabel } from '../../core/grade-report.ts';
import {
  type DomainReport,
  type Encryption,
  type Finding,
  type PoshResult,
  REPORT_VERSION,
  type ServiceKind,
  type ServiceReport,
  type TargetFailure,
  type TargetReport,
  type TlsResult,
} from '../../core/report.ts';
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import { SCANNER_VERSION } from '../version.ts';
import { bothFamilies, cappedAddresses } from './address-cap.ts';
import { addressDifferences } from './address-differences.ts';
import { boundReport } from './bound-report.ts';
import { ConnectionGate, DEFAULT_SCAN_CAPS } from './connection-gate.ts';
import { daneFindings, matchDane } from './dane.ts';
import { discoverTargets } from './discovery.ts';
import { DnsError, queryAddresses } from './dns.ts';
import { matchPosh } from './posh.ts';
import { type Attempt, type AttemptStatus, attempt } from './probe.ts';
import {
  certificateProbe,
  poshProbe,
  streamProbe,
  type TargetContext,
  type TlsaOutcome,
  tlsaProbe,
  tlsProbe,
} from './probes.ts';
import { checkResolver, DEFAULT_DNSSEC_PROBE_NAME, resolverFindings } from './resolver-check.ts';
import { streamFindings } from './stream/findings.ts';
import type { DiscoveredTarget, ScanOptions } from './types.ts';

/** The domain is not one we scan: malformed, or its targets are not on the public Internet. */
export class ScanRefusedError extends Error {}

export async function scanDomain(input: string, options: ScanOptions): Promise<DomainReport> {
  const normalized = normalizeDomain(input);
  if (!normalized.ok)
    throw new ScanRefusedError(`"${input}" is not a domain we can scan: ${normalized.error}`);
  const domain = normalized.domain;
  const started = performance.now();
  const scannedAt = new Date().toISOString();
  // One gate per scan: every connection and DNS query of this scan is admitted, and counted, by it.
  const gated: ScanOptions = {
    ...options,
    gate: options.gate ?? new ConnectionGate({ allowPrivate: options.allowPrivate, caps: options.caps }),
  };
  const [c2s, s2s, resolver] = await Promise.all([
    scanService(domain, 'c2s', gated),
    scanService(domain, 's2s', gated),
    checkResolver(gated.dnssecProbeName ?? DEFAULT_DNSSEC_PROBE_NAME, {
      resolver: gated.resolver,
      timeoutMs: gated.timeoutMs,
      gate: gated.gate,
    }),
  ]);
  // Said on both services: each one's DNSSEC and DANE facts rest on the resolver.
  const warning = resolverFindings(resolver);
  const report: DomainReport = {
    reportVersion: REPORT_VERSION,
    domain,
    scannedAt,
    rubricVersion: RUBRIC_VERSION,
    scanner: { name: 'hoplight', version: SCANNER_VERSION },
    services: {
      c2s: { ...c2s, findings: [...c2s.findings, ...warning] },
      s2s: { ...s2s, findings: [...s2s.findings, ...warning] },
    },
    resolver,
    durationMs: Math.round(performance.now() - started),
  };
  return gradeReport(boundReport(report));
}

async function scanService(
  domain: string,
  service: ServiceKind,
  options: ScanOptions,
): Promise<ServiceReport> {
  const discovery = capTargets(await discoverTargets(domain, service, options), options);
  const located = await Promise.all(
    discovery.targets.map(async (target) => ({ target, ...(await locate(target, options)) })),
  );
  // Refused as a whole when a target is inside: the report would otherwise map an internal network.
  const gate = options.gate ?? new ConnectionGate({ allowPrivate: options.allowPrivate, caps: options.caps });
  const inside = located.flatMap((t) =>
    t.addresses.flatMap((address) => {
      const why = gate.refusal(address);
      return why === null ? [] : [`${t.target.host} is at ${why}`];
    }),
  );
  if (inside.length > 0) {
    throw new ScanRefusedError(
      `refusing to scan ${domain}: ${inside[0]}. Scanning internal networks is off by default (use --allow-private for a lab).`,
    );
  }
  // One entry per target and address (up to the cap): a client may land on any of them.
  const probes = located.flatMap((t) =>
    t.failed || t.addresses.length === 0
      ? [{ ...t, address: null as string | null }]
      : t.addresses.map((address): typeof t & { address: string | null } => ({ ...t, address })),
  );
  const [scanned, posh] = await Promise.all([
    Promise.all(
      probes.map((t) => scanTarget(domain, t.target, t.address, t.addresses, t.dnssec, t.failed, options)),
    ),
    poshProbe.run({ domain, service, options }),
  ]);
  const targets = scanned.map((t) => t.report);
  return {
    service,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    encryption: encryptionPolicy(targets),
    tlsVersions: [],
    cipherSuites: [],
    authentication: [],
    dialback: targets.some((t) => t.stream?.dialback),
    saslMechanisms: {
      beforeTls: union(targets.map((t) => t.stream?.saslBeforeTls ?? [])),
      afterTls: union(targets.map((t) => t.stream?.saslAfterTls ?? [])),
    },
    posh: matchPoshForTargets(
      posh,
      scanned.map((t) => t.peerChain),
    ),
    targets,
    findings: [...discovery.findings, ...addressDifferences(targets), ...cappedAddresses(located)],
  };
}

/** Why a target cannot be reached, as a sentence and as the kind the path model reads. */
interface LocateFailure {
  error: string;
  failure: TargetFailure;
}

async function locate(
  target: DiscoveredTarget,
  options: ScanOptions,
): Promise<{ addresses: string[]; dnssec: boolean; failed: LocateFailure | null; uncapped?: number }> {
  try {
    const answer = await queryAddresses(target.host, options);
    if (answer.addresses.length === 0) {
      return {
        addresses: [],
        dnssec: answer.dnssec,
        failed: { error: `${target.host} has no address`, failure: 'no-address' },
      };
    }
    const cap = options.gate?.caps.addressesPerTarget ?? DEFAULT_SCAN_CAPS.addressesPerTarget;
    return {
      addresses: bothFamilies(answer.addresses, cap),
      dnssec: answer.dnssec,
      failed: null,
      uncapped: answer.addresses.length,
    };
  } catch (err) {
    const nxdomain = err instanceof DnsError && err.code === 'NXDOMAIN';
    return {
      addresses: [],
      dnssec: false,
      failed: {
        error: `cannot resolve ${target.host}: ${errorText(err)}`,
        failure: nxdomain
          ? 'nxdomain'
          : err instanceof DnsError && err.code === 'TIMEOUT'
            ? 'timeout'
            : 'error',
      },
    };
  }
}

/** The kind of a failed stream attempt: refused connections mean no service, time-outs are unknown. */
const ATTEMPT_FAILURE: Record<Exclude<AttemptStatus, 'ok'>, TargetFailure> = {
  refused: 'refused',
  'timed-out': 'timeout',
  error: 'error',
};

/** The first targets in SRV order, up to the cap; the rest are named in a finding, not scanned. */
function capTargets(
  discovery: Awaited<ReturnType<typeof discoverTargets>>,
  options: ScanOptions,
): Awaited<ReturnType<typeof discoverTargets>> {
  const cap = options.gate?.caps.targetsPerService ?? DEFAULT_SCAN_CAPS.targetsPerService;
  if (discovery.targets.length <= cap) return discovery;
  const finding: Finding = {
    code: 'dns.srv.too-many-targets',
    severity: 'info',
    message: `SRV lists ${discovery.targets.length} targets; the ${cap} of highest priority were scanned.`,
    fix: 'Clients try targets in priority order; list only the servers you run.',
  };
  return {
    ...discovery,
    targets: discovery.targets.slice(0, cap),
    findings: [...discovery.findings, finding],
  };
}

/** Plaintext is possible when any STARTTLS target lets a client go on without TLS. */
export function encryptionPolicy(targets: TargetReport[]): Encryption {
  const reachable = targets.filter((t) => t.status === 'ok' && t.stream);
  if (reachable.length === 0) return 'none';
  const tlsSomewhere = reachable.some((t) => t.directTls || t.stream?.starttls !== 'none');
  if (!tlsSomewhere) return 'none';
  const plaintextPossible = reachable.some((t) => !t.directTls && t.stream?.starttls !== 'required');
  return plaintextPossible ? 'optional' : 'required';
}

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

function emptyTarget(
  target: DiscoveredTarget,
  address: string | null,
  addresses: string[],
  dnssec: boolean,
): TargetReport {
  return {
    host: target.host,
    port: target.port,
    directTls: target.directTls,
    source: target.source,
    priority: target.priority,
    weight: target.weight,
    addresses,
    address,
    dnssec,
    status: 'error',
    error: null,
    stream: null,
    tls: null,
    certificate: null,
    dane: null,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    findings: [],
    durationMs: 0,
  };
}

/** A target's report, and the chain it presented (kept beside the report: it is not part of the JSON). */
interface ScannedTarget {
  report: TargetReport;
  peerChain: Uint8Array[] | null;
}

/**
 * Scans one target on one of its addresses: the stream, TLS and TLSA probes together, then the
 * certificate probe and the DANE match on the chain the stream saw.
 */
async function scanTarget(
  domain: string,
  target: DiscoveredTarget,
  address: string | null,
  addresses: string[],
  dnssec: boolean,
  locateFailure: LocateFailure | null,
  options: ScanOptions,
): Promise<ScannedTarget> {
  const started = performance.now();
  const where = targetLabel({ ...target, address, addresses });
  const findings: Finding[] = [];
  const done = (
    facts: Partial<Pick<TargetReport, 'stream' | 'tls' | 'certificate' | 'dane'>>,
    error: string | null,
    { reachable = false, peerChain = null as Uint8Array[] | null, failure = 'error' as TargetFailure } = {},
  ): ScannedTarget => {
    if (error && !reachable) findings.push(unreachable(domain, target, where, error));
    const report: TargetReport = {
      ...emptyTarget(target, address, addresses, dnssec),
      ...facts,
      status: error ? 'error' : 'ok',
      error,
      failure: error ? failure : null,
      findings,
      durationMs: Math.round(performance.now() - started),
    };
    return { report, peerChain };
  };
  if (locateFailure) return done({}, locateFailure.error, { failure: locateFailure.failure });
  if (address === null) return done({}, `${target.host} has no address`, { failure: 'no-address' });
  const ctx: TargetContext = { domain, target, address, options };

  // The TLS prober and the TLSA lookup start as soon as the stream probe has seen TLS on offer instead
  // of after it: on a real network that saves most of the stream's round trips. The prober is
  // cancelled if the stream then fails.
  const speculative = new AbortController();
  let tlsProbes: Promise<[Attempt<TlsResult>, Attempt<TlsaOutcome>]> | null = null;
  const startTls = () => {
    tlsProbes ??= Promise.all([
      attempt(tlsProbe, { ...ctx, signal: speculative.signal }),
      attempt(tlsaProbe, ctx),
    ]);
    return tlsProbes;
  };
  const stopSpeculation = async () => {
    speculative.abort(new Error('the stream probe ended the TLS probe'));
    await tlsProbes;
  };
  const streamAttempt = await attempt(streamProbe, {
    ...ctx,
    onTlsOffered: () => {
      void startTls();
    },
  });
  if (streamAttempt.status !== 'ok') {
    await stopSpeculation();
    return done({}, streamAttempt.error, { failure: ATTEMPT_FAILURE[streamAttempt.status] });
  }
  const probe = streamAttempt.result;
  // The STARTTLS policy findings come from the rubric, per service; the stream adds the rest (SASL…).
  findings.push(
    ...streamFindings(probe.stream, target.service, target.directTls, where).filter(
      (f) => !f.code.startsWith('stream.starttls.'),
    ),
  );
  const tlsAvailable = target.directTls || probe.stream.starttls !== 'none';
  if (!tlsAvailable) {
    await stopSpeculation();
    return done({ stream: probe.stream }, null);
  }
  if (probe.stream.demandsClientCertificate)
    findings.push(clientCertificateDemanded(domain, target, where, probe.peerChain !== null));
  else if (probe.tlsError) findings.push(tlsFailed(domain, where, probe.tlsError));

  const [tlsAttempt, tlsaAttempt] = await startTls();
  if (tlsAttempt.status !== 'ok') findings.push(tlsFailed(domain, where, tlsAttempt.error));
  if (tlsaAttempt.status !== 'ok') findings.push(tlsaFailed(domain, where, tlsaAttempt.error));
  const tlsa = tlsaAttempt.status === 'ok' ? tlsaAttempt.result : null;
  // A bogus TLSA answer is a fact about the target whatever else is found (rubric v2: T).
  const bogus = tlsa?.kind === 'bogus' ? tlsa : null;
  if (bogus)
    findings.push(
      tlsaFailed(domain, where, `the validating resolver found the answer at ${bogus.name} bogus`),
    );
  const bogusDane = bogus
    ? { dane: { name: bogus.name, dnssec: false, records: [], matches: null, bogus: true } }
    : {};
  const tls = tlsAttempt.status === 'ok' ? tlsAttempt.result : null;
  if (tls === null || tls.versions.length === 0) {
    // TLS is offered but no handshake got as far as a ServerHello: nothing to grade, and a client
    // could not connect either. Said as an error of this target, not graded as "no TLS" (F).
    const why = probe.tlsError ?? 'the server dropped or refused every ClientHello';
    if (tls !== null) findings.push(tlsFailed(domain, where, why));
    return done({ stream: probe.stream }, `no TLS handshake completed: ${why}`, { reachable: true });
  }

  const chain = probe.peerChain;
  if (!chain || chain.length === 0) return done({ stream: probe.stream, tls, ...bogusDane }, null);
  const certificateAttempt = await attempt(certificateProbe, { ...ctx, chain });
  if (certificateAttempt.status !== 'ok') {
    findings.push(certificateUnreadable(domain, where, certificateAttempt.error));
    return done({ stream: probe.stream, tls, ...bogusDane }, null, { peerChain: chain });
  }
  const certificate = certificateAttempt.result;
  if (bogus)
    return done({ stream: probe.stream, tls, certificate, ...bogusDane }, null, { peerChain: chain });
  const dane =
    tlsa?.kind === 'records'
      ? matchDane(tlsa.answer, chain, {
          domain,
          identityMatches: certificate.identity.matches,
          pkixTrusted: certificate.trusted && !certificate.expired && !certificate.notYetValid,
        })
      : null;
  if (dane) findings.push(...daneFindings(dane, where));
  return done({ stream: probe.stream, tls, certificate, dane }, null, { peerChain: chain });
}

function tlsaFailed(domain: string, where: string, error: string): Finding {
  return {
    code: 'dane.lookup-failed',
    severity: 'medium',
    message: `The TLSA lookup for ${domain} at ${where} failed: ${error}. DANE clients cannot connect while it fails.`,
    fix: 'Check the DNSSEC signatures of the zone holding the TLSA records (e.g. with `dig +dnssec` or DNSViz).',
    target: where,
  };
}

/** POSH holds for the service when the document matches the chain of every target that showed one. */
function matchPoshForTargets(posh: PoshResult, chains: (Uint8Array[] | null)[]): PoshResult {
  if (!posh.found) return posh;
  const presented = chains.filter((c): c is Uint8Array[] => c !== null && c.length > 0);
  if (presented.length === 0) return { ...posh, matches: null };
  const matches = presented.every((chain) => matchPosh(posh, chain).matches === true);
  return { ...posh, matches };
}

function unreachable(domain: string, target: DiscoveredTarget, where: string, error: string): Finding {
  return {
    code: 'target.unreachable',
    severity: 'high',
    message: `${domain} ${target.service} target ${where} could not be scanned: ${error}.`,
    fix: `Make sure ${where} accepts XMPP connections from the Internet, or remove it from the SRV records.`,
    target: where,
  };
}

function tlsFailed(domain: string, where: string, error: string): Finding {
  return {
    code: 'tls.handshake-failed',
    severity: 'high',
    message: `The TLS handshake with ${domain} at ${where} failed: ${error}.`,
    fix: 'Check the TLS configuration of this listener (certificate and key readable, protocols and ciphers valid).',
    target: where,
  };
}

function certificateUnreadable(domain: string, where: string, error: string): Finding {
  return {
    code: 'cert.unreadable',
    severity: 'high',
    message: `The certificate ${domain} presents at ${where} cannot be read: ${error}.`,
    fix: 'Install a well-formed X.509 certificate chain (leaf first, then intermediates).',
    target: where,
  };
}

function clientCertificateDemanded(
  domain: string,
  target: DiscoveredTarget,
  where: string,
  chainShown: boolean,
): Finding {
  const who = target.service === 'c2s' ? 'A client' : 'A server';
  return {
    code: 'tls.client-certificate-demanded',
    severity: target.service === 'c2s' ? 'high' : 'medium',
    message: `${domain} at ${where} demands a client certificate: the TLS handshake fails for a peer that sends none. ${who} without a certificate it trusts cannot connect.${chainShown ? ' The certificate it presented was checked as usual.' : ''}`,
    fix:
      target.service === 'c2s'
        ? 'Ask for client certificates without requiring them (e.g. `verify = "peer"` without `fail_if_no_peer_cert`): clients authenticate with SASL after TLS.'
        : 'Ask for the peer\u2019s certificate without failing the handshake on its absence; check it with SASL EXTERNAL and refuse with a stream error (or use dialback), so peers learn why.',
    target: where,
  };
}
