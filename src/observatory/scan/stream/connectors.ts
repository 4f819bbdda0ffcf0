// The connectors the TLS prober uses: each call opens a fresh connection positioned where the client's
// first TLS byte goes (after STARTTLS <proceed/>, or right after TCP connect for direct TLS).
import type { ServiceKind } from '../../../core/report.ts';
import type { Connector } from '../types.ts';
import { StreamProbeError } from './errors.ts';
import { DEFAULT_SESSION_LIMITS, XmppSession } from './session.ts';
import {
  guard,
  keepQuiet,
  negotiateStarttls,
  openStream,
  openTcp,
  type StreamProbeOptions,
  type StreamTarget,
} from './steps.ts';

/**
 * A Connector for a STARTTLS target: each call opens TCP, negotiates STARTTLS up to <proceed/>
 * and resolves the raw socket, positioned where the first TLS byte goes.
 */
export function connectStarttls(
  target: StreamTarget,
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions,
): Connector {
  return async (signal?: AbortSignal) => {
    const sig = signal && opts.signal ? AbortSignal.any([signal, opts.signal]) : (signal ?? opts.signal);
    const o = { ...opts, signal: sig };
    const socket = await openTcp(target, { ...opts, signal: sig });
    const release = guard(socket, sig);
    try {
      const session = new XmppSession(socket, opts.limits ?? DEFAULT_SESSION_LIMITS);
      const { features } = await openStream(session, domain, service, o);
      if (features.starttls === 'none') {
        throw new StreamProbeError('no-starttls', `${target.host}:${target.port} does not offer STARTTLS`);
      }
      await negotiateStarttls(session, o);
      const raw = session.detach();
      release();
      keepQuiet(raw);
      return raw;
    } catch (err) {
      release();
      socket.destroy();
      throw err;
    }
  };
}

/** A Connector for a direct-TLS (XEP-0368) target: plain TCP, nothing sent. */
export function connectDirect(
  target: StreamTarget,
  opts: Pick<StreamProbeOptions, 'timeoutMs' | 'signal' | 'gate'>,
): Connector {
  return (signal?: AbortSignal) => {
    const sig = signal && opts.signal ? AbortSignal.any([signal, opts.signal]) : (signal ?? opts.signal);
    return openTcp(target, { ...opts, signal: sig }).then(keepQuiet);
  };
}
