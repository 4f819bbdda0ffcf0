import { describe, expect, it } from 'vitest';
import { CheckError } from './errors.ts';
import { isLoopbackHost, plainAllowed, transportSecure, validateEndpoint } from './transport-policy.ts';

describe('transport policy', () => {
  it('PLAIN only over TLS or to loopback', () => {
    expect(plainAllowed('wss://example.org/xmpp-websocket')).toBe(true);
    expect(plainAllowed('https://example.org/http-bind')).toBe(true);
    expect(plainAllowed('ws://127.0.2.2:5280/xmpp-websocket')).toBe(true);
    expect(plainAllowed('http://[::1]:5280/http-bind')).toBe(true);
    expect(plainAllowed('ws://localhost:5280/')).toBe(true);
    expect(plainAllowed('ws://example.org/xmpp-websocket')).toBe(false);
    expect(plainAllowed('http://10.0.0.1/http-bind')).toBe(false);
    expect(plainAllowed('http://127.0.0.1.example.org/')).toBe(false);
  });

  it('knows loopback', () => {
    expect(isLoopbackHost('127.255.0.1')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('secure transports', () => {
    expect(transportSecure('wss://a/')).toBe(true);
    expect(transportSecure('ws://a/')).toBe(false);
  });

  it('endpoints must fit the transport', () => {
    expect(validateEndpoint('wss://a/x', 'websocket').host).toBe('a');
    for (const [url, transport] of [
      ['https://a/x', 'websocket'],
      ['wss://a/x', 'bosh'],
      ['not a url', 'bosh'],
      ['ftp://a/', 'bosh'],
    ] as const) {
      expect(() => validateEndpoint(url, transport)).toThrow(CheckError);
    }
    expect(() => validateEndpoint('wss://a/', 'carrier-pigeon' as never)).toThrow(/unknown transport/);
  });
});
