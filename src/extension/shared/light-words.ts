// The word beside every light, so colour is never the only cue, in the browser's language.
import { type MessageKey, t } from './i18n.ts';
import type { Light } from './lights.ts';

const LIGHT_KEYS: Record<Light, MessageKey> = {
  green: 'light_green',
  yellow: 'light_yellow',
  red: 'light_red',
  grey: 'light_grey',
};

export function lightLabel(light: Light): string {
  return t(LIGHT_KEYS[light]);
}
