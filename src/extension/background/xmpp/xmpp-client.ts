// An xmpp.js client wired from its own packages, as @xmpp/client does, minus what a silent, one-shot
// check must not have: reconnect (it loops on not-authorized), stream management (acks), SASL2/FAST,
// and the node:dns resolver (breaks service-worker bundles). Transports: WebSocket and our BOSH.
import { Client } from '@xmpp/client-core';
import { promise } from '@xmpp/events';
import iqCallee from '@xmpp/iq/callee.js';
import iqCaller, { type IQCaller } from '@xmpp/iq/caller.js';
import jid from '@xmpp/jid';
import middleware from '@xmpp/middleware';
import resourceBinding from '@xmpp/resource-binding';
import streamFeatures from '@xmpp/stream-features';
import websocket from '@xmpp/websocket';
import type { Element } from '@xmpp/xml';
import bosh, { type BoshOptions } from './bosh.ts';
import { NS_ROSTER } from './roster.ts';
import { type SaslMechanism, saslFeature } from './sasl.ts';
import type { ScramKeys, ScramSecret } from './scram.ts';

export interface XmppClientOptions {
  /** ws:, wss:, http: or https: URL; the scheme picks the transport. */
  service: string;
  domain: string;
  username: string;
  secret: ScramSecret;
  resource: string;
  /** Budget for each step xmpp.js times itself (stream open, close), in ms. */
  timeoutMs: number;
  plainAllowed: boolean;
  /** Only these SASL mechanisms may be picked. */
  saslMechanisms?: readonly SaslMechanism[];
  bosh?: Partial<BoshOptions>;
}

export interface XmppClient {
  entity: Client;
  iqCaller: IQCaller;
  /** Filled in once SASL succeeded. */
  auth: { mechanism: SaslMechanism; scramKeys: ScramKeys | null } | null;
}

/** Thrown when code tries to send what a silent observer never sends. */
export class SilentObserverViolation extends Error {}

export function createXmppClient(options: XmppClientOptions): XmppClient {
  const entity = new Client({
    service: options.service,
    domain: options.domain,
    lang: 'en',
    timeout: options.timeoutMs,
  });
  entity.jid = jid(`${options.username}@${options.domain}`);
  websocket({ entity });
  bosh({ entity }, options.bosh);

  const mw = middleware({ entity });
  const features = streamFeatures({ middleware: mw });
  const caller = iqCaller({ entity, middleware: mw });
  const callee = iqCallee({ entity, middleware: mw });
  const client: XmppClient = { entity, iqCaller: caller, auth: null };

  saslFeature(
    { streamFeatures: features },
    {
      username: options.username,
      secret: options.secret,
      plainAllowed: () => options.plainAllowed,
      ...(options.saslMechanisms ? { only: options.saslMechanisms } : {}),
      onAuthenticated: (result) => {
        client.auth = result;
      },
    },
  );
  resourceBinding({ streamFeatures: features, iqCaller: caller }, options.resource);
  // RFC 6121 §2.1.6: acknowledge roster pushes; every other request gets service-unavailable from iqCallee.
  callee.set(NS_ROSTER, 'query', () => ({}));
  callee.get('urn:xmpp:ping', 'ping', () => ({}));

  // Silent observer (DESIGN §5): no presence ever leaves, whatever a future caller does.
  const send = entity.send.bind(entity);
  entity.send = (element: Element) =>
    element.name === 'presence'
      ? Promise.reject(new SilentObserverViolation('Hoplight never sends presence'))
      : send(element);
  entity.sendMany = async (elements: Element[]) => {
    for (const element of elements) await entity.send(element);
  };
  return client;
}

/**
 * Connection.start()'s steps, but with its `online` promise handled: xmpp.js leaves it unhandled
 * when open() fails, which every BOSH session error does (an unhandled rejection per failed check).
 */
export async function startClient(entity: Client): Promise<unknown> {
  if (entity.status !== 'offline') throw new Error('the client is not offline');
  const { service, domain, lang } = entity.options;
  if (!service) throw new Error('the client has no service URL');
  await entity.connect(service);
  const online = promise(entity, 'online');
  online.catch(() => {});
  await entity.open({ domain, lang });
  return online;
}
