import { describe, expect, it } from 'vitest';
import { recogniseSoftware } from './software.ts';

describe('recogniseSoftware', () => {
  it('knows Prosody by a UUID v4 stream id together with dialback offered before TLS (lab, 0.12)', () => {
    expect(
      recogniseSoftware({ id: '2cd8bb48-9d9c-48fb-873d-cbd352c08192', dialbackBeforeTls: true }),
    ).toEqual({
      name: 'Prosody',
      version: null,
    });
  });

  it('does not take a UUID alone for Prosody: other servers use UUIDs too', () => {
    expect(
      recogniseSoftware({ id: '2cd8bb48-9d9c-48fb-873d-cbd352c08192', dialbackBeforeTls: false }),
    ).toBeNull();
  });

  it('knows ejabberd by its decimal stream ids (lab, 23.01)', () => {
    expect(recogniseSoftware({ id: '14689214237960613722', dialbackBeforeTls: false })).toEqual({
      name: 'ejabberd',
      version: null,
    });
  });

  it('says nothing for other ids', () => {
    for (const id of [null, '', 'a1b2c3d4e5', '0123', '00000000000000000000', 'x'.repeat(2000)]) {
      expect(recogniseSoftware({ id, dialbackBeforeTls: true })).toBeNull();
    }
  });
});
