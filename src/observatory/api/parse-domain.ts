// Turns a client's domain into the stored form, or the API's 400.
import { normalizeDomain } from '../../core/domain.ts';
import { ApiError } from '../http/errors.ts';

export function parseDomainOrThrow(input: string): string {
  const result = normalizeDomain(input);
  if (!result.ok) throw new ApiError(400, 'invalid_domain', result.error);
  return result.domain;
}
