// The words beside every light, so colour is never the only cue: one table for the extension and
// the observatory's path page. Pure.
import type { Light } from './lights.ts';
import { type Phrase, phrase } from './phrase.ts';

export const LIGHT_WORDS: Readonly<Record<Light, Phrase>> = {
  green: phrase('path_light_green'),
  yellow: phrase('path_light_yellow'),
  red: phrase('path_light_red'),
  grey: phrase('path_light_grey'),
};

/** Said instead of the light's word when messages on a hop or path cannot get through at all. */
export const BOUNCE_WORDS: Phrase = phrase('path_light_bounce');

/** "See the report for {domain}": the link from a reason to its domain's report page. */
export function seeReport(domain: string): Phrase {
  return phrase('path_see_report', domain);
}
