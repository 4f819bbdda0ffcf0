// Shared shapes between the scan modules (dns, stream, tls, certificate, dane, posh) and the
// orchestrator that assembles a DomainReport from them.
import type { Duplex } from 'node:stream';
import type { ServiceKind, TargetReport } from '../../core/report.ts';
import type { ConnectionGate, ScanCaps } from './connection-gate.ts';

export interface Resolver {
  host: string;
  port: number;
}

export interface ScanOptions {
  /** DNS server to ask (UDP, TCP on truncation); null: the first nameserver of /etc/resolv.conf. */
  resolver: Resolver | null;
  /** Extra trust anchors (PEM), besides Mozilla's roots (node:tls rootCertificates). */
  extraCa: string[];
  /** Scan targets on loopback, private, link-local or otherwise non-public addresses. */
  allowPrivate: boolean;
  /** Budget for one network step (connect, a read, a handshake), in ms. */
  timeoutMs: number;
  /** Connections open at once to one host. */
  perHostConcurrency: number;
  /** Caps on one scan's targets, addresses, DNS queries and sockets (defaults: DEFAULT_SCAN_CAPS). */
  caps?: Partial<ScanCaps>;
  /**
   * A name in a DNSSEC-signed zone whose SOA a validating resolver marks authenticated, to tell
   * whether `resolver` validates (default the root zone; a lab passes its own signed zone).
   */
  dnssecProbeName?: string;
  /** The scan's connection gate; scanDomain makes one per scan from `allowPrivate` and `caps`. */
  gate?: ConnectionGate;
}

/** One place to connect to for a service, from SRV (RFC 6120 / XEP-0368) or the fallback. */
export type DiscoveredTarget = Pick<
  TargetReport,
  'host' | 'port' | 'directTls' | 'source' | 'priority' | 'weight'
> & {
  service: ServiceKind;
};

/**
 * Opens a fresh connection positioned where the client's first TLS byte goes: after STARTTLS
 * `<proceed/>` for a STARTTLS target, right after TCP connect for a direct-TLS one.
 */
export type Connector = (signal?: AbortSignal) => Promise<Duplex>;
