// The light of the toolbar and the popup's header: the worst light that is *known*. A grey contact says
// nothing about the others, so it never hides a red or lifts a green; grey only when nothing is known.

import { compareLights, type Light } from '../../core/lights.ts';
import type { ContactResult } from './check-types.ts';

export function worstKnownLight(results: readonly Pick<ContactResult, 'light'>[]): Light {
  const known = results.map((r) => r.light).filter((light) => light !== 'grey');
  if (known.length === 0) return 'grey';
  return known.reduce((a, b) => (compareLights(a, b) <= 0 ? a : b));
}
