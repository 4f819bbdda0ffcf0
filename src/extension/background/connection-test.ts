// "Test connection" in the options: the same login and observatory calls as a check, with the
// settings as typed (not yet saved), reporting success or the exact failure. Stores nothing.
import { errorText } from '../../core/error-text.ts';
import type { CheckFailure } from '../shared/check-types.ts';
import type { TestConnectionResult } from '../shared/messages.ts';
import { validateSettings } from '../shared/settings.ts';
import { readSecret, type SecretAreas } from './credentials.ts';
import { type Discover, resolveEndpoint } from './endpoint.ts';
import { failure, failureFrom } from './failure.ts';
import { refreshSnapshot } from './observatory.ts';
import type { AccountCheck, CheckAccountOptions } from './xmpp/session.ts';

export interface ConnectionTestDeps extends SecretAreas {
  checkAccount(options: CheckAccountOptions): Promise<AccountCheck>;
  discover: Discover;
  fetch: typeof fetch;
  now(): Date;
  timeoutMs: number;
}

export async function testConnection(
  deps: ConnectionTestDeps,
  input: unknown,
  password: string | null,
): Promise<TestConnectionResult> {
  const validated = validateSettings(input);
  const fail = (f: CheckFailure): TestConnectionResult => ({ ok: false, kind: f.kind, message: f.message });
  if (!validated.ok) {
    return fail(failure('invalid-settings', validated.errors.map((e) => e.message).join(' '), deps.now()));
  }
  const settings = validated.settings;
  if (settings.jid === '') return fail(failure('invalid-settings', 'Enter your XMPP address.', deps.now()));
  // The password as typed wins; else whatever the background holds for this account.
  const secret = password ? { password } : await readSecret(deps, settings.jid);
  if (!secret) return fail(failure('no-password', null, deps.now()));

  let endpoint: string;
  let account: AccountCheck;
  try {
    endpoint = await resolveEndpoint(settings, deps.discover);
    account = await deps.checkAccount({
      jid: settings.jid,
      ...('keys' in secret ? { scramKeys: secret.keys } : { password: secret.password }),
      endpoint,
      transport: settings.transport,
      timeoutMs: deps.timeoutMs,
      // A connection test needs the login and the roster, not each contact domain's link.
      observe: false,
    });
  } catch (error) {
    return fail(failureFrom(error, deps.now()));
  }

  let observatoryDomains: number | null = null;
  let observatoryError: string | null = null;
  try {
    const snapshot = await refreshSnapshot(
      { baseUrl: settings.observatoryUrl, fetch: deps.fetch, timeoutMs: deps.timeoutMs },
      null,
      deps.now(),
    );
    observatoryDomains = snapshot.domains.size;
  } catch (error) {
    observatoryError = errorText(error);
  }
  return {
    ok: true,
    boundJid: account.boundJid,
    endpoint,
    mechanism: account.mechanism,
    contacts: account.roster.length,
    transportSecure: account.transportSecure,
    observatoryDomains,
    observatoryError,
  };
}
