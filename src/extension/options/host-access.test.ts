import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { dataCollectionFor, declaredDataCollection, hostPatterns } from './host-access.ts';

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

describe('dataCollectionFor', () => {
  const firefox = declaredDataCollection({
    browser_specific_settings: {
      gecko: { data_collection_permissions: { required: ['none'], optional: ['personalCommunications'] } },
    },
  });
  it("asks Firefox for contacts' server names only when lookups send them", () => {
    expect(firefox).toEqual(['personalCommunications']);
    expect(dataCollectionFor({ ...alice, privacyMode: false }, firefox)).toEqual(['personalCommunications']);
    expect(dataCollectionFor({ ...alice, privacyMode: true }, firefox)).toEqual([]);
  });
  it('asks Chrome for nothing: its manifest declares no data collection', () => {
    expect(declaredDataCollection({ name: 'Hoplight' })).toEqual([]);
    expect(declaredDataCollection(null)).toEqual([]);
    expect(dataCollectionFor({ ...alice, privacyMode: false }, [])).toEqual([]);
  });
});
