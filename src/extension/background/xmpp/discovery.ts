// XEP-0156: find a domain's WebSocket and BOSH endpoints from its host-meta documents (JSON and XRD).

import { type Element, parse } from 'ltx';
import { errorText } from '../../../core/error-text.ts';
import { CheckError } from './errors.ts';

export const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';
export const REL_BOSH = 'urn:xmpp:alt-connections:xbosh';
const NS_XRD = 'http://docs.oasis-open.org/ns/xri/xrd-1.0';
/** host-meta files are tiny; anything far bigger is not one. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

export interface Endpoints {
  /** ws: or wss: URLs, in document order. */
  websocket: string[];
  /** http: or https: URLs, in document order. */
  bosh: string[];
}

function usable(href: unknown, schemes: readonly string[]): string | null {
  if (typeof href !== 'string') return null;
  try {
    const url = new URL(href);
    return schemes.includes(url.protocol) ? url.toString() : null;
  } catch {
    return null;
  }
}

function collect(links: { rel: unknown; href: unknown }[]): Endpoints {
  const endpoints: Endpoints = { websocket: [], bosh: [] };
  for (const { rel, href } of links) {
    const url =
      rel === REL_WEBSOCKET
        ? usable(href, ['ws:', 'wss:'])
        : rel === REL_BOSH
          ? usable(href, ['http:', 'https:'])
          : null;
    if (!url) continue;
    const list = rel === REL_WEBSOCKET ? endpoints.websocket : endpoints.bosh;
    if (!list.includes(url)) list.push(url);
  }
  return endpoints;
}

/** `host-meta.json` (RFC 6415 JRD). Throws on text that is not a JRD object. */
export function parseHostMetaJson(text: string): Endpoints {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`host-meta.json is not JSON (${errorText(error)})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('host-meta.json is not a JSON object');
  }
  const links = (document as { links?: unknown }).links;
  if (links === undefined) return { websocket: [], bosh: [] };
  if (!Array.isArray(links)) throw new Error('host-meta.json: `links` is not an array');
  return collect(
    links
      .filter((link): link is Record<string, unknown> => typeof link === 'object' && link !== null)
      .map((link) => ({ rel: link.rel, href: link.href })),
  );
}

/** `host-meta` (RFC 6415 XRD). Throws on text that is not an XRD document. */
export function parseHostMetaXml(text: string): Endpoints {
  let root: Element;
  try {
    root = parse(text.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, ''));
  } catch (error) {
    throw new Error(`host-meta is not well-formed XML (${errorText(error)})`);
  }
  if (root.name !== 'XRD' || root.attrs.xmlns !== NS_XRD) throw new Error('host-meta is not an XRD document');
  return collect(root.getChildren('Link').map((link) => ({ rel: link.attrs.rel, href: link.attrs.href })));
}

export interface DiscoverOptions {
  signal?: AbortSignal;
  /** Budget per document, in ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Where the documents live; `https://DOMAIN` unless given (tests serve them from loopback). */
  origin?: string;
}

const DOMAIN_PATTERN =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

async function fetchText(url: string, options: DiscoverOptions): Promise<string> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 10_000)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      signal: AbortSignal.any(signals),
      credentials: 'omit',
      redirect: 'follow',
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`${url}: ${errorText(error)}${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new Error(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  return text;
}

/**
 * Reads `/.well-known/host-meta.json`, then `/.well-known/host-meta`, and merges their links.
 * Throws a CheckError (`invalid-input`, `unreachable`, `aborted`) only when neither document was read.
 */
export async function discoverEndpoints(domain: string, options: DiscoverOptions = {}): Promise<Endpoints> {
  if (!DOMAIN_PATTERN.test(domain)) {
    throw new CheckError('invalid-input', `not a domain name: ${JSON.stringify(domain)}`);
  }
  const origin = options.origin ?? `https://${domain}`;
  const attempts = await Promise.allSettled([
    fetchText(`${origin}/.well-known/host-meta.json`, options).then(parseHostMetaJson),
    fetchText(`${origin}/.well-known/host-meta`, options).then(parseHostMetaXml),
  ]);
  if (options.signal?.aborted) throw new CheckError('aborted', 'endpoint discovery was cancelled');
  const found = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  if (found.length === 0) {
    const reasons = attempts.map((a) => (a.status === 'rejected' ? errorText(a.reason) : '')).join('; ');
    throw new CheckError('unreachable', `no XEP-0156 host-meta for ${domain}: ${reasons}`);
  }
  return collect(
    found.flatMap((endpoints) => [
      ...endpoints.websocket.map((href) => ({ rel: REL_WEBSOCKET, href })),
      ...endpoints.bosh.map((href) => ({ rel: REL_BOSH, href })),
    ]),
  );
}
