// The toolbar button: icon, badge and tooltip show the overall light, in shape and words as well as colour.
import type { Action } from 'webextension-polyfill';
import { iconPaths, LIGHT_LABELS, type Light } from '../shared/lights.ts';

export async function showLight(action: Action.Static, light: Light): Promise<void> {
  await action.setIcon({ path: iconPaths(light) });
  await action.setBadgeText({ text: '' });
  await action.setTitle({ title: `Hoplight: ${LIGHT_LABELS[light]}` });
}
