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

/**
 * The optional data collection (Firefox's `data_collection_permissions`) these settings need: lookups
 * send contacts' server names to the observatory; privacy mode sends none. Only what the manifest
 * declares as optional can be asked for (Chrome declares none and knows no such permission).
 */
export function dataCollectionFor(settings: Settings, declaredOptional: readonly string[]): string[] {
  if (settings.privacyMode) return [];
  return declaredOptional.includes('personalCommunications') ? ['personalCommunications'] : [];
}

/** The optional data collection a manifest declares (`browser_specific_settings.gecko`), if any. */
export function declaredDataCollection(manifest: unknown): string[] {
  const optional = (
    manifest as {
      browser_specific_settings?: { gecko?: { data_collection_permissions?: { optional?: unknown } } };
    } | null
  )?.browser_specific_settings?.gecko?.data_collection_permissions?.optional;
  return Array.isArray(optional) ? optional.filter((v): v is string => typeof v === 'string') : [];
}
