// The observation the extension makes, made here with the extension's own code: a lab account logs in
// over WebSocket and its server is asked to reach each domain (ping, disco#info, version), IQs only.

import type { LabState } from '../../../lab/state.ts';
import type { S2sObservation, SoftwareVersion } from '../../../src/core/observation.ts';
import { observeDomains, ownServerSoftware } from '../../../src/extension/background/xmpp/observe.ts';
import {
  OBSERVE_BUDGET_MS,
  OBSERVE_CONCURRENCY,
  randomResource,
} from '../../../src/extension/background/xmpp/session.ts';
import { createXmppClient, startClient } from '../../../src/extension/background/xmpp/xmpp-client.ts';

export interface Observed {
  observations: Map<string, S2sObservation>;
  userSoftware: SoftwareVersion | null;
}

export async function observeFrom(
  state: LabState,
  jid: string,
  domains: readonly string[],
): Promise<Observed> {
  const [username, domain] = jid.split('@') as [string, string];
  const lab = state.domains[domain];
  const password = lab?.users.find((u) => u.jid === jid)?.password;
  if (!lab?.websocketUrl || password === undefined)
    throw new Error(`observeFrom: ${jid} has no WebSocket login`);
  const client = createXmppClient({
    service: lab.websocketUrl,
    domain,
    username,
    secret: { password },
    resource: randomResource(),
    timeoutMs: 15_000,
    plainAllowed: true,
  });
  try {
    await startClient(client.entity);
    const ask = (stanza: Parameters<typeof client.iqCaller.request>[0], ms: number) =>
      client.iqCaller.request(stanza, ms);
    const [observations, userSoftware] = await Promise.all([
      observeDomains({
        ask,
        userDomain: domain,
        domains,
        budgetMs: OBSERVE_BUDGET_MS,
        concurrency: OBSERVE_CONCURRENCY,
        now: () => new Date(),
      }),
      ownServerSoftware({ ask, userDomain: domain, budgetMs: OBSERVE_BUDGET_MS }),
    ]);
    return { observations, userSoftware };
  } finally {
    await client.entity.stop().catch(() => {});
  }
}
