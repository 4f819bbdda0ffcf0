// Input checks of checkAccount: refused before any connection is made.
import { describe, expect, it } from 'vitest';
import { CheckError } from './errors.ts';
import { checkAccount } from './session.ts';

const base = { endpoint: 'wss://example.invalid/ws', transport: 'websocket' as const, timeoutMs: 1000 };

describe('checkAccount input', () => {
  it.each([
    [{ ...base, jid: 'example.org', password: 'p' }, 'invalid-input', /must be user@domain/],
    [{ ...base, jid: '', password: 'p' }, 'invalid-input', /not a JID/],
    [{ ...base, jid: 'a@b.test' }, 'invalid-input', /exactly one of password and scramKeys/],
    [
      {
        ...base,
        jid: 'a@b.test',
        password: 'p',
        scramKeys: {
          mechanism: 'SCRAM-SHA-1' as const,
          salt: 'c2FsdA==',
          iterations: 1,
          clientKey: '',
          serverKey: '',
        },
      },
      'invalid-input',
      /exactly one/,
    ],
    [
      { ...base, jid: 'a@b.test', password: 'p', endpoint: 'https://x/' },
      'invalid-input',
      /starts with ws: or wss:/,
    ],
    [
      { ...base, jid: 'a@b.test', password: 'p', transport: 'bosh' as const },
      'invalid-input',
      /http: or https:/,
    ],
    [{ ...base, jid: 'a@b.test', password: 'p', timeoutMs: 0 }, 'invalid-input', /timeoutMs/],
    [{ ...base, jid: 'a@b.test', password: 'p', signal: AbortSignal.abort() }, 'aborted', /cancelled/],
  ])('%#: %o', async (options, kind, message) => {
    const error = await checkAccount(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckError);
    expect((error as CheckError).kind).toBe(kind);
    expect((error as CheckError).message).toMatch(message);
  });
});
