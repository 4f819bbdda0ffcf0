// The check cycle when things change or break, in Debian's Chromium and Firefox ESR against the lab: a
// contact turning red gives exactly one notification (the browser's own list of shown notifications),
// and an observatory answering garbage, an error or nothing gives the "observatory unreachable" state
// with the previous results kept and marked stale. Between the extension and the real observatory sits
// a scripted one of ours that passes requests through or misbehaves on purpose.
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../lab/state.ts';
import type { DomainSummary } from '../../src/core/summary.ts';
import { seriousViolations } from '../support/axe.ts';
import { ACCOUNT, LAB_DOMAINS, PASSWORD } from '../support/e2e-account.ts';
import {
  BROWSER_NAMES,
  completeSetup,
  count,
  type ExtensionDriver,
  launchDriver,
  sendMessage,
  statusWithResults,
  text,
  withApi,
} from '../support/extension-driver.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { build, SCREENSHOTS } from './build-once.ts';

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

let observatory: TestObservatory;
let scripted: Server;
let scriptedUrl: string;
let mode: Mode = 'pass-through';
const sockets = new Set<Socket>();
let lab: LabState;

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

beforeAll(async () => {
  await build();
  await mkdir(SCREENSHOTS, { recursive: true });
  lab = JSON.parse(await readFile(process.env.HOPLIGHT_LAB_STATE as string, 'utf8')) as LabState;
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
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => scripted?.close(resolve));
  await observatory?.stop();
});

describe.each(BROWSER_NAMES)('check cycle robustness in %s', (browserName) => {
  let ext: ExtensionDriver;
  let page: Page;

  async function status(): Promise<StatusValue> {
    return ((await statusWithResults(page)) as { value: StatusValue }).value;
  }

  /** Runs a check from the refresh button's message and waits for it to end. */
  async function check(): Promise<StatusValue> {
    await sendMessage(page, { type: 'runCheck', trigger: 'refresh' });
    await expect
      .poll(async () => (await status()).cycle.state, { timeout: 60_000, interval: 200 })
      .toBe('idle');
    return status();
  }

  /** The notifications the browser shows for the extension now (Firefox gives their options too). */
  function shown(): Promise<Record<string, unknown>> {
    return withApi(page, (api) => api.notifications.getAll(), null);
  }

  beforeAll(async () => {
    mode = 'pass-through';
    ext = await launchDriver(browserName, {
      timeoutMs: 90_000,
      hosts: { 'good.test': lab.domains['good.test']?.address as string },
      trustedCertificates: [await readFile(lab.domains['good.test']?.certFile as string, 'utf8')],
      backgroundIdleMs: 2_000,
    });
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('is set up through the options page, as a user does', async () => {
    // The options page's Save: its click grants host access in Firefox.
    page = await ext.openPage('options.html');
    await completeSetup(page, {
      jid: ACCOUNT,
      password: PASSWORD,
      transport: 'WebSocket',
      url: 'wss://good.test:5281/xmpp-websocket',
      observatory: scriptedUrl,
      privacy: 'ask',
    });
    await expect
      .poll(async () => (await status()).cycle.state, { timeout: 60_000, interval: 200 })
      .toBe('idle');
  });

  it('notifies exactly once when a contact turns red, and not again while it stays red', async () => {
    const first = await check();
    expect(first.failure).toBeNull();
    expect(first.results).toHaveLength(9);
    expect(first.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('green');
    // The first check is a first look, not a change.
    expect(await shown()).toEqual({});

    mode = 'other.test-degraded';
    const second = await check();
    expect(second.failure).toBeNull();
    expect(second.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('red');
    const notifications = await shown();
    expect(Object.keys(notifications)).toEqual(['hoplight-red']);
    if (typeof notifications['hoplight-red'] === 'object') {
      // Firefox tells what it shows; Chromium only that it shows it.
      expect(notifications['hoplight-red']).toMatchObject({
        type: 'basic',
        title: 'A contact turned unsafe',
        message: expect.stringMatching(/^Erin\. Open Hoplight to see why/),
      });
    }
    // The user dismisses it; the next check, with Erin still red, shows nothing new.
    await withApi(page, (api, id) => api.notifications.clear(id), 'hoplight-red');
    const third = await check();
    expect(third.failure).toBeNull();
    expect(third.results.find((r) => r.jid === 'erin@other.test')?.light).toBe('red');
    expect(await shown()).toEqual({});
    mode = 'pass-through';
  });

  it.each<[Mode, RegExp]>([
    ['garbage', /The observatory's snapshot is not JSON\./],
    ['wrong-shape', /The observatory's snapshot has no list of domains\./],
    ['http-500', /The observatory's snapshot answered HTTP 500\./],
    ['no-answer', /did not answer \(no answer in time\)/],
    ['stalled-body', /did not answer \(no answer in time\)/],
  ])(
    'an observatory answering %s: "observatory unreachable" beside fresh results from the observation',
    async (misbehaviour, detail) => {
      mode = 'pass-through';
      const before = await check();
      expect(before.failure).toBeNull();

      mode = misbehaviour;
      const after = await check();
      mode = 'pass-through';
      expect(after.failure?.kind).toBe('observatory-unreachable');
      expect(after.failure?.message).toMatch(detail);
      // The check itself went through: every contact is listed anew, its s2s hop from what the user's
      // server observed, and nothing is greener than before (the grades are unknown now).
      expect(after.stale).toBe(false);
      expect(after.lastCheck).not.toBe(before.lastCheck);
      expect(after.results.map((r) => r.jid).sort()).toEqual(before.results.map((r) => r.jid).sort());
      // Without grades nothing is judged green; plain.test stays red, as observed.
      expect(after.results.filter((r) => r.light === 'green' || r.light === 'yellow')).toEqual([]);
      expect(after.results.find((r) => r.jid === 'dave@plain.test')?.light).toBe('red');

      const popup = await ext.openPage('popup.html');
      try {
        await expect.poll(() => text(popup, '.failure.banner h2')).toBe('No observatory answered');
        expect(await text(popup, '.failure.banner')).toMatch(detail);
        expect(await count(popup, 'li.row')).toBe(9);
        if (misbehaviour === 'garbage') {
          await popup.screenshot({ path: `${SCREENSHOTS}/e2e-observatory-garbage-${browserName}.png` });
          expect(await seriousViolations(popup)).toEqual([]);
        }
      } finally {
        await popup.close();
      }
    },
  );
});
