// The pages for people: search, a domain's report with what to fix, statistics, and a badge per domain.
import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { normalizeDomain } from '../../core/domain.ts';
import { clientKey } from '../http/client-key.ts';
import type { HttpContext } from '../http/context.ts';
import { toDomainView } from '../http/domain-view.ts';
import { observatoryStats } from '../http/observatory-stats.ts';
import { requestScan } from '../queue/request-scan.ts';
import { badgeSvg } from './badge.ts';
import { isSameOriginPost } from './form-origin.ts';
import { CONTENT_SECURITY_POLICY, ICON_SVG, renderPage, SITE_CSS } from './html.ts';
import { domainView, messageView, searchView, statsView } from './views.ts';

const NOTICES: Record<string, string> = {
  queued: 'The scan is queued.',
  existing: 'A scan is already queued or running.',
  cooldown: 'This domain was scanned recently; try again later.',
  'queue-full': 'The scan queue is full; try again later.',
  'client-limit': 'You have asked for many scans recently; try again later.',
};

export async function webRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
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
        const report = state?.reportId ? ((await ctx.store.getScan(state.reportId))?.report ?? null) : null;
        const notice = NOTICES[request.query.notice ?? ''] ?? null;
        const history = await ctx.store.scanHistory(parsed.domain);
        return send(reply, 200, parsed.domain, domainView(view, report, notice, history) as VNode);
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

    pages.get('/stats', async (_request, reply) => {
      const stats = await observatoryStats(ctx.store);
      return send(reply, 200, 'Statistics', statsView(stats, stats.scans.queued) as VNode);
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
