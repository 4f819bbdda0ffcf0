// The path between two domains as the API and the page serve it: both summaries from the store, then
// the pure path model. A read: nothing is queued or written.
import { type PathReport, pathReport } from '../../core/path-report.ts';
import type { HttpContext } from './context.ts';

export async function storedPath(ctx: HttpContext, from: string, to: string): Promise<PathReport> {
  const states = await ctx.store.getDomains([...new Set([from, to])]);
  return pathReport(
    { domain: from, summary: states.get(from)?.summary ?? null },
    { domain: to, summary: states.get(to)?.summary ?? null },
    ctx.now(),
  );
}
