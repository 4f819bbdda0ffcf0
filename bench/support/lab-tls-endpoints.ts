// The lab's TLS endpoints (STARTTLS c2s/s2s of every domain with a certificate, plus direct TLS where
// offered), each with what our prober and testssl need to reach it. Shared by the testssl cross-check
// test and the scan benchmark, so both look at the same list.

import type { LabState } from '../../lab/state.ts';
import type { ServiceKind } from '../../src/core/report.ts';
import { connectDirect, connectStarttls } from '../../src/observatory/scan/stream/index.ts';
import type { Connector } from '../../src/observatory/scan/types.ts';
import type { TestsslTarget } from '../../test/support/testssl.ts';

export interface LabTlsEndpoint {
  /** e.g. `good.test c2s 127.0.2.2:5222 starttls`. */
  label: string;
  domain: string;
  service: ServiceKind;
  address: string;
  port: number;
  directTls: boolean;
}

/** Every TLS endpoint of a running lab, in domain order: c2s, s2s, then the direct-TLS ports. */
export function labTlsEndpoints(state: LabState): LabTlsEndpoint[] {
  const endpoints: LabTlsEndpoint[] = [];
  // One listener is one TLS configuration: a second domain on the same server (ejabberd2.test) adds none.
  const seen = new Set<string>();
  for (const [domain, d] of Object.entries(state.domains)) {
    // No certificate means Prosody offers no TLS at all (plain.test).
    if (d.certFile === null) continue;
    const add = (service: ServiceKind, port: number | null, directTls: boolean) => {
      if (port === null) return;
      const key = `${d.address}:${port}:${directTls}`;
      if (seen.has(key)) return;
      seen.add(key);
      const how = directTls ? 'direct' : 'starttls';
      endpoints.push({
        label: `${domain} ${service} ${d.address}:${port} ${how}`,
        domain,
        service,
        address: d.address,
        port,
        directTls,
      });
    };
    add('c2s', d.c2sPort, false);
    // testssl 3.0.8 opens a jabber:client stream even on s2s ports; ejabberd answers it with
    // invalid-namespace and closes (Prosody goes on), so there is no oracle for ejabberd's s2s port.
    if (d.server !== 'ejabberd') add('s2s', d.s2sPort, false);
    add('c2s', d.c2sDirectPort, true);
    add('s2s', d.s2sDirectPort, true);
  }
  return endpoints;
}

/** Our Connector for the endpoint: STARTTLS with the domain's stream header, or plain TCP for direct TLS. */
export function endpointConnector(endpoint: LabTlsEndpoint, timeoutMs: number): Connector {
  const target = { host: endpoint.domain, port: endpoint.port, address: endpoint.address };
  return endpoint.directTls
    ? connectDirect(target, { timeoutMs })
    : connectStarttls(target, endpoint.domain, endpoint.service, { timeoutMs });
}

/** The same endpoint for testssl (3.0 has no xmpp-server mode: `--starttls xmpp` serves s2s too). */
export function endpointTestsslTarget(endpoint: LabTlsEndpoint): TestsslTarget {
  const target: TestsslTarget = { host: endpoint.address, port: endpoint.port };
  if (!endpoint.directTls) {
    target.starttls = 'xmpp';
    target.xmppHost = endpoint.domain;
  }
  return target;
}
