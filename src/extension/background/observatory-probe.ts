// The setup's "Test observatory": who answered at the URL? A Hoplight observatory (its API version
// and how many domains it has graded), something else, or nothing. The answers are parsed here, so a
// stranger's page can only ever make it say "something else".
import type { ObservatoryProbe } from '../shared/messages.ts';
import { apiUrl } from './observatory.ts';

/** An HTTP answer reduced to what the classification reads; null when nothing answered. */
export interface ProbeAnswer {
  status: number;
  json: unknown;
}

/** Pure: from the answers to `/api/v1/openapi.json` and `/api/v1/stats` to who answered. */
export function classifyProbe(openapi: ProbeAnswer | null, stats: ProbeAnswer | null): ObservatoryProbe {
  if (openapi === null && stats === null) return { kind: 'none' };
  const info = field(field(openapi?.json, 'info'), 'title');
  const version = field(field(openapi?.json, 'info'), 'version');
  const scanned = field(stats?.json, 'scanned');
  if (
    openapi?.status === 200 &&
    typeof info === 'string' &&
    info.startsWith('Hoplight observatory') &&
    stats?.status === 200 &&
    typeof scanned === 'number' &&
    Number.isInteger(scanned) &&
    scanned >= 0
  ) {
    return { kind: 'hoplight', apiVersion: typeof version === 'string' ? version : '?', domains: scanned };
  }
  return { kind: 'other', httpStatus: openapi?.status ?? stats?.status ?? 0 };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Largest body read: the two answers are a few KiB; a stranger's page must not fill the worker. */
const MAX_BODY = 512 * 1024;

export async function probeObservatory(
  fetchFn: typeof fetch,
  baseUrl: string,
  timeoutMs: number,
): Promise<ObservatoryProbe> {
  const get = async (path: string): Promise<ProbeAnswer | null> => {
    try {
      const response = await fetchFn(apiUrl(baseUrl, path), {
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let json: unknown = null;
      if (text.length <= MAX_BODY) {
        try {
          json = JSON.parse(text);
        } catch {
          // Not JSON: something else answered.
        }
      }
      return { status: response.status, json };
    } catch {
      return null;
    }
  };
  const [openapi, stats] = await Promise.all([get('api/v1/openapi.json'), get('api/v1/stats')]);
  return classifyProbe(openapi, stats);
}
