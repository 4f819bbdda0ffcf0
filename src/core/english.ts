// Phrases in English for the observatory (page, API, CLI), from the same catalogue the extension
// ships. Pure: the catalogue is bundled data.

import { type Catalogue, catalogueLookup, type Phrase, renderPhrase } from './phrase.ts';
import en from './phrases/en.json' with { type: 'json' };
import type { Reason } from './reason.ts';

export const ENGLISH: Catalogue = en;
const lookup = catalogueLookup(ENGLISH);

export function english(p: Phrase): string {
  return renderPhrase(p, lookup);
}

/** A reason as plain English text, each part rendered; `about` stays a domain. */
export interface ReasonText {
  says: string;
  todo?: string;
  detail?: string;
  about?: string;
}

export function reasonText(r: Reason): ReasonText {
  const out: ReasonText = { says: english(r.says) };
  if (r.todo) out.todo = english(r.todo);
  if (r.detail) out.detail = english(r.detail);
  if (r.about) out.about = r.about;
  return out;
}
