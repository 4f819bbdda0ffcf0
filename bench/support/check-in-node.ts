// The extension's check cycle run in Node, with the background's own modules (check cycle, storage,
// handler, packed results) over in-memory storage areas that clone like the browser's: what a check
// costs the user's server (stanzas, bytes, the shaper's verdict) and what the popup's messages and
// storage.local weigh, at rosters too big to set up in a browser for every run.
import { runCheckCycle } from '../../src/extension/background/check-cycle.ts';
import { saveCredentials } from '../../src/extension/background/credentials.ts';
import { handleRequest } from '../../src/extension/background/handler.ts';
import { memoryStorage } from '../../src/extension/background/memory-storage.test-support.ts';
import { memorySnapshotStore } from '../../src/extension/background/snapshot-store.ts';
import { readCheckResults, writeSettings } from '../../src/extension/background/storage.ts';
import {
  checkXmppAccount,
  discoverXmppEndpoints,
  STEP_TIMEOUT_MS,
} from '../../src/extension/background/xmpp-account.ts';
import type { CheckPhase, CycleState } from '../../src/extension/shared/check-types.ts';
import type { Request } from '../../src/extension/shared/messages.ts';
import { DEFAULT_SETTINGS } from '../../src/extension/shared/settings.ts';
import type { StanzaRelay } from './stanza-relay.ts';

export interface NodeCheckAccount {
  jid: string;
  password: string;
  websocketUrl: string;
  observatoryUrl: string;
}

export interface NodeCheckFigures {
  ms: number;
  ok: boolean;
  failure: string | null;
  contacts: number;
  /** Stanzas (iq, presence, message) the client sent its server, and every frame's bytes. */
  stanzas: number;
  stanzasByElement: Record<string, number>;
  frames: { atMs: number; bytes: number }[];
  /** The largest getStatus answer while the check ran, bytes of JSON. */
  statusBytesMax: number;
  phases: [string, number][];
}

/** One browser profile: its storage persists across checks (warm), a new one starts empty (cold). */
export function nodeProfile(account: NodeCheckAccount) {
  const local = memoryStorage();
  const session = memoryStorage();
  const snapshots = memorySnapshotStore();
  let ready: Promise<void> | null = null;
  const setUp = async () => {
    await writeSettings(local, {
      ...DEFAULT_SETTINGS,
      jid: account.jid,
      endpoint: { mode: 'url', url: account.websocketUrl },
      transport: 'websocket',
      observatoryUrl: account.observatoryUrl,
      notifications: false,
    });
    await saveCredentials({ local, session }, account.jid, account.password, false);
  };
  let cycle: CycleState = { state: 'idle' };
  const ask = (request: Request) =>
    handleRequest(
      {
        storage: local,
        session,
        onSettingsSaved: async () => {},
        problem: () => null,
        cycle: async () => cycle,
        requestCheck: async () => {},
        testObservatory: async () => {
          throw new Error('not in the bench');
        },
        testConnection: async () => {
          throw new Error('not in the bench');
        },
      },
      request,
    );
  return {
    local,
    ask,
    async check(relay: StanzaRelay): Promise<NodeCheckFigures> {
      ready ??= setUp();
      await ready;
      relay.reset();
      let statusBytesMax = 0;
      const polls: Promise<void>[] = [];
      const phases: [string, number][] = [];
      const started = performance.now();
      const startedAt = new Date().toISOString();
      const onProgress = (progress: CheckPhase) => {
        cycle = { state: 'running', runId: 'bench', startedAt, progress };
        if (phases.at(-1)?.[0] !== progress.phase) phases.push([progress.phase, performance.now() - started]);
      };
      // The popup's poll, every 400 ms while the check runs: its answer's size is the status message's.
      const poll = setInterval(() => {
        polls.push(
          ask({ type: 'getStatus' }).then((reply) => {
            statusBytesMax = Math.max(statusBytesMax, JSON.stringify(reply).length);
          }),
        );
      }, 400);
      try {
        const outcome = await runCheckCycle({
          local,
          session,
          snapshots,
          checkAccount: checkXmppAccount,
          discover: discoverXmppEndpoints,
          fetch: (input, init) => fetch(input, init),
          now: () => new Date(),
          timeoutMs: STEP_TIMEOUT_MS,
          onProgress,
        });
        const ms = performance.now() - started;
        clearInterval(poll);
        await Promise.all(polls);
        cycle = { state: 'idle' };
        const frames = [...relay.frames()];
        const stanzasByElement: Record<string, number> = {};
        for (const f of frames) stanzasByElement[f.element] = (stanzasByElement[f.element] ?? 0) + 1;
        const stanzas = frames.filter((f) => ['iq', 'presence', 'message'].includes(f.element)).length;
        return {
          ms,
          ok: outcome.ok,
          failure: outcome.ok ? (outcome.failure?.message ?? null) : outcome.failure.message,
          contacts: outcome.ok ? outcome.results.length : 0,
          stanzas,
          stanzasByElement,
          frames,
          statusBytesMax,
          phases,
        };
      } finally {
        clearInterval(poll);
      }
    },
    /** Bytes storage.local would count: each key's name and its value as JSON, as Chrome counts them. */
    storageBytes(): number {
      let bytes = 0;
      for (const [key, value] of local.data) bytes += key.length + JSON.stringify(value).length;
      return bytes;
    },
    /** Each storage.local key's bytes, largest first. */
    storageByKey(): [string, number][] {
      return [...local.data]
        .map(([key, value]): [string, number] => [key, key.length + JSON.stringify(value).length])
        .sort((a, b) => b[1] - a[1]);
    },
    /** What the status message weighed when it carried every result (the form before this one). */
    async fullStatusBytes(): Promise<{ full: number; lean: number; packedResults: number }> {
      const lean = await ask({ type: 'getStatus' });
      const packed = await ask({ type: 'getResults' });
      const { results } = await readCheckResults(local);
      const full = JSON.stringify({
        ...lean,
        value: { ...(lean.ok ? (lean.value as object) : {}), results },
      }).length;
      return { full, lean: JSON.stringify(lean).length, packedResults: JSON.stringify(packed).length };
    },
    /** storage.local as the version before the packed form wrote it: results as one object each. */
    async legacyStorageBytes(): Promise<number> {
      const { results } = await readCheckResults(local);
      return (
        this.storageBytes() -
        (await packedKeysBytes(local)) +
        'results'.length +
        JSON.stringify(results).length
      );
    },
  };
}

async function packedKeysBytes(local: ReturnType<typeof memoryStorage>): Promise<number> {
  let bytes = 0;
  for (const key of ['packedResults', 'resultsSummary'])
    if (local.data.has(key)) bytes += key.length + JSON.stringify(local.data.get(key)).length;
  return bytes;
}
