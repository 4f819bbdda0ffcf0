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
  STARTTLS_REQUEST,
  type StreamProbeOptions,
  type StreamTarget,
} from './steps.ts';

/** Errors after which a pipelined <starttls/> is retried the patient way (the server may dislike it). */
const PIPELINE_FALLBACK: ReadonlySet<string> = new Set([
  'closed',
  'not-xml',
  'not-xmpp',
  'stream-error',
  'starttls-failure',
  'protocol',
]);

/**
 * A Connector for a STARTTLS target: each call opens TCP, negotiates STARTTLS up to <proceed/>
 * and resolves the raw socket, positioned where the first TLS byte goes.
 *
 * <starttls/> goes out with the stream header instead of after the features (one round trip less
 * per connection, which is most of a scan's time on a real network). The probe of the stream has
 * already seen STARTTLS offered; a server that does not take the pipelined request is retried the
 * patient way, and then every later call of this connector is patient too.
 */
export function connectStarttls(
  target: StreamTarget,
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions & { pipeline?: boolean },
): Connector {
  let pipeline = opts.pipeline ?? true;
  const attempt = async (pipelined: boolean, signal?: AbortSignal) => {
    const sig = signal && opts.signal ? AbortSignal.any([signal, opts.signal]) : (signal ?? opts.signal);
    const o = { ...opts, signal: sig };
    const socket = await openTcp(target, { ...opts, signal: sig });
    const release = guard(socket, sig);
    try {
      const session = new XmppSession(socket, opts.limits ?? DEFAULT_SESSION_LIMITS);
      const { features } = await openStream(session, domain, service, o, pipelined ? STARTTLS_REQUEST : '');
      if (features.starttls === 'none') {
        throw new StreamProbeError('no-starttls', `${target.host}:${target.port} does not offer STARTTLS`);
      }
      await negotiateStarttls(session, o, pipelined);
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
  return async (signal?: AbortSignal) => {
    if (!pipeline) return attempt(false, signal);
    try {
      return await attempt(true, signal);
    } catch (err) {
      if (!(err instanceof StreamProbeError) || !PIPELINE_FALLBACK.has(err.code)) throw err;
      pipeline = false;
      return attempt(false, signal);
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
