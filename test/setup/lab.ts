// vitest globalSetup for the integration and browser projects: make sure the lab runs, and stop it
// afterwards only if this run started it (a developer's running lab survives the test run).
import { ensureLab, labDown, STATE_FILE } from '../../lab/lab.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const { started } = await ensureLab();
  process.env.HOPLIGHT_LAB_STATE = STATE_FILE;
  return async () => {
    if (started) await labDown();
  };
}
