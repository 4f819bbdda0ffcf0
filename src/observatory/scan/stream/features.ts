// Reading <stream:features/> (RFC 6120 §4.3.2) and the stream header into plain values.
import type { Element } from 'ltx';
import { StreamProbeError } from './errors.ts';
import { NS_STREAMS } from './xml-reader.ts';

export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_DIALBACK_FEATURE = 'urn:xmpp:features:dialback';
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';

export interface FeatureSummary {
  starttls: 'required' | 'offered' | 'none';
  mechanisms: string[];
  dialback: boolean;
}

export function isStreamElement(el: Element, name: string): boolean {
  return el.getName() === name && el.getNS() === NS_STREAMS;
}

export function readFeatures(features: Element): FeatureSummary {
  const starttls = features.getChild('starttls', NS_TLS);
  const mechanisms = features
    .getChild('mechanisms', NS_SASL)
    ?.getChildren('mechanism')
    .map((m) => m.getText().trim())
    .filter((m) => m.length > 0 && m.length <= 64);
  return {
    starttls: starttls ? (starttls.getChild('required') ? 'required' : 'offered') : 'none',
    mechanisms: [...new Set(mechanisms ?? [])],
    dialback: features.getChild('dialback', NS_DIALBACK_FEATURE) !== undefined,
  };
}

/** Turns a received <stream:error/> into the error it means. */
export function streamErrorFrom(el: Element): StreamProbeError {
  const condition =
    el
      .getChildElements()
      .find((c) => c.getNS() === NS_STREAM_ERRORS && c.getName() !== 'text')
      // Clipped: a server's element name goes into the report and can be 64K characters.
      ?.getName()
      .slice(0, 64) ?? 'undefined-condition';
  const text = el.getChildText('text', NS_STREAM_ERRORS)?.trim().slice(0, 200);
  return new StreamProbeError(
    'stream-error',
    `the server closed the stream with a stream error: ${condition}${text ? ` (${JSON.stringify(text)})` : ''}`,
    condition,
  );
}

export interface StreamHeader {
  from: string | null;
  id: string | null;
  version: string | null;
}

export function readHeader(attrs: Record<string, string>): StreamHeader {
  const clip = (v: string | undefined) => (v === undefined ? null : v.slice(0, 1024));
  return { from: clip(attrs.from), id: clip(attrs.id), version: clip(attrs.version) };
}
