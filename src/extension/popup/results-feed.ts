// The popup's data: the status (small, polled while a check runs) and the results (large, fetched only
// when the status names a check other than the one whose results the popup holds).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../core/error-text.ts';
import type { ContactResult } from '../shared/check-types.ts';
import { type CheckTrigger, request, type SendMessage, type Status } from '../shared/messages.ts';
import { unpackResults } from '../shared/packed-results.ts';
import { markStatusReceived } from './render-timing.ts';

/** The status with the results of its last check, as the popup shows them. */
export interface PopupStatus extends Status {
  /** Worst first. */
  results: ContactResult[];
}

export type FeedState =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; status: PopupStatus };

/** Timers, given so tests drive the polling without waiting. */
export interface FeedTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface FeedOptions {
  send: SendMessage;
  /** How often a running check's status is asked for, ms. */
  pollMs: number;
  onState(state: FeedState): void;
  timers?: FeedTimers;
}

export interface ResultsFeed {
  /** Asks the background for a check (`popup`: only when due) and shows what it answers. */
  check(trigger: CheckTrigger): Promise<void>;
  /** No more requests or states: the popup closed. */
  stop(): void;
}

const REAL_TIMERS: FeedTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createResultsFeed({ send, pollMs, onState, timers = REAL_TIMERS }: FeedOptions): ResultsFeed {
  let held: { lastCheck: string | null; results: ContactResult[] } | null = null;
  let timer: unknown = null;
  let stopped = false;
  // Each answer carries the number of the request that asked; an older answer never overwrites a newer.
  let asked = 0;

  const show = async (ask: () => Promise<Status>): Promise<void> => {
    const turn = ++asked;
    try {
      const status = await ask();
      if (held === null || held.lastCheck !== status.lastCheck) {
        const answer = await request(send, { type: 'getResults' });
        held = { lastCheck: answer.lastCheck, results: unpackResults(answer.packed) };
      }
      if (stopped || turn !== asked) return;
      onState({ kind: 'ready', status: { ...status, results: held.results } });
      if (timer !== null) timers.clear(timer);
      timer = null;
      if (status.cycle.state === 'running') {
        timer = timers.set(() => {
          timer = null;
          void show(() => request(send, { type: 'getStatus' }));
        }, pollMs);
      }
    } catch (error) {
      if (!stopped && turn === asked) onState({ kind: 'failed', message: errorText(error) });
    }
  };

  return {
    check: (trigger) => show(() => request(send, { type: 'runCheck', trigger })),
    stop() {
      stopped = true;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}

/** The feed as a hook: opening the popup shows the stored results at once and starts a check if they are old. */
export function useResultsFeed(send: SendMessage, pollMs: number): { state: FeedState; refresh(): void } {
  const [state, setState] = useState<FeedState>({ kind: 'loading' });
  const feed = useRef<ResultsFeed | null>(null);
  useEffect(() => {
    const started = createResultsFeed({
      send,
      pollMs,
      onState: (next) => {
        // The first answer that carries rows: what the render timing measures from.
        if (next.kind === 'ready') markStatusReceived();
        setState(next);
      },
    });
    feed.current = started;
    void started.check('popup');
    return () => started.stop();
  }, [send, pollMs]);
  const refresh = useCallback(() => void feed.current?.check('refresh'), []);
  return { state, refresh };
}
