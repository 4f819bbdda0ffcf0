// A report's size has a bound whatever the servers say: texts that come from the network (error
// messages, software names, SASL mechanism names, certificate names) are cut to a length and long
// lists of texts to a count, and a report still over the total bound is refused. Targets per service
// are already capped by the connection gate's caps.

export interface ReportBounds {
  /** Characters kept of one text (default 2,000). */
  textChars: number;
  /** Items kept of one list of texts (default 256). */
  textItems: number;
  /** The whole report as JSON, in bytes (default 1 MiB). */
  totalBytes: number;
}

export const DEFAULT_REPORT_BOUNDS: ReportBounds = { textChars: 2_000, textItems: 256, totalBytes: 1 << 20 };

export class ReportTooLargeError extends Error {}

/** A copy of `value` with long texts and long lists of texts cut; other values as they are. */
export function boundTexts<T>(value: T, bounds: ReportBounds = DEFAULT_REPORT_BOUNDS): T {
  return cut(value, bounds) as T;
}

function cut(value: unknown, bounds: ReportBounds): unknown {
  if (typeof value === 'string')
    return value.length > bounds.textChars ? `${value.slice(0, bounds.textChars)}…` : value;
  if (Array.isArray(value)) {
    const kept =
      value.length > bounds.textItems && value.every((v) => typeof v === 'string')
        ? value.slice(0, bounds.textItems)
        : value;
    return kept.map((v) => cut(v, bounds));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v, bounds)]));
  }
  return value;
}

/** `boundTexts`, then throws ReportTooLargeError when the JSON is still over `totalBytes`. */
export function boundReport<T>(report: T, bounds: ReportBounds = DEFAULT_REPORT_BOUNDS): T {
  const bounded = boundTexts(report, bounds);
  const bytes = Buffer.byteLength(JSON.stringify(bounded));
  if (bytes > bounds.totalBytes)
    throw new ReportTooLargeError(`the report is ${bytes} bytes, over the bound of ${bounds.totalBytes}`);
  return bounded;
}
