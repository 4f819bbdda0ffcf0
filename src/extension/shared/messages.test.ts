import { describe, expect, it } from 'vitest';
import { ProtocolError, parseRequest, type Request, request } from './messages.ts';

describe('parseRequest', () => {
  it('recognises the check, credential and connection-test requests', () => {
    expect(parseRequest({ type: 'runCheck', trigger: 'refresh' })).toEqual({
      type: 'runCheck',
      trigger: 'refresh',
    });
    expect(parseRequest({ type: 'saveCredentials', password: 'pw', remember: true })).toEqual({
      type: 'saveCredentials',
      password: 'pw',
      remember: true,
    });
    expect(parseRequest({ type: 'forgetCredentials' })).toEqual({ type: 'forgetCredentials' });
    expect(parseRequest({ type: 'testConnection', settings: {}, password: null })).toEqual({
      type: 'testConnection',
      settings: {},
      password: null,
    });
  });

  it('recognises the settings requests', () => {
    expect(parseRequest({ type: 'getStatus' })).toEqual({ type: 'getStatus' });
    expect(parseRequest({ type: 'getResults', offset: 3 })).toEqual({ type: 'getResults' });
    expect(parseRequest({ type: 'getSettings', extra: 1 })).toEqual({ type: 'getSettings' });
    expect(parseRequest({ type: 'saveSettings', settings: { jid: 'a@b' } })).toEqual({
      type: 'saveSettings',
      settings: { jid: 'a@b' },
    });
  });
  it.each([
    null,
    undefined,
    'getStatus',
    3,
    [],
    {},
    { type: 'deleteAll' },
    { type: 'saveSettings' },
    { type: 1 },
    { type: 'runCheck' },
    { type: 'runCheck', trigger: 'always' },
    { type: 'saveCredentials', password: 'pw' },
    { type: 'saveCredentials', password: 7, remember: false },
    { type: 'testConnection', password: 'pw' },
    { type: 'testConnection', settings: {}, password: 3 },
  ])('ignores %j', (message) => expect(parseRequest(message)).toBeNull());
});

describe('request', () => {
  const answering = (reply: unknown) => async (_message: Request) => reply;

  it('returns the value of a successful reply', async () => {
    const settings = await request(answering({ ok: true, value: { jid: 'a@b' } }), { type: 'getSettings' });
    expect(settings).toEqual({ jid: 'a@b' });
  });

  it('passes the request through unchanged', async () => {
    const sent: Request[] = [];
    await request(
      async (message) => {
        sent.push(message);
        return { ok: true, value: null };
      },
      { type: 'saveSettings', settings: { jid: 'x@y' } },
    );
    expect(sent).toEqual([{ type: 'saveSettings', settings: { jid: 'x@y' } }]);
  });

  it("throws the background's sentence on a failed reply", async () => {
    await expect(
      request(answering({ ok: false, error: 'Storage is full.' }), { type: 'getStatus' }),
    ).rejects.toThrow(new ProtocolError('Storage is full.'));
  });

  it.each([undefined, null, 'yes', { value: 1 }, { ok: 'true' }])(
    'rejects a malformed reply %j',
    async (reply) => {
      await expect(request(answering(reply), { type: 'getStatus' })).rejects.toThrow(
        'The background gave no valid answer to "getStatus".',
      );
    },
  );
});
