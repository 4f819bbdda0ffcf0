// The word beside every light, so colour is never the only cue, in the browser's language: the one table
// in src/core, which the observatory's path page shares, looked up once (a thousand rows show four each).
import { LIGHT_WORDS } from '../../core/light-words.ts';
import type { Light } from './lights.ts';
import { phraseText } from './phrase-text.ts';

let words: Record<Light, string> | null = null;

export function lightLabel(light: Light): string {
  words ??= {
    green: phraseText(LIGHT_WORDS.green),
    yellow: phraseText(LIGHT_WORDS.yellow),
    red: phraseText(LIGHT_WORDS.red),
    grey: phraseText(LIGHT_WORDS.grey),
  };
  return words[light];
}
