import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { resolveEndpoint } from './endpoint.ts';
import type { Endpoints } from './xmpp/discovery.ts';

const auto: Settings = { ...DEFAULT_SETTINGS, jid: 'alice@example.org' };
const announced: Endpoints = {
  websocket: ['ws://example.org/ws', 'wss://example.org/ws'],
  bosh: ['https://example.org/bosh'],
};

describe('resolveEndpoint', () => {
  it('uses the URL from the settings without discovery', async () => {
    const asked: string[] = [];
    const url = await resolveEndpoint(
      { ...auto, endpoint: { mode: 'url', url: 'wss://x.example/ws' } },
      async (d) => {
        asked.push(d);
        return announced;
      },
    );
    expect(url).toBe('wss://x.example/ws');
    expect(asked).toEqual([]);
  });

  it("discovers the account's domain and prefers an encrypted endpoint of the transport", async () => {
    const asked: string[] = [];
    const discover = async (domain: string) => {
      asked.push(domain);
      return announced;
    };
    expect(await resolveEndpoint(auto, discover)).toBe('wss://example.org/ws');
    expect(await resolveEndpoint({ ...auto, transport: 'bosh' }, discover)).toBe('https://example.org/bosh');
    expect(asked).toEqual(['example.org', 'example.org']);
  });

  it('says what to do when the domain announces nothing for the transport', async () => {
    await expect(
      resolveEndpoint({ ...auto, transport: 'bosh' }, async () => ({ websocket: [], bosh: [] })),
    ).rejects.toThrow(
      'example.org announces no BOSH endpoint in its host-meta (XEP-0156); give the connection URL in the settings',
    );
  });
});
