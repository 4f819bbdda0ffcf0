// Which endpoints we use and when a password may travel in PLAIN. Decision: PLAIN only over wss:/https:,
// or to a loopback host (the lab's ws:// on 127.0.2.x, a local server); SCRAM is allowed everywhere
// since it never reveals the password, and the popup shows an insecure own hop anyway.
import { CheckError } from './errors.ts';

export type Transport = 'websocket' | 'bosh';

const SCHEMES: Record<Transport, readonly string[]> = {
  websocket: ['ws:', 'wss:'],
  bosh: ['http:', 'https:'],
};

export function validateEndpoint(endpoint: string, transport: Transport): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CheckError('invalid-input', `not a URL: ${JSON.stringify(endpoint)}`);
  }
  const schemes = SCHEMES[transport];
  if (!schemes) throw new CheckError('invalid-input', `unknown transport ${JSON.stringify(transport)}`);
  if (!schemes.includes(url.protocol)) {
    throw new CheckError(
      'invalid-input',
      `a ${transport === 'bosh' ? 'BOSH' : 'WebSocket'} endpoint starts with ${schemes.join(' or ')}, not ${url.protocol}`,
    );
  }
  return url;
}

export function transportSecure(endpoint: string): boolean {
  const { protocol } = new URL(endpoint);
  return protocol === 'wss:' || protocol === 'https:';
}

/** 127.0.0.0/8, ::1 and `localhost`: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return (
    /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) &&
    host.split('.').every((part) => Number(part) <= 255)
  );
}

export function plainAllowed(endpoint: string): boolean {
  return transportSecure(endpoint) || isLoopbackHost(new URL(endpoint).hostname);
}
