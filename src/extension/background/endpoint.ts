// Where to connect: the URL from the settings, or the first one the domain announces in its XEP-0156
// host-meta for the chosen transport (encrypted ones first).
import type { Settings } from '../shared/settings.ts';
import type { Endpoints } from './xmpp/discovery.ts';
import { CheckError } from './xmpp/errors.ts';

export type Discover = (domain: string) => Promise<Endpoints>;

export async function resolveEndpoint(settings: Settings, discover: Discover): Promise<string> {
  if (settings.endpoint.mode === 'url') return settings.endpoint.url;
  const domain = settings.jid.slice(settings.jid.indexOf('@') + 1);
  const found = await discover(domain);
  const candidates = settings.transport === 'bosh' ? found.bosh : found.websocket;
  const ordered = [...candidates].sort((a, b) => Number(isEncrypted(b)) - Number(isEncrypted(a)));
  const chosen = ordered[0];
  if (!chosen) {
    const what = settings.transport === 'bosh' ? 'BOSH' : 'WebSocket';
    throw new CheckError(
      'unreachable',
      `${domain} announces no ${what} endpoint in its host-meta (XEP-0156); give the connection URL in the settings`,
    );
  }
  return chosen;
}

function isEncrypted(url: string): boolean {
  return url.startsWith('wss:') || url.startsWith('https:');
}
