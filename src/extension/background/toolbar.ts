// The toolbar button: icon, badge and tooltip show the overall light, in shape and words as well as colour.
import type { Action } from 'webextension-polyfill';
import type { ContactResult } from '../shared/check-types.ts';
import { iconPaths } from '../shared/lights.ts';
import { toolbarView } from './badge.ts';

export async function showResults(
  action: Action.Static,
  results: readonly ContactResult[],
  failure: string | null,
): Promise<void> {
  const view = toolbarView(results, failure);
  await action.setIcon({ path: iconPaths(view.light) });
  if (view.badgeColor) await action.setBadgeBackgroundColor({ color: view.badgeColor });
  await action.setBadgeText({ text: view.badgeText });
  await action.setTitle({ title: view.title });
}
