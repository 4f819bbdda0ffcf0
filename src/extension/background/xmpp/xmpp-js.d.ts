// Just the parts of xmpp.js 0.14 that this folder uses. DefinitelyTyped's @types/xmpp__* describe
// the 0.13 API (SASL callbacks changed in 0.14) and pull in koa's types, so we declare our own.

declare module '@xmpp/xml' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from 'ltx';

  type Child = Element | string | null | undefined | false;
  function xml(
    name: string,
    attrs?: Record<string, string | number | undefined> | null,
    ...children: (Child | Child[])[]
  ): Element;
  namespace xml {
    export { Element };
  }
  export class Parser extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
  }
  export { Element };
  export default xml;
}

declare module '@xmpp/events' {
  import type { EventEmitter as NodeEventEmitter } from 'node:events';
  export const EventEmitter: typeof NodeEventEmitter;
  export class TimeoutError extends Error {}
  export function promise<T = unknown>(
    target: NodeEventEmitter,
    event: string,
    rejectEvent?: string | null,
    timeout?: number,
  ): Promise<T>;
  export function procedure(
    entity: NodeEventEmitter & { send(element: import('ltx').Element): Promise<void> },
    stanza: import('ltx').Element | null,
    handler: (element: import('ltx').Element, done: () => void) => Promise<void> | void,
  ): Promise<void>;
}

declare module '@xmpp/connection' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from 'ltx';
  export interface SocketLike extends EventEmitter {
    secure: boolean;
    connect(url: string): void;
    write(data: string, callback?: (error?: Error) => void): void;
    end(): void;
  }
  export default class Connection extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    status: string;
    timeout: number;
    root: Element | null;
    jid: { toString(): string; bare(): { toString(): string } } | null;
    socket: SocketLike | null;
    options: { service?: string; domain?: string; lang?: string; [key: string]: unknown };
    Socket: new () => SocketLike;
    Parser: new () => EventEmitter & { write(data: string): void };
    NS: string;
    isSecure(): boolean;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    write(data: string): Promise<void>;
    start(): Promise<unknown>;
    connect(service: string): Promise<void>;
    open(options: { domain?: string | undefined; lang?: string | undefined }): Promise<Element>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    restart(): Promise<unknown>;
    header(element: Element): string;
    headerElement(): Element;
    footer(element: Element): string;
    footerElement(): Element;
    socketParameters(service: string): string | undefined;
  }
}

declare module '@xmpp/connection/lib/StreamError.js' {
  export default class StreamError extends Error {
    condition: string;
    text: string;
  }
}

declare module '@xmpp/client-core' {
  import Connection from '@xmpp/connection';
  export class Client extends Connection {
    transports: (typeof Connection)[];
  }
}

declare module '@xmpp/websocket' {
  import type { Client } from '@xmpp/client-core';
  export default function websocket(options: { entity: Client }): void;
}

declare module '@xmpp/websocket/lib/FramedParser.js' {
  import { Parser } from '@xmpp/xml';
  export default class FramedParser extends Parser {}
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core';
  import type { Element } from 'ltx';
  export interface Context {
    stanza: Element;
    entity: Client;
    name: string;
    id: string;
    type: string;
    element?: Element;
  }
  export type Handler = (ctx: Context, next: () => Promise<unknown>) => unknown;
  export interface Middleware {
    use(handler: Handler): Handler;
    filter(handler: Handler): Handler;
  }
  export default function middleware(options: { entity: Client }): Middleware;
}

declare module '@xmpp/middleware/lib/StanzaError.js' {
  import type { Element } from 'ltx';
  export default class StanzaError extends Error {
    condition: string;
    text: string;
    type: string;
    /** The `<error/>` element, with its `by` attribute. */
    element?: Element;
    static fromElement(element: Element): StanzaError;
  }
}

declare module '@xmpp/stream-features' {
  import type { Context, Middleware } from '@xmpp/middleware';
  import type { Element } from 'ltx';
  export interface StreamFeatures {
    use(
      name: string,
      xmlns: string,
      handler: (ctx: Context, next: () => Promise<unknown>, feature: Element) => unknown,
    ): void;
  }
  export default function streamFeatures(options: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { Element } from 'ltx';
  export interface IQCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(element: Element, to?: string, timeout?: number): Promise<Element | undefined>;
    set(element: Element, to?: string, timeout?: number): Promise<Element | undefined>;
  }
  export default function iqCaller(options: { entity: Client; middleware: Middleware }): IQCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Context, Middleware } from '@xmpp/middleware';
  import type { Element } from 'ltx';
  export interface IQCallee {
    get(ns: string, name: string, handler: (ctx: Context) => unknown): void;
    set(
      ns: string,
      name: string,
      handler: (ctx: Context) => Element | Record<string, never> | undefined,
    ): void;
  }
  export default function iqCallee(options: { entity: Client; middleware: Middleware }): IQCallee;
}

declare module '@xmpp/resource-binding' {
  import type { IQCaller } from '@xmpp/iq/caller.js';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export default function resourceBinding(
    options: { streamFeatures: StreamFeatures; iqCaller: IQCaller },
    resource?: string,
  ): void;
}

declare module '@xmpp/jid' {
  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
  }
  export default function jid(address: string): JID;
}
