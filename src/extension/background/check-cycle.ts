// One check cycle (DESIGN §5): log in, read roster and OMEMO and observe each contact domain, log out;
// look grades up; compute each contact's path; store the results. Without a reachable observatory
// the contacts are still listed, with what was observed, and the failure is stored beside them. I/O comes in through `CycleDeps`, so the same code runs in the
// service worker, the Firefox event page and the benchmark.
import { parseJid } from '../../core/domain.ts';
import type { DomainSummary } from '../../core/summary.ts';
import type { CheckFailure, CheckPhase, ContactResult } from '../shared/check-types.ts';
import { isConfigured, type Settings } from '../shared/settings.ts';
import { sendRateFor } from './byte-rate.ts';
import {
  readOmemoCache,
  readServerFacts,
  readStoredRoster,
  writeOmemoCache,
  writeServerFacts,
  writeStoredRoster,
} from './check-memory-store.ts';
import { contactResults } from './contact-paths.ts';
import {
  dropRememberedPassword,
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
  type Observed,
  readCheckResults,
  readObserved,
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
  | {
      ok: true;
      checkedAt: string;
      results: ContactResult[];
      previous: ContactResult[];
      /** Reported beside the results: the observatory could not be reached (grades unknown). */
      failure?: CheckFailure;
      settings: Settings;
    }
  | { ok: false; failure: CheckFailure; settings: Settings };

/** Runs one cycle and stores its outcome: new results, or the failure beside the previous results. */
export async function runCheckCycle(deps: CycleDeps): Promise<CycleOutcome> {
  const settings = await readSettings(deps.local);
  const outcome = await attempt(deps, settings);
  if (outcome.ok) {
    await writeCheckResults(
      deps.local,
      { lastCheck: outcome.checkedAt, results: outcome.results, observed: outcome.observed },
      outcome.failure ?? null,
    );
  } else {
    await writeFailure(deps.local, outcome.failure);
  }
  return outcome;
}

/** A completed check carries its observations, which go into storage with its results. */
type Attempt =
  | Extract<CycleOutcome, { ok: false }>
  | (Extract<CycleOutcome, { ok: true }> & { observed: Observed });

async function attempt(deps: CycleDeps, settings: Settings): Promise<Attempt> {
  if (!isConfigured(settings)) {
    return {
      ok: false,
      settings,
      failure: failure('invalid-settings', 'No account is set up yet.', deps.now()),
    };
  }
  await dropRememberedPassword(deps.local);
  const secret = await readSecret(deps, settings.jid);
  if (secret === null) return { ok: false, settings, failure: failure('no-password', null, deps.now()) };

  let account: AccountCheck;
  try {
    deps.onProgress({ phase: settings.endpoint.mode === 'auto' ? 'discovery' : 'login' });
    const endpoint = await resolveEndpoint(settings, deps.discover);
    // What the last check learnt: a versioned roster and the OMEMO answers not yet due.
    const storedRoster = await readStoredRoster(deps.local, settings.jid);
    const omemoCache = await readOmemoCache(deps.local, settings.jid);
    const serverFacts = await readServerFacts(deps.local, settings.jid);
    const { userSoftware } = await readObserved(deps.local);
    account = await deps.checkAccount({
      jid: settings.jid,
      storedRoster,
      omemoCache,
      serverFacts,
      sendRate: sendRateFor(userSoftware),
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
    if (error instanceof CheckError && (error.kind === 'wrong-password' || error.kind === 'key-unusable'))
      await forgetRefusedSecret(deps, secret);
    return { ok: false, settings, failure: failureFrom(error, deps.now()) };
  }
  await writeStoredRoster(deps.local, settings.jid, {
    version: account.rosterVersion,
    items: account.roster,
  });
  await writeOmemoCache(deps.local, settings.jid, account.omemoCache);
  await writeServerFacts(deps.local, settings.jid, account.serverFacts);
  await rememberAfterLogin(deps, settings.jid, {
    mechanism: account.mechanism,
    scramKeys: account.scramKeys,
    withPassword: 'password' in secret,
  });

  const observed: Observed = {
    observations: [...account.observations.values()],
    userSoftware: account.userSoftware,
  };
  try {
    deps.onProgress({ phase: 'grades' });
    const grades = await lookUpGrades(deps, settings, account);
    deps.onProgress({ phase: 'saving' });
    // Damaged stored results must not block the check that replaces them; they only serve to notify.
    const previous = await readCheckResults(deps.local).then(
      (stored) => stored.results,
      () => [],
    );
    const now = deps.now();
    const results = contactResults({
      account: settings.jid,
      contacts: account.roster.map(({ jid, name }) => ({ jid, name })),
      omemo: account.omemo,
      summaries: grades.summaries,
      transportSecure: account.transportSecure,
      observations: account.observations,
      userSoftware: account.userSoftware,
      now,
    });
    const checkedAt = now.toISOString();
    // The failure carries the check's own time: the results are not older than it (not stale).
    return {
      ok: true,
      settings,
      checkedAt,
      results,
      previous,
      observed,
      ...(grades.failure ? { failure: { ...grades.failure, at: checkedAt } } : {}),
    };
  } catch (error) {
    return { ok: false, settings, failure: failureFrom(error, deps.now()) };
  }
}

/** The summaries of the user's and the contacts' domains; none, and the failure, when the observatory fails. */
async function lookUpGrades(
  deps: CycleDeps,
  settings: Settings,
  account: AccountCheck,
): Promise<{ summaries: ReadonlyMap<string, DomainSummary>; failure: CheckFailure | null }> {
  try {
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
    return { summaries, failure: null };
  } catch (error) {
    // A cancelled check is not an observatory failure: it ends the cycle like any other abort.
    if (deps.signal?.aborted) throw error;
    return { summaries: new Map(), failure: failureFrom(error, deps.now()) };
  }
}

function secretOption(secret: Secret): Pick<CheckAccountOptions, 'password' | 'scramKeys'> {
  return 'keys' in secret ? { scramKeys: secret.keys } : { password: secret.password };
}
