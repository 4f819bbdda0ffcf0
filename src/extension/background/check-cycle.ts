// One check cycle (DESIGN §5): log in, read roster and OMEMO, log out; look grades up; compute each
// contact's path; store the results. I/O comes in through `CycleDeps`, so the same code runs in the
// service worker, the Firefox event page and the benchmark.
import { parseJid } from '../../core/domain.ts';
import type { CheckFailure, CheckPhase, ContactResult } from '../shared/check-types.ts';
import { isConfigured, type Settings } from '../shared/settings.ts';
import { contactResults } from './contact-paths.ts';
import {
  forgetRefusedSecret,
  readSecret,
  rememberAfterLogin,
  type Secret,
  type SecretAreas,
} from './credentials.ts';
import { type Discover, resolveEndpoint } from './endpoint.ts';
import { failure, failureFrom } from './failure.ts';
import { refreshSnapshot, summariesFor } from './observatory.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import {
  readCheckResults,
  readSettings,
  type StorageArea,
  writeCheckResults,
  writeFailure,
} from './storage.ts';
import { CheckError } from './xmpp/errors.ts';
import type { AccountCheck, CheckAccountOptions } from './xmpp/session.ts';

export interface CycleDeps extends SecretAreas {
  local: StorageArea;
  /** The observatory snapshot between checks (the Cache API in the browser: it outgrows storage.local). */
  snapshots: SnapshotStore;
  checkAccount(options: CheckAccountOptions): Promise<AccountCheck>;
  discover: Discover;
  fetch: typeof fetch;
  now(): Date;
  /** Budget per network step. */
  timeoutMs: number;
  onProgress(progress: CheckPhase): void;
  signal?: AbortSignal;
}

export type CycleOutcome =
  | { ok: true; checkedAt: string; results: ContactResult[]; previous: ContactResult[]; settings: Settings }
  | { ok: false; failure: CheckFailure; settings: Settings };

/** Runs one cycle and stores its outcome: new results, or the failure beside the previous results. */
export async function runCheckCycle(deps: CycleDeps): Promise<CycleOutcome> {
  const settings = await readSettings(deps.local);
  const outcome = await attempt(deps, settings);
  if (outcome.ok) {
    await writeCheckResults(deps.local, { lastCheck: outcome.checkedAt, results: outcome.results });
  } else {
    await writeFailure(deps.local, outcome.failure);
  }
  return outcome;
}

async function attempt(deps: CycleDeps, settings: Settings): Promise<CycleOutcome> {
  if (!isConfigured(settings)) {
    return {
      ok: false,
      settings,
      failure: failure('invalid-settings', 'No account is set up yet.', deps.now()),
    };
  }
  const secret = await readSecret(deps, settings.jid);
  if (secret === null) return { ok: false, settings, failure: failure('no-password', null, deps.now()) };

  let account: AccountCheck;
  try {
    deps.onProgress({ phase: settings.endpoint.mode === 'auto' ? 'discovery' : 'login' });
    const endpoint = await resolveEndpoint(settings, deps.discover);
    account = await deps.checkAccount({
      jid: settings.jid,
      ...secretOption(secret),
      endpoint,
      transport: settings.transport,
      timeoutMs: deps.timeoutMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onProgress: (p) => {
        if (p.phase !== 'logout') deps.onProgress(p);
      },
    });
  } catch (error) {
    if (error instanceof CheckError && error.kind === 'wrong-password')
      await forgetRefusedSecret(deps, secret);
    return { ok: false, settings, failure: failureFrom(error, deps.now()) };
  }
  await rememberAfterLogin(deps, settings.jid, {
    scramKeys: account.scramKeys,
    password: 'password' in secret ? secret.password : null,
  });

  try {
    deps.onProgress({ phase: 'grades' });
    const options = {
      baseUrl: settings.observatoryUrl,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
    };
    const cached = await deps.snapshots.read(settings.observatoryUrl);
    const snapshot = await refreshSnapshot(options, cached, deps.now());
    // A 304 hands back the cached domains themselves: nothing new to write but the time.
    const revalidated = cached !== null && snapshot.domains === cached.domains;
    await deps.snapshots.write(settings.observatoryUrl, snapshot, revalidated);
    const domains = [settings.jid, ...account.roster.map((item) => item.jid)].flatMap((jid) => {
      const parsed = parseJid(jid);
      return parsed.ok ? [parsed.jid.domain] : [];
    });
    const { summaries } = await summariesFor(options, domains, snapshot, settings.privacyMode);
    deps.onProgress({ phase: 'saving' });
    const previous = (await readCheckResults(deps.local)).results;
    const results = contactResults({
      account: settings.jid,
      contacts: account.roster.map(({ jid, name }) => ({ jid, name })),
      omemo: account.omemo,
      summaries,
      transportSecure: account.transportSecure,
    });
    return { ok: true, settings, checkedAt: deps.now().toISOString(), results, previous };
  } catch (error) {
    return { ok: false, settings, failure: failureFrom(error, deps.now()) };
  }
}

function secretOption(secret: Secret): Pick<CheckAccountOptions, 'password' | 'scramKeys'> {
  return 'keys' in secret ? { scramKeys: secret.keys } : { password: secret.password };
}
