import { describe, expect, it } from 'vitest';
import { errorsForStep, stepOfFirstError } from './setup-steps.ts';

describe('the setup steps', () => {
  const errors = [
    { field: 'observatoryUrl' as const, message: 'bad observatory' },
    { field: 'endpointUrl' as const, message: 'bad endpoint' },
  ];
  it('show each step its own errors only', () => {
    expect(errorsForStep('account', errors).map((e) => e.message)).toEqual(['bad endpoint']);
    expect(errorsForStep('observatory', errors).map((e) => e.message)).toEqual(['bad observatory']);
    expect(errorsForStep('privacy', errors)).toEqual([]);
  });
  it('go back to the first step with an error', () => {
    expect(stepOfFirstError(errors)).toBe('account');
    expect(stepOfFirstError(errors.slice(0, 1))).toBe('observatory');
    expect(stepOfFirstError([])).toBeNull();
  });
});
