// The XMPP stream probe and the connectors the TLS prober uses.
export { connectDirect, connectStarttls } from './connectors.ts';
export { type StreamErrorCode, StreamProbeError } from './errors.ts';
export { streamFindings } from './findings.ts';
export {
  type NegotiatedTls,
  probeStream,
  type StreamProbeOptions,
  type StreamProbeResult,
  type StreamTarget,
} from './probe.ts';
export { DEFAULT_SESSION_LIMITS, type SessionLimits } from './session.ts';
export { peerChainDer } from './steps.ts';
