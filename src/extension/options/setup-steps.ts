// The first-run setup's three steps and what each must get right before the next. Pure.
import type { SettingsError, SettingsField } from '../shared/settings.ts';

export type SetupStep = 'account' | 'observatory' | 'privacy';
export const SETUP_STEPS: readonly SetupStep[] = ['account', 'observatory', 'privacy'];

const STEP_FIELDS: Record<SetupStep, readonly SettingsField[]> = {
  account: ['jid', 'transport', 'endpointUrl'],
  observatory: ['observatoryUrl'],
  privacy: [],
};

/** The validation errors that belong to one step (the others are shown when their step comes). */
export function errorsForStep(step: SetupStep, errors: readonly SettingsError[]): SettingsError[] {
  return errors.filter((e) => STEP_FIELDS[step].includes(e.field));
}

/** The step holding the first error, so a last-step save with an earlier mistake goes back there. */
export function stepOfFirstError(errors: readonly SettingsError[]): SetupStep | null {
  return SETUP_STEPS.find((step) => errorsForStep(step, errors).length > 0) ?? null;
}
