// Answers the pages' requests (shared/messages.ts). Every answer is a Reply, so a failure reaches the
// page as a sentence instead of a rejected promise with no text.
import type { Reply, Request, ResponseMap, Status } from '../shared/messages.ts';
import { isConfigured, type Settings, validateSettings } from '../shared/settings.ts';
import { readCheckResults, readSettings, type StorageArea, writeSettings } from './storage.ts';

export interface HandlerContext {
  storage: StorageArea;
  /** Called after new settings are stored (reschedule the alarm, …). */
  onSettingsSaved(settings: Settings): Promise<void>;
  /** A start-up problem to show in the popup, or null. */
  problem(): string | null;
}

export async function handleRequest(context: HandlerContext, request: Request): Promise<Reply<unknown>> {
  try {
    return { ok: true, value: await answer(context, request) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function answer(context: HandlerContext, request: Request): Promise<ResponseMap[Request['type']]> {
  switch (request.type) {
    case 'getSettings':
      return readSettings(context.storage);
    case 'getStatus':
      return status(context);
    case 'saveSettings': {
      const result = validateSettings(request.settings);
      if (!result.ok) return { saved: false, errors: result.errors };
      await writeSettings(context.storage, result.settings);
      await context.onSettingsSaved(result.settings);
      return { saved: true, settings: result.settings };
    }
  }
}

async function status(context: HandlerContext): Promise<Status> {
  const settings = await readSettings(context.storage);
  const { lastCheck, results } = await readCheckResults(context.storage);
  const configured = isConfigured(settings);
  return {
    configured,
    account: configured ? settings.jid : null,
    lastCheck,
    results,
    // Grey until the check cycle (another module) computes paths and their worst light.
    light: 'grey',
    problem: context.problem(),
  };
}
