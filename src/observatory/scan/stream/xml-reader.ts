// Incremental reader of an XMPP stream (RFC 6120 §4, §11) on top of ltx's SAX tokenizer, with the
// bounds ltx leaves to its caller: header and element size, nesting depth, and a refusal of the XML
// features XMPP forbids (ltx silently skips DOCTYPE, comments and processing instructions).

import { Element } from 'ltx';
import SaxLtxModule from 'ltx/src/parsers/ltx.js';
import { errorText } from '../../../core/error-text.ts';
import { StreamProbeError } from './errors.ts';

// @types/ltx describes this ESM file as CommonJS, so its default export is typed as a namespace.
const SaxLtx = SaxLtxModule as unknown as new () => {
  on(event: string, listener: (...args: never[]) => void): void;
  write(text: string): void;
};

export const NS_STREAMS = 'http://etherx.jabber.org/streams';

export interface ReaderLimits {
  /** Characters of one top-level element (or of the stream header, or of garbage before it). */
  maxElementChars: number;
  /** Nesting below the stream element. */
  maxDepth: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { maxElementChars: 64 * 1024, maxDepth: 24 };

export type StreamEvent =
  | { type: 'open'; attrs: Record<string, string>; root: Element }
  | { type: 'element'; element: Element }
  | { type: 'close' };

const WS = /^[\s\uFEFF]*$/;

export class XmppStreamReader {
  readonly #limits: ReaderLimits;
  readonly #onEvent: (e: StreamEvent) => void;
  readonly #sax = new SaxLtx();
  #root: Element | null = null;
  #current: Element | null = null;
  #depth = 0;
  #charsInElement = 0;
  /** Text not yet checked for `<!`/`<?` because it ended mid-construct. */
  #tail = '';
  #seenAnything = false;
  #closed = false;
  #error: StreamProbeError | null = null;

  constructor(onEvent: (e: StreamEvent) => void, limits: ReaderLimits = DEFAULT_READER_LIMITS) {
    this.#limits = limits;
    this.#onEvent = onEvent;
    this.#sax.on('startElement', (name: string, attrs: Record<string, string>) => this.#start(name, attrs));
    this.#sax.on('endElement', (name: string) => this.#end(name));
    this.#sax.on('text', (text: string) => this.#text(text));
  }

  get opened(): boolean {
    return this.#root !== null;
  }

  /** Feeds decoded text; throws StreamProbeError on anything XMPP does not allow. */
  write(text: string): void {
    if (this.#error) throw this.#error;
    if (this.#closed || text.length === 0) return;
    try {
      this.#precheck(text);
      this.#charsInElement += text.length;
      if (this.#charsInElement > this.#limits.maxElementChars) {
        throw new StreamProbeError(
          'too-large',
          this.#root
            ? `an element from the server exceeds ${this.#limits.maxElementChars} characters`
            : `no stream header within ${this.#limits.maxElementChars} characters`,
        );
      }
      this.#sax.write(text);
    } catch (err) {
      this.#error =
        err instanceof StreamProbeError
          ? err
          : new StreamProbeError('restricted-xml', `invalid XML from the server: ${errorText(err)}`);
      throw this.#error;
    }
  }

  /** Checks raw text for what the tokenizer would skip or accept silently. */
  #precheck(text: string): void {
    if (!this.#seenAnything) {
      const trimmed = text.replace(/^[\s\uFEFF]+/, '');
      if (trimmed.length === 0) return;
      this.#seenAnything = true;
      if (!trimmed.startsWith('<')) {
        const code = trimmed.charCodeAt(0);
        const hint =
          code === 0x15 || code === 0x16
            ? ' (it looks like TLS: is this a direct-TLS port?)'
            : /^HTTP\//.test(trimmed)
              ? ' (it looks like HTTP)'
              : '';
        throw new StreamProbeError('not-xml', `the server sent non-XML data${hint}`);
      }
    }
    const window = this.#tail + text;
    let from = 0;
    this.#tail = '';
    for (;;) {
      const i = window.indexOf('<', from);
      if (i < 0) break;
      const next = window[i + 1];
      if (next === undefined) {
        this.#tail = window.slice(i);
        break;
      }
      if (next === '!') {
        const rest = window.slice(i + 2, i + 10);
        const upper = rest.toUpperCase();
        if (rest.startsWith('[CDATA[')) {
          from = i + 2;
          continue;
        }
        if (rest.startsWith('--')) {
          throw new StreamProbeError(
            'restricted-xml',
            'the server sent an XML comment, which XMPP forbids (RFC 6120 §11.1)',
          );
        }
        if (upper.startsWith('DOCTYPE')) {
          throw new StreamProbeError(
            'restricted-xml',
            'the server sent a DOCTYPE (document type declaration), which XMPP forbids (RFC 6120 §11.1)',
          );
        }
        if (upper.startsWith('ENTITY')) {
          throw new StreamProbeError(
            'restricted-xml',
            'the server sent an entity declaration, which XMPP forbids (RFC 6120 §11.1)',
          );
        }
        const undecided = ['[CDATA[', '--', 'DOCTYPE', 'ENTITY'].some((w) => w.startsWith(upper));
        if (undecided && rest.length < 7) {
          // Cut off mid-keyword: decide when the next piece arrives.
          this.#tail = window.slice(i);
          break;
        }
        throw new StreamProbeError(
          'restricted-xml',
          'the server sent a markup declaration XMPP forbids (RFC 6120 §11.1)',
        );
      }
      if (next === '?') {
        // Only the XML declaration before the stream header is allowed.
        const decl = window.slice(i + 2, i + 6);
        if (decl.length < 4 && !this.#root) {
          this.#tail = window.slice(i);
          break;
        }
        if (this.#root || !/^xml[\s?]/.test(decl)) {
          throw new StreamProbeError(
            'restricted-xml',
            'the server sent a processing instruction, which XMPP forbids (RFC 6120 §11.1)',
          );
        }
      }
      from = i + 1;
    }
  }

  #start(name: string, attrs: Record<string, string>): void {
    if (!this.#root) {
      const root = new Element(name, attrs);
      if (root.getName() !== 'stream' || root.getNS() !== NS_STREAMS) {
        throw new StreamProbeError('not-xmpp', `the server opened <${name}> instead of an XMPP stream`);
      }
      this.#root = root;
      this.#charsInElement = 0;
      this.#onEvent({ type: 'open', attrs: { ...attrs }, root });
      return;
    }
    this.#depth++;
    if (this.#depth > this.#limits.maxDepth) {
      throw new StreamProbeError(
        'too-deep',
        `elements from the server nest deeper than ${this.#limits.maxDepth}`,
      );
    }
    const el = new Element(name, attrs);
    if (this.#current) this.#current.cnode(el);
    else el.parent = this.#root; // for namespace lookup only; the root keeps no children
    this.#current = el;
  }

  #end(name: string): void {
    if (this.#depth === 0) {
      if (this.#root && name === this.#root.name) {
        this.#closed = true;
        this.#onEvent({ type: 'close' });
        return;
      }
      throw new StreamProbeError('not-xmpp', `unexpected </${name}> from the server`);
    }
    const el = this.#current;
    if (!el || el.name !== name) {
      throw new StreamProbeError('not-xmpp', `mismatched </${name}> from the server`);
    }
    this.#depth--;
    if (this.#depth === 0) {
      this.#current = null;
      this.#charsInElement = 0;
      this.#onEvent({ type: 'element', element: el });
    } else {
      this.#current = el.parent as Element;
    }
  }

  #text(text: string): void {
    if (this.#current) {
      this.#current.t(text);
      return;
    }
    if (!WS.test(text)) {
      throw new StreamProbeError('not-xml', 'the server sent text outside any element');
    }
  }
}
