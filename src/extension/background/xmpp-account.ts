// The XMPP side of a check, as the background uses it: `checkAccount` and `discoverEndpoints` from the
// xmpp layer, with the budgets the extension runs them with (the check cycle and Test connection call these).
import type { Endpoints } from './xmpp/discovery.ts';
import { discoverEndpoints } from './xmpp/discovery.ts';
import { type AccountCheck, type CheckAccountOptions, checkAccount } from './xmpp/session.ts';

/** Budget per network step (login, roster, each OMEMO query); a lab login takes well under a second. */
export const STEP_TIMEOUT_MS = 15_000;

export function checkXmppAccount(options: CheckAccountOptions): Promise<AccountCheck> {
  return checkAccount({ omemoConcurrency: 8, ...options });
}

export function discoverXmppEndpoints(domain: string): Promise<Endpoints> {
  return discoverEndpoints(domain, { timeoutMs: STEP_TIMEOUT_MS });
}
