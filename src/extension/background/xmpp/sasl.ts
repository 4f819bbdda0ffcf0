// SASL (RFC 6120 §6) stream feature: the strongest SCRAM offered, PLAIN only where allowed. Ours rather than
// @xmpp/sasl because that one drops the data of <success/>, where the server proves itself in SCRAM.
import { procedure } from '@xmpp/events';
import type { StreamFeatures } from '@xmpp/stream-features';
import xml, { type Element } from '@xmpp/xml';
import {
  fromBase64,
  SCRAM_MECHANISMS,
  ScramClient,
  type ScramKeys,
  type ScramMechanism,
  type ScramSecret,
  toBase64,
} from './scram.ts';

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

export type SaslMechanism = ScramMechanism | 'PLAIN';

/** A refusal or failure during authentication; `condition` is RFC 6120 §6.5's when the server sent one. */
export class SaslError extends Error {
  readonly condition: string;
  readonly text: string;
  constructor(condition: string, text: string, message?: string) {
    super(message ?? (text ? `SASL ${condition}: ${text}` : `SASL ${condition}`));
    this.name = 'SaslError';
    this.condition = condition;
    this.text = text;
  }

  static fromFailure(element: Element): SaslError {
    const condition =
      element.getChildElements().find((child) => child.name !== 'text')?.name ?? 'undefined-condition';
    return new SaslError(condition, element.getChildText('text') ?? '');
  }
}

/**
 * Picks the mechanism, or says why none will do: the strongest SCRAM offered (SHA-512, SHA-256,
 * SHA-1); stored keys only with the mechanism they were made for; PLAIN needs the password and
 * `plainAllowed` (a secure or loopback transport, decided by the caller). `only` narrows what we
 * may pick (tests prove each mechanism a server offers with it).
 */
export function chooseMechanism(
  offered: readonly string[],
  options: {
    hasPassword: boolean;
    plainAllowed: boolean;
    keysFor?: ScramMechanism;
    only?: readonly SaslMechanism[];
  },
): SaslMechanism {
  const usable = options.only
    ? offered.filter((m) => (options.only as readonly string[]).includes(m))
    : offered;
  if (options.keysFor) {
    if (usable.includes(options.keysFor)) return options.keysFor;
    throw new SaslError(
      'no-scram',
      '',
      `the server no longer offers ${options.keysFor}, which the remembered keys are for: enter the password again`,
    );
  }
  const scram = [...SCRAM_MECHANISMS].reverse().find((m) => usable.includes(m));
  if (scram) return scram;
  if (usable.includes('PLAIN')) {
    if (!options.hasPassword) {
      throw new SaslError(
        'no-scram',
        '',
        'the server no longer offers SCRAM, so the stored keys cannot log in: enter the password again',
      );
    }
    if (!options.plainAllowed) {
      throw new SaslError(
        'insecure-plain',
        '',
        'the server offers only PLAIN, which would send the password readable over this unencrypted transport; use wss:// or https://',
      );
    }
    return 'PLAIN';
  }
  throw new SaslError(
    'no-mechanism',
    '',
    `the server offers no SASL mechanism we support (offered: ${offered.join(', ') || 'none'}; we need SCRAM-SHA-512, SCRAM-SHA-256, SCRAM-SHA-1 or PLAIN)`,
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (text: string): string => (text === '' ? '=' : toBase64(encoder.encode(text)));
const decode = (text: string): string => decoder.decode(fromBase64(text.trim() === '=' ? '' : text.trim()));

export interface SaslFeatureOptions {
  username: string;
  secret: ScramSecret;
  plainAllowed: () => boolean;
  /** Only these mechanisms may be picked (default: any we speak). */
  only?: readonly SaslMechanism[];
  /** Called once SCRAM succeeded and the server proved itself; the keys can replace the password. */
  onAuthenticated?: (result: { mechanism: SaslMechanism; scramKeys: ScramKeys | null }) => void;
}

async function authenticate(
  entity: Parameters<typeof procedure>[0],
  mechanism: SaslMechanism,
  options: SaslFeatureOptions,
): Promise<ScramKeys | null> {
  if (mechanism === 'PLAIN') {
    const password = 'password' in options.secret ? options.secret.password : '';
    await procedure(
      entity,
      xml('auth', { xmlns: NS_SASL, mechanism }, encode(`\0${options.username}\0${password}`)),
      (element, done) => {
        if (element.getNS() !== NS_SASL) return;
        if (element.name === 'failure') throw SaslError.fromFailure(element);
        if (element.name === 'success') done();
      },
    );
    return null;
  }

  const scram = new ScramClient(mechanism, options.username, options.secret);
  let keys: ScramKeys | null = null;
  let answeredChallenge = false;
  await procedure(
    entity,
    xml('auth', { xmlns: NS_SASL, mechanism }, encode(scram.first())),
    async (element, done) => {
      if (element.getNS() !== NS_SASL) return;
      if (element.name === 'failure') throw SaslError.fromFailure(element);
      if (element.name === 'challenge') {
        // Servers send server-final either in <success/> (RFC 6120) or, older ones, as a second challenge.
        if (!answeredChallenge) {
          answeredChallenge = true;
          await entity.send(
            xml('response', { xmlns: NS_SASL }, encode(await scram.final(decode(element.text())))),
          );
        } else {
          keys = scram.verify(decode(element.text()));
          await entity.send(xml('response', { xmlns: NS_SASL }));
        }
        return;
      }
      if (element.name === 'success') {
        const data = element.text().trim();
        if (data) keys = scram.verify(decode(data));
        if (!keys)
          throw new SaslError(
            'no-server-proof',
            '',
            'the server reported success without proving it knows the account',
          );
        done();
      }
    },
  );
  return keys;
}

export function saslFeature(
  { streamFeatures }: { streamFeatures: StreamFeatures },
  options: SaslFeatureOptions,
): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity }, _next, feature) => {
    const offered = feature.getChildren('mechanism', NS_SASL).map((m) => m.text().trim());
    const mechanism = chooseMechanism(offered, {
      hasPassword: 'password' in options.secret,
      plainAllowed: options.plainAllowed(),
      ...('keys' in options.secret ? { keysFor: options.secret.keys.mechanism } : {}),
      ...(options.only ? { only: options.only } : {}),
    });
    const scramKeys = await authenticate(entity, mechanism, options);
    options.onAuthenticated?.({ mechanism, scramKeys });
    await entity.restart();
  });
}
