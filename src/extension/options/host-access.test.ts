import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { hostPatterns } from './host-access.ts';

const alice: Settings = {
  ...DEFAULT_SETTINGS,
  jid: 'alice@example.org',
  observatoryUrl: 'https://obs.example:8443/api/',
};

describe('hostPatterns', () => {
  it('asks for the endpoint and the observatory, without ports or paths', () => {
    expect(
      hostPatterns({
        ...alice,
        endpoint: { mode: 'url', url: 'wss://xmpp.example.org:5281/xmpp-websocket' },
      }),
    ).toEqual(['wss://xmpp.example.org/*', 'https://obs.example/*']);
  });
  it("asks for the domain's host-meta and endpoint with discovery", () => {
    expect(hostPatterns(alice)).toEqual([
      'https://example.org/*',
      'wss://example.org/*',
      'https://obs.example/*',
    ]);
    expect(hostPatterns({ ...alice, transport: 'bosh' })).toEqual([
      'https://example.org/*',
      'https://obs.example/*',
    ]);
  });
  it('asks for nothing it cannot parse', () => {
    expect(hostPatterns({ ...alice, jid: '', observatoryUrl: 'not a url' })).toEqual([]);
  });
});
