// `--trust-proxy` / TRUST_PROXY: which hops' X-Forwarded-For to believe, in fastify's terms. Without it
// every client behind a reverse proxy shares the proxy's address, and so one rate-limit bucket.

/** true (any hop), a hop count, or a comma-separated list of proxy addresses / CIDR ranges. */
export type TrustProxy = boolean | number | string[];

export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const entries = value.split(',').map((part) => part.trim());
  // Addresses and ranges only: a typo must not silently trust everyone.
  const bad = entries.find((entry) => !/^[0-9a-f.:]+(?:\/[0-9]{1,3})?$/i.test(entry) || !/[.:]/.test(entry));
  if (bad !== undefined) {
    throw new Error(
      `"${bad}" is not a proxy address or range; give true, a hop count, or addresses like 10.0.0.1,10.1.0.0/16.`,
    );
  }
  return entries;
}
