// The check cycle when things change or break, in Debian's Chromium against the lab: a contact turning
// red gives exactly one notification (the real notifications API, watched by a spy in the service
// worker), and an observatory answering garbage, an error or nothing gives the "observatory
// unreachable" state with the previous results kept and marked stale. Between the extension and the
// real observatory sits a scripted one of ours that passes requests through or misbehaves on purpose.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../lab/state.ts';
import type { DomainSummary } from '../../src/core/summary.ts';
import { type ExtensionBrowser, launchExtension } from '../support/browser.ts';
import { ACCOUNT, LAB_DOMAINS, PASSWORD } from '../support/e2e-account.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { build, SCREENSHOTS } from './build-once.ts';

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  notifications: {
    create(...args: unknown[]): unknown;
    getAll(): Promise<Record<string, boolean>>;
  };
};

/** How the scripted observatory answers `GET /api/v1/snapshot`; everything else goes to the real one. */
type Mode =
  | 'pass-through'
  | 'other.test-degraded'
  | 'garbage'
  | 'wrong-shape'
  | 'http-500'
  | 'no-answer'
  | 'stalled-body';

interface StatusValue {
  lastCheck: string | null;
  cycle: { state: string };
  failure: { kind: string; message: string } | null;
  stale: boolean;
  results: { jid: string; name: string | null; light: string }[];
}

function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** other.test as a server that dropped TLS altogether: grade F, no encryption. */
function degraded(summary: DomainSummary): DomainSummary {
  const broken = {
    ...summary.services.s2s,
    grade: 'F' as const,
    gradeIfTrusted: null,
    encryption: 'none' as const,
    tlsVersions: [],
    authentication: [],
    dialback: true,
    findings: [
      { code: 'tls.none', severity: 'critical' as const, message: 'other.test offers no TLS at all.' },
    ],
    suites: [],
    serverPreference: null,
  };
  return { ...summary, services: { c2s: broken, s2s: broken } };
}

describe('check cycle robustness', () => {
  let ext: ExtensionBrowser;
  let observatory: TestObservatory;
  let scripted: Server;
  let scriptedUrl: string;
  let mode: Mode = 'pass-through';
  const sockets = new Set<Socket>();
  let page: Page;

  /** Forwards a request to the real observatory, answering with its status, headers and body. */
  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      // The body is passed on decoded; the host is the real observatory's.
      if (typeof value === 'string' && !['host', 'accept-encoding', 'connection'].includes(name))
        headers.set(name, value);
    }
    const init: RequestInit = { method: request.method ?? 'GET', headers };
    if (request.method !== 'GET' && request.method !== 'OPTIONS') init.body = await readBody(request);
    const answer = await fetch(`${observatory.url}${request.url}`, init);
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name))
        out[name] = value;
    });
    response.writeHead(answer.status, out);
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  async function snapshot(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cors = {
      'access-control-allow-origin': request.headers.origin ?? '*',
      'access-control-expose-headers': 'etag',
    };
    switch (mode) {
      case 'pass-through':
        return forward(request, response);
      case 'other.test-degraded': {
        const real = (await (await fetch(`${observatory.url}/api/v1/snapshot`)).json()) as {
          domains: DomainSummary[];
        };
        const domains = real.domains.map((d) => (d.domain === 'other.test' ? degraded(d) : d));
        response.writeHead(200, { ...cors, 'content-type': 'application/json', etag: '"degraded"' });
        response.end(JSON.stringify({ ...real, domains }));
        return;
      }
      case 'garbage':
        response.writeHead(200, { ...cors, 'content-type': 'application/json' });
        response.end('<!doctype html><title>502</title><p>Bad gateway, have a nice day');
        return;
      case 'wrong-shape':
        response.writeHead(200, { ...cors, 'content-type': 'application/json' });
        response.end(JSON.stringify({ hello: 'world', domains: 'all of them' }));
        return;
      case 'http-500':
        response.writeHead(500, { ...cors, 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'internal', message: 'The database is on fire.' }));
        return;
      case 'no-answer':
        // Nothing, ever: the extension's own time budget ends the wait; afterAll closes the socket.
        return;
      case 'stalled-body':
        response.writeHead(200, { ...cors, 'content-type': 'application/json' });
        response.write('{"rubricVersion":1,"domains":[');
        return;
    }
  }

  function send(message: unknown): Promise<unknown> {
    return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
  }

  async function status(): Promise<StatusValue> {
    return ((await send({ type: 'getStatus' })) as { value: StatusValue }).value;
  }

  /** Runs a check from the refresh button's message and waits for it to end. */
  async function check(): Promise<StatusValue> {
    await send({ type: 'runCheck', trigger: 'refresh' });
    await expect
      .poll(async () => (await status()).cycle.state, { timeout: 60_000, interval: 200 })
      .toBe('idle');
    return status();
  }

  /** Every notifications.create call the background made since the spy went in. */
  function notificationsCreated(): Promise<unknown[][]> {
    return ext.worker.evaluate(
      () => (globalThis as unknown as { hoplightCreated: unknown[][] }).hoplightCreated,
    );
  }

  beforeAll(async () => {
    await build();
    const state = JSON.parse(await readFile(process.env.HOPLIGHT_LAB_STATE as string, 'utf8')) as LabState;
    observatory = await startTestObservatory();
    await observatory.scan(LAB_DOMAINS);
    scripted = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://scripted').pathname;
      const handle =
        request.method === 'GET' && path === '/api/v1/snapshot' ? snapshot : (forward as typeof snapshot);
      handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    scripted.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
    scriptedUrl = `http://127.0.0.1:${(scripted.address() as { port: number }).port}/`;
    const cert = await readFile(state.domains['good.test']?.certFile as string, 'utf8');
    ext = await launchExtension({
      timeoutMs: 90_000,
      args: [
        `--host-resolver-rules=MAP good.test ${state.domains['good.test']?.address}`,
        `--ignore-certificate-errors-spki-list=${spkiHash(cert)}`,
      ],
    });
    page = await ext.openPage('options.html');
    const saved = (await send({
      type: 'saveSettings',
      settings: {
        jid: ACCOUNT,
        endpoint: { mode: 'url', url: 'wss://good.test:5281/xmpp-websocket' },
        transport: 'websocket',
        observatoryUrl: scriptedUrl,
        privacyMode: false,
        checkIntervalMinutes: 60,
        notifications: true,
      },
    })) as { value: { saved: boolean } };
    expect(saved.value.saved).toBe(true);
    await send({ type: 'saveCredentials', password: PASSWORD, remember: false });
    // The spy records each call and passes it on to Chrome's real API.
    await ext.worker.evaluate(() => {
      const created: unknown[][] = [];
      (globalThis as unknown as { hoplightCreated: unknown[][] }).hoplightCreated = created;
      const real = chrome.notifications.create.bind(chrome.notifications);
      chrome.notifications.create = (...args: unknown[]) => {
        created.push(args);
        return real(...args);
      };
    });
  });
  afterAll(async () => {
    await ext?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => scripted?.close(resolve));
    await observatory?.stop();
  });

  it('notifies exactly once when a contact turns red, and not again while it stays red', async () => {
    const first = await check();
    expect(first.failure).toBeNull();
    expect(first.results).toHaveLength(9);
    expect(first.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('green');
    // The first check is a first look, not a change.
    expect(await notificationsCreated()).toEqual([]);

    mode = 'other.test-degraded';
    const second = await check();
    expect(second.failure).toBeNull();
    expect(second.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('red');
    const created = await notificationsCreated();
    expect(created).toHaveLength(1);
    expect(created[0]?.[0]).toBe('hoplight-red');
    expect(created[0]?.[1]).toMatchObject({
      type: 'basic',
      title: 'A contact turned unsafe',
      message: expect.stringMatching(/^Erin: /),
    });
    // Chrome itself shows it.
    expect(await ext.worker.evaluate(() => chrome.notifications.getAll())).toHaveProperty('hoplight-red');

    const third = await check();
    expect(third.failure).toBeNull();
    expect(third.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('red');
    expect(await notificationsCreated()).toHaveLength(1);
  });

  it.each<[Mode, RegExp]>([
    ['garbage', /The observatory's snapshot is not JSON\./],
    ['wrong-shape', /The observatory's snapshot has no list of domains\./],
    ['http-500', /The observatory's snapshot answered HTTP 500\./],
    ['no-answer', /did not answer \(no answer in time\)/],
    ['stalled-body', /did not answer \(no answer in time\)/],
  ])(
    'an observatory answering %s: "observatory unreachable", previous results kept and marked stale',
    async (misbehaviour, detail) => {
      mode = 'pass-through';
      const before = await check();
      expect(before.failure).toBeNull();

      mode = misbehaviour;
      const after = await check();
      expect(after.failure?.kind).toBe('observatory-unreachable');
      expect(after.failure?.message).toMatch(detail);
      expect(after.stale).toBe(true);
      expect(after.lastCheck).toBe(before.lastCheck);
      expect(after.results).toEqual(before.results);

      const popup = await ext.openPage('popup.html');
      try {
        const alert = popup.getByRole('alert');
        await expect.poll(() => alert.locator('h2').textContent()).toBe('Observatory unreachable');
        expect(await alert.textContent()).toMatch(detail);
        expect(await popup.locator('li.row').count()).toBe(9);
        expect(await popup.locator('.stale').textContent()).toContain('stale');
        if (misbehaviour === 'garbage') {
          await popup.screenshot({ path: `${SCREENSHOTS}/e2e-observatory-garbage.png` });
        }
      } finally {
        await popup.close();
      }
    },
  );
});
