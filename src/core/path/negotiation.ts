// What two servers negotiate with each other for one direction of a link (DESIGN §1): each is assumed
// to offer as initiator what it accepts as receiver; the best common version wins, and the receiver's
// preferred suite among those both accept (the initiator's order when the receiver has none). Pure.
import { lookupSuite } from '../cipher-suites.ts';
import type { CipherSuite, TlsVersion } from '../report.ts';
import type { ServiceSummary } from '../summary.ts';
import { bestVersion } from './words.ts';

export type Negotiation =
  | { ok: true; version: TlsVersion; suite: CipherSuite | null }
  | { ok: false; why: 'no-common-version' | 'no-common-suite' };

export function negotiate(initiator: ServiceSummary, receiver: ServiceSummary): Negotiation {
  const version = bestVersion(initiator.tlsVersions.filter((v) => receiver.tlsVersions.includes(v)));
  if (version === null) return { ok: false, why: 'no-common-version' };
  const offered = codesFor(initiator, version);
  const accepted = codesFor(receiver, version);
  // A summary without suites for this version (not recorded) cannot narrow the choice.
  if (offered === null || accepted === null) return { ok: true, version, suite: null };
  const [first, second] = receiver.serverPreference === false ? [offered, accepted] : [accepted, offered];
  const code = first.find((c) => second.includes(c));
  if (code === undefined) return { ok: false, why: 'no-common-suite' };
  const registered = lookupSuite(code);
  if (registered === undefined) return { ok: true, version, suite: null };
  const { opensslName: _o, versions: _v, ...suite } = registered;
  return { ok: true, version, suite };
}

function codesFor(service: ServiceSummary, version: TlsVersion): number[] | null {
  const offer = service.suites.find((s) => s.version === version);
  return offer && offer.codes.length > 0 ? offer.codes : null;
}
