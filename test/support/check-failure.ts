// What an account check that must fail threw: a CheckError, whose kind and words the test then reads.
import { expect } from 'vitest';
import { CheckError } from '../../src/extension/background/xmpp/errors.ts';

export async function checkFailure(promise: Promise<unknown>): Promise<CheckError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckError);
  return error as CheckError;
}
