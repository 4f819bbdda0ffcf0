// Which hosts the extension must reach for these settings, as match patterns for
// `permissions.request` (DESIGN §5: host access only to the user's server and the observatory).
import type { Settings } from '../shared/settings.ts';

/**
 * Match patterns without ports (Firefox refuses them; Chrome ignores them): the endpoint's origin, or
 * for automatic discovery the domain's https (host-meta) and its WebSocket/BOSH origin; the observatory.
 */
export function hostPatterns(settings: Settings): string[] {
  const patterns = new Set<string>();
  const add = (url: string) => {
    try {
      const { protocol, hostname } = new URL(url);
      if (hostname !== '') patterns.add(`${protocol}//${hostname}/*`);
    } catch {
      // An invalid URL was already refused by the validation; nothing to ask for.
    }
  };
  if (settings.endpoint.mode === 'url') add(settings.endpoint.url);
  else if (settings.jid.includes('@')) {
    const domain = settings.jid.slice(settings.jid.indexOf('@') + 1);
    add(`https://${domain}/`);
    add(settings.transport === 'websocket' ? `wss://${domain}/` : `https://${domain}/`);
  }
  add(settings.observatoryUrl);
  return [...patterns];
}
