// Answers the pages' requests (shared/messages.ts). Every answer is a Reply, so a failure reaches the
// page as a sentence instead of a rejected promise with no text.
import { errorText } from '../../core/error-text.ts';
import type { CycleState } from '../shared/check-types.ts';
import type {
  ObservatoryProbe,
  Reply,
  Request,
  ResponseMap,
  ResultsAnswer,
  Status,
  TestConnectionResult,
} from '../shared/messages.ts';
import { isConfigured, type Settings, validateSettings } from '../shared/settings.ts';
import { credentialsState, forgetCredentials, type SecretAreas, saveCredentials } from './credentials.ts';
import {
  forgetResults,
  readFailure,
  readLastCheck,
  readPackedResults,
  readResultsSummary,
  readSettings,
  type StorageArea,
  writeSettings,
} from './storage.ts';

export interface HandlerContext {
  storage: StorageArea;
  /** storage.session, where the password lives unless remembered. */
  session: StorageArea;
  /** Called after new settings are stored (reschedule the alarm, …). */
  onSettingsSaved(settings: Settings): Promise<void>;
  /** A start-up problem to show in the popup, or null. */
  problem(): string | null;
  /** The check runner's live state. */
  cycle(): Promise<CycleState>;
  /** Popup open (`popup`: only when due) or the refresh button (`refresh`). */
  requestCheck(trigger: 'popup' | 'refresh'): Promise<void>;
  testConnection(settings: unknown, password: string | null): Promise<TestConnectionResult>;
  testObservatory(url: string): Promise<ObservatoryProbe>;
}

export async function handleRequest(context: HandlerContext, request: Request): Promise<Reply<unknown>> {
  try {
    return { ok: true, value: await answer(context, request) };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

async function answer(context: HandlerContext, request: Request): Promise<ResponseMap[Request['type']]> {
  const areas: SecretAreas = { local: context.storage, session: context.session };
  switch (request.type) {
    case 'getSettings':
      return readSettings(context.storage);
    case 'getStatus':
      return status(context);
    case 'getResults':
      return results(context.storage);
    case 'saveSettings': {
      const result = validateSettings(request.settings);
      if (!result.ok) return { saved: false, errors: result.errors };
      const before = await readSettings(context.storage);
      // Another account's secret must never be tried against this one, nor its results shown for it.
      if (before.jid !== result.settings.jid) {
        await forgetCredentials(areas);
        await forgetResults(context.storage);
      }
      await writeSettings(context.storage, result.settings);
      await context.onSettingsSaved(result.settings);
      return { saved: true, settings: result.settings };
    }
    case 'saveCredentials': {
      const settings = await readSettings(context.storage);
      if (!isConfigured(settings)) throw new Error('Save your XMPP address before the password.');
      await saveCredentials(areas, settings.jid, request.password, request.remember);
      return credentialsState(areas, settings.jid);
    }
    case 'forgetCredentials':
      await forgetCredentials(areas);
      return 'none';
    case 'runCheck': {
      const settings = await readSettings(context.storage);
      if (isConfigured(settings)) await context.requestCheck(request.trigger);
      return status(context);
    }
    case 'testConnection':
      return context.testConnection(request.settings, request.password);
    case 'testObservatory':
      return context.testObservatory(request.url);
  }
}

async function status(context: HandlerContext): Promise<Status> {
  const settings = await readSettings(context.storage);
  // Small keys only: this answers every poll of a running check, whatever the roster's size.
  const lastCheck = await readLastCheck(context.storage);
  const summary = await readResultsSummary(context.storage);
  const configured = isConfigured(settings);
  const failure = await readFailure(context.storage);
  return {
    configured,
    account: configured ? settings.jid : null,
    lastCheck,
    resultCount: summary.count,
    light: summary.light,
    problem: context.problem(),
    credentials: configured
      ? await credentialsState({ local: context.storage, session: context.session }, settings.jid)
      : 'none',
    cycle: await context.cycle(),
    failure,
    // A failure newer than the results; one reported beside them (observatory down) has their time.
    stale: failure !== null && lastCheck !== null && failure.at > lastCheck,
  };
}

/** The packed results as stored, with their stamp; nothing unpacked or repacked on the way. */
async function results(storage: StorageArea): Promise<ResultsAnswer> {
  return readPackedResults(storage);
}
