// The four traffic lights as the extension shows them: never colour alone, always an icon shape and a word.

import { english } from '../../core/english.ts';
import { LIGHT_WORDS } from '../../core/light-words.ts';
import type { Light } from '../../core/path.ts';

/** The traffic light of a hop or a whole path (DESIGN §1), as the path model defines it. */
export type { Light };
/** The word shown next to every light, so colour is never the only cue: phrases, one table in src/core. */
export { LIGHT_WORDS };
export const LIGHTS: readonly Light[] = ['green', 'yellow', 'red', 'grey'];

export const ICON_SIZES = [16, 32, 48, 128] as const;
export type IconSize = (typeof ICON_SIZES)[number];

/** Path of a light's PNG inside the built extension. */
export function iconPath(light: Light, size: IconSize): string {
  return `icons/${light}-${size}.png`;
}

/** Every size of a light's icon, in the shape `action.setIcon({ path })` takes. */
export function iconPaths(light: Light): Record<IconSize, string> {
  return {
    16: iconPath(light, 16),
    32: iconPath(light, 32),
    48: iconPath(light, 48),
    128: iconPath(light, 128),
  };
}

/**
 * The light words in English, for the badge's title until it speaks through browser.i18n; pages
 * render LIGHT_WORDS in the browser's language.
 */
export const LIGHT_LABELS: Record<Light, string> = {
  green: english(LIGHT_WORDS.green),
  yellow: english(LIGHT_WORDS.yellow),
  red: english(LIGHT_WORDS.red),
  grey: english(LIGHT_WORDS.grey),
};
