import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from './deadline.ts';
import { errorText } from './error-text.ts';

describe('withDeadline', () => {
  it('settles with the work when it finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), { ms: 1000, what: 'x' })).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), { ms: 1000, what: 'x' })).rejects.toThrow(
      'no',
    );
  });

  it('rejects with a DeadlineError naming the step, and aborts the work', async () => {
    let aborted = false;
    const work = (signal: AbortSignal) =>
      new Promise<never>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    const result = withDeadline(work, { ms: 10, what: 'the ping' });
    await expect(result).rejects.toBeInstanceOf(DeadlineError);
    await expect(result).rejects.toThrow('the ping took longer than 10 ms');
    expect(aborted).toBe(true);
  });

  it('uses the caller-supplied timeout error', async () => {
    const error = new RangeError('late');
    await expect(
      withDeadline(new Promise(() => {}), { ms: 5, what: 'x', onTimeout: () => error }),
    ).rejects.toBe(error);
  });

  it("rejects with the caller's abort reason, before or during the work", async () => {
    const before = new AbortController();
    before.abort(new Error('cancelled'));
    await expect(
      withDeadline(new Promise(() => {}), { ms: 1000, what: 'x', signal: before.signal }),
    ).rejects.toThrow('cancelled');
    const during = new AbortController();
    const result = withDeadline(new Promise(() => {}), { ms: 1000, what: 'x', signal: during.signal });
    during.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
  });

  it('turns a synchronous throw of the work into a rejection', async () => {
    const work = () => {
      throw new Error('sync');
    };
    await expect(withDeadline(work, { ms: 1000, what: 'x' })).rejects.toThrow('sync');
  });
});

describe('errorText', () => {
  it('reads errors, strings and anything else', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText(new TypeError())).toBe('TypeError');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
    expect(errorText(Object.create(null))).toBe('unknown error');
  });
});
