// @xmpp/client 0.14 ships no types; this declares the part the extension uses. Extend it as the check
// cycle uses more (keep it to what xmpp.js documents).
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';

  export interface XmppClientOptions {
    /** `wss://…` (RFC 7395) or a domain to resolve. */
    service?: string;
    domain?: string;
    resource?: string;
    username?: string;
    password?: string;
    lang?: string;
    timeout?: number;
  }

  export interface XmppElement {
    name: string;
    attrs: Record<string, string>;
    getChild(name: string, xmlns?: string): XmppElement | undefined;
    getChildren(name: string, xmlns?: string): XmppElement[];
    toString(): string;
  }

  export interface XmppJid {
    local: string;
    domain: string;
    resource: string;
    bare(): XmppJid;
    toString(): string;
  }

  export interface XmppClient extends EventEmitter {
    status: string;
    jid: XmppJid | null;
    options: XmppClientOptions;
    start(): Promise<XmppJid>;
    stop(): Promise<void>;
    send(...elements: XmppElement[]): Promise<void>;
    reconnect: { start(): void; stop(): void };
    iqCaller: {
      get(element: XmppElement, to?: string, timeout?: number): Promise<XmppElement>;
      set(element: XmppElement, to?: string, timeout?: number): Promise<XmppElement>;
    };
  }

  export function client(options?: XmppClientOptions): XmppClient;
  export function xml(
    name: string,
    attrs?: Record<string, string> | null,
    ...children: (XmppElement | string)[]
  ): XmppElement;
  export function jid(address: string): XmppJid;
}
