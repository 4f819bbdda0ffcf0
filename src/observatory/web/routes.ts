// The pages for people: search, a domain's report with what to fix, statistics, and a badge per domain.
import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { normalizeDomain } from '../../core/domain.ts';
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import { clientKey } from '../http/client-key.ts';
import type { HttpContext } from '../http/context.ts';
import { toDomainView } from '../http/domain-view.ts';
import { storedPath } from '../http/path-view.ts';
import { requestScan } from '../queue/request-scan.ts';
import { badgeSvg } from './badge.ts';
import { directoryHref, parseDirectoryParams } from './directory-model.ts';
import { directoryView } from './directory-view.ts';
import { isSameOriginPost } from './form-origin.ts';
import { CONTENT_SECURITY_POLICY, ICON_SVG, renderFragment, renderPage, SITE_CSS } from './html.ts';
import { pathFormView, pathView } from './path-page.ts';
import { RenderCache } from './render-cache.ts';
import { networkStatsView } from './stats-view.ts';
import { domainView, messageView, reportSection, searchView } from './views.ts';

/** The grade history covers this many months back. */
const HISTORY_MONTHS = 24;
const TOP_ISSUERS = 10;

const NOTICES: Record<string, string> = {
  queued: 'The scan is queued.',
  existing: 'A scan is already queued or running.',
  cooldown: 'This domain was scanned recently; try again later.',
  'queue-full': 'The scan queue is full; try again later.',
  'client-limit': 'You have asked for many scans recently; try again later.',
};

export async function webRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  // Pages made from the whole store change only when some domain's summary does (the snapshot
  // revision), a report's section only when it is re-graded: rendered once per key, bounded LRUs.
  const statsPages = new RenderCache<string>(8);
  const directoryPages = new RenderCache<string>(300);
  const directoryCounts = new RenderCache<number>(500);
  const reportSections = new RenderCache<string | null>(200);
  await app.register(async (pages) => {
    // Forms post urlencoded; parsed here only, so the JSON API still refuses anything else.
    pages.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    pages.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });
    const send = (
      reply: import('fastify').FastifyReply,
      status: number,
      title: string,
      body: VNode | VNode[],
    ) => reply.code(status).type('text/html; charset=utf-8').send(renderPage(title, body));

    pages.get('/assets/site.css', async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SITE_CSS),
    );

    // Browsers also ask for /favicon.ico where no page names an icon (e.g. a badge opened alone).
    for (const path of ['/assets/icon.svg', '/favicon.ico']) {
      pages.get(path, async (_request, reply) =>
        reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(ICON_SVG),
      );
    }

    pages.get('/', async (_request, reply) => send(reply, 200, 'Search', searchView() as VNode));

    pages.get<{ Querystring: { domain?: string } }>('/search', async (request, reply) => {
      const input = typeof request.query.domain === 'string' ? request.query.domain : '';
      const parsed = normalizeDomain(input);
      if (!parsed.ok) return send(reply, 400, 'Search', searchView(input, parsed.error) as VNode);
      return reply.redirect(`/domain/${encodeURIComponent(parsed.domain)}`, 303);
    });

    pages.get<{ Params: { domain: string }; Querystring: { notice?: string } }>(
      '/domain/:domain',
      async (request, reply) => {
        const parsed = normalizeDomain(request.params.domain);
        if (!parsed.ok)
          return send(reply, 400, 'Not a domain', messageView('Not a domain', parsed.error) as VNode);
        const state = await ctx.store.getDomain(parsed.domain);
        const view = toDomainView(parsed.domain, state, ctx.now(), ctx.freshForMs);
        const reportId = state?.reportId ?? null;
        // A report changes in place only when re-graded, which changes the summary's rubric version.
        const section =
          reportId === null
            ? null
            : await reportSections.get(`${reportId}:${state?.summary?.rubricVersion}`, async () => {
                const report = await ctx.store.getReport(reportId);
                return report ? renderFragment(reportSection(parsed.domain, report) as VNode) : null;
              });
        const notice = NOTICES[request.query.notice ?? ''] ?? null;
        const history = await ctx.store.scanHistory(parsed.domain);
        return send(reply, 200, parsed.domain, domainView(view, section, notice, history) as VNode);
      },
    );

    pages.post<{ Params: { domain: string } }>('/domain/:domain/scan', async (request, reply) => {
      if (!isSameOriginPost(request.headers, request.host)) {
        const text = 'Scans are asked for from this site’s own pages; this form came from another site.';
        return send(reply, 403, 'Refused', messageView('Refused', text) as VNode);
      }
      const parsed = normalizeDomain(request.params.domain);
      if (!parsed.ok)
        return send(reply, 400, 'Not a domain', messageView('Not a domain', parsed.error) as VNode);
      const client = clientKey(request.ip);
      const outcome = await requestScan(ctx.store, ctx.queue, parsed.domain, ctx.limits, ctx.now(), client);
      return reply.redirect(`/domain/${encodeURIComponent(parsed.domain)}?notice=${outcome.kind}`, 303);
    });

    pages.get<{ Querystring: { from?: string; to?: string } }>('/path', async (request, reply) => {
      const values = {
        from: typeof request.query.from === 'string' ? request.query.from : '',
        to: typeof request.query.to === 'string' ? request.query.to : '',
      };
      // Half filled (e.g. from a domain report's "check the path" link): the form, prefilled.
      if (values.from === '' || values.to === '')
        return send(reply, 200, 'Path', pathFormView(values) as VNode);
      const from = normalizeDomain(values.from);
      const to = normalizeDomain(values.to);
      if (!from.ok || !to.ok) {
        const error = !from.ok
          ? `Your domain: ${from.error}`
          : `Their domain: ${(to as { error: string }).error}`;
        return send(reply, 400, 'Path', pathFormView(values, error) as VNode);
      }
      return reply.redirect(`/path/${encodeURIComponent(from.domain)}/${encodeURIComponent(to.domain)}`, 303);
    });

    pages.get<{ Params: { from: string; to: string } }>('/path/:from/:to', async (request, reply) => {
      const from = normalizeDomain(request.params.from);
      const to = normalizeDomain(request.params.to);
      if (!from.ok || !to.ok) {
        const error = !from.ok ? from.error : (to as { error: string }).error;
        return send(reply, 400, 'Not a domain', messageView('Not a domain', error) as VNode);
      }
      const report = await storedPath(ctx, from.domain, to.domain);
      return send(reply, 200, `${from.domain} → ${to.domain}`, pathView(report) as VNode);
    });

    pages.get<{ Params: { domain: string } }>('/domain/:domain/report.json', async (request, reply) => {
      const parsed = normalizeDomain(request.params.domain);
      const state = parsed.ok ? await ctx.store.getDomain(parsed.domain) : null;
      const report = state?.reportId ? await ctx.store.getReport(state.reportId) : null;
      if (!parsed.ok || !report)
        return send(
          reply,
          404,
          'No report',
          messageView('No report', 'There is no report of this domain yet.') as VNode,
        );
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${parsed.domain}.json"`)
        .send(JSON.stringify(report, null, 2));
    });

    pages.get<{ Querystring: Record<string, string | undefined> }>('/directory', async (request, reply) => {
      const parsed = parseDirectoryParams(request.query);
      if (!parsed.ok) {
        const fallback = parseDirectoryParams({});
        if (!fallback.ok) throw new Error(fallback.error);
        const page = await ctx.store.directoryPage(fallback.query);
        return send(
          reply,
          400,
          'Directory',
          directoryView(fallback.query, page, ctx.now(), parsed.error) as VNode,
        );
      }
      const query = parsed.query;
      const revision = await ctx.store.snapshotRevision();
      const now = ctx.now();
      // Scan ages are written in minutes at the finest: a rendered page holds for the minute.
      const key = `${revision}|${Math.floor(now.getTime() / 60_000)}|${directoryHref(query)}`;
      const body = await directoryPages.get(key, async () => {
        const { page: _page, ...filters } = query;
        const total = await directoryCounts.get(
          `${revision}|${directoryHref({ ...query, page: 1 })}`,
          async () => ctx.store.countDirectory(filters),
        );
        const rows = await ctx.store.directoryRows(query);
        return renderPage('Directory', directoryView(query, { rows, total }, now) as VNode);
      });
      return reply.code(200).type('text/html; charset=utf-8').send(body);
    });

    pages.get('/stats', async (_request, reply) => {
      const revision = await ctx.store.snapshotRevision();
      const queued = await ctx.store.countScans('queued');
      const running = await ctx.store.countScans('running');
      const body = await statsPages.get(`${revision}|${queued}|${running}`, async () => {
        const since = new Date(ctx.now());
        since.setUTCMonth(since.getUTCMonth() - HISTORY_MONTHS + 1, 1);
        const stats = await ctx.store.networkStats({
          historySince: since.toISOString().slice(0, 7),
          topIssuers: TOP_ISSUERS,
        });
        const scans = {
          queued,
          running,
          done: await ctx.store.countScans('done'),
          failed: await ctx.store.countScans('failed'),
        };
        return renderPage('Statistics', networkStatsView(stats, scans, RUBRIC_VERSION) as VNode);
      });
      return reply.code(200).type('text/html; charset=utf-8').send(body);
    });

    pages.get<{ Params: { file: string } }>('/badge/:file', async (request, reply) => {
      const parsed = normalizeDomain(request.params.file.replace(/\.svg$/, ''));
      if (!parsed.ok || !request.params.file.endsWith('.svg')) {
        return reply.code(404).type('text/plain; charset=utf-8').send('No such badge.');
      }
      const state = await ctx.store.getDomain(parsed.domain);
      const c2s = state?.summary?.services.c2s.grade ?? null;
      const s2s = state?.summary?.services.s2s.grade ?? null;
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(badgeSvg(parsed.domain, c2s, s2s));
    });
  });
}
