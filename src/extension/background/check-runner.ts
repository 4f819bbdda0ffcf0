// Runs check cycles one at a time and keeps their state in storage.local, so that a service worker
// stopped mid-cycle leaves "interrupted" behind (never a "running" that nobody finishes) and the next
// popup open or alarm runs the check again.
import type { CheckPhase, ContactResult, CycleState } from '../shared/check-types.ts';
import type { CheckTrigger } from '../shared/messages.ts';
import { newlyRed } from './badge.ts';
import type { CycleOutcome } from './check-cycle.ts';
import {
  readCheckResults,
  readCycle,
  readFailure,
  readLastCheck,
  type StorageArea,
  writeCycle,
} from './storage.ts';

/** The popup re-runs a check when the results are older than this. */
export const POPUP_REFRESH_AFTER_MS = 5 * 60_000;

export interface RunnerDeps {
  local: StorageArea;
  now(): Date;
  /** Runs one cycle, reporting progress; stores its own outcome. */
  runCycle(onProgress: (progress: CheckPhase) => void): Promise<CycleOutcome>;
  /** After every run: toolbar light, badge and title. */
  showResults(results: readonly ContactResult[], failure: string | null): Promise<void>;
  /** Contacts that turned red, when the settings ask for notifications. */
  notify(contacts: readonly ContactResult[]): Promise<void>;
  /** Keeps the background from being unloaded as idle while a cycle runs; returns the release. */
  keepAlive(): () => void;
}

export interface CheckRunner {
  /** Starts a cycle unless one runs; the returned promise settles when that cycle ends. */
  run(): Promise<void>;
  /** What the popup's open or refresh asks for: may start a cycle, never waits for it. */
  request(trigger: CheckTrigger): Promise<void>;
  /** The live state: this worker's run with its latest progress, else what storage says. */
  state(): Promise<CycleState>;
  /** At worker start: a stored `running` belongs to a worker that was stopped. */
  recover(): Promise<void>;
}

export function createCheckRunner(deps: RunnerDeps): CheckRunner {
  let current: { promise: Promise<void>; state: Extract<CycleState, { state: 'running' }> } | null = null;
  // A refresh asked for while a cycle runs (e.g. Save with new settings): one more cycle after it, so
  // the request is not lost to a cycle that started with the old settings.
  let rerun = false;

  const run = (): Promise<void> => {
    if (current) return current.promise;
    const startedAt = deps.now().toISOString();
    const state: Extract<CycleState, { state: 'running' }> = {
      state: 'running',
      runId: `${startedAt}-${Math.random().toString(36).slice(2, 8)}`,
      startedAt,
      progress: { phase: 'starting' },
    };
    const promise = (async () => {
      const release = deps.keepAlive();
      try {
        await writeCycle(deps.local, state);
        const outcome = await deps.runCycle((progress) => {
          const phaseChanged = progress.phase !== state.progress.phase;
          state.progress = progress;
          // Storage gets phase changes only; the popup reads finer progress from this worker.
          if (phaseChanged) void writeCycle(deps.local, { ...state }).catch(() => {});
        });
        if (outcome.ok) {
          await deps.showResults(outcome.results, outcome.failure?.message ?? null);
          if (outcome.settings.notifications) {
            const red = newlyRed(outcome.previous, outcome.results);
            if (red.length > 0) await deps.notify(red);
          }
        } else {
          const { results } = await readCheckResults(deps.local);
          await deps.showResults(results, outcome.failure.message);
        }
      } finally {
        try {
          await writeCycle(deps.local, { state: 'idle' });
        } finally {
          current = null;
          release();
          if (rerun) {
            rerun = false;
            void run().catch(() => {});
          }
        }
      }
    })();
    current = { promise, state };
    return promise;
  };

  return {
    run,
    async request(trigger) {
      if (current) {
        if (trigger === 'refresh') rerun = true;
        return;
      }
      if (trigger === 'refresh' || (await popupShouldRun(deps))) void run().catch(() => {});
    },
    async state() {
      if (current) return { ...current.state, progress: { ...current.state.progress } };
      const stored = await readCycle(deps.local);
      // `running` in storage with no run here: this worker never started it, so it was stopped.
      return stored.state === 'running' ? { state: 'interrupted', startedAt: stored.startedAt } : stored;
    },
    async recover() {
      if (current) return;
      const stored = await readCycle(deps.local);
      if (stored.state === 'running') {
        await writeCycle(deps.local, { state: 'interrupted', startedAt: stored.startedAt });
      }
    },
  };
}

/** Popup open: re-run after an interruption, a failure, or when the results are a few minutes old. */
async function popupShouldRun(deps: RunnerDeps): Promise<boolean> {
  const cycle = await readCycle(deps.local);
  if (cycle.state !== 'idle') return true;
  const lastCheck = await readLastCheck(deps.local);
  if (lastCheck === null) return (await readFailure(deps.local)) === null;
  const age = deps.now().getTime() - new Date(lastCheck).getTime();
  return !(age >= 0 && age < POPUP_REFRESH_AFTER_MS);
}
