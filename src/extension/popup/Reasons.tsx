// A list of reasons in the user's language: the plain sentence, what they can do, a link to the
// domain's report on the observatory, and the expert's words folded into a <details>.
import { seeReport } from '../../core/light-words.ts';
import { phrase } from '../../core/phrase.ts';
import type { Reason } from '../../core/reason.ts';
import { phraseText } from '../shared/phrase-text.ts';

export interface ReasonsProps {
  reasons: readonly Reason[];
  /** The observatory's base URL from the settings; no links without one. */
  observatoryUrl: string | null;
}

export function Reasons({ reasons, observatoryUrl }: ReasonsProps) {
  return (
    <ul class="reasons">
      {reasons.map((reason) => (
        <li key={JSON.stringify(reason)} class="reason">
          <p class="says">{phraseText(reason.says)}</p>
          {reason.todo && (
            <p class="todo">
              {phraseText(phrase('path_todo_label'))} {phraseText(reason.todo)}
            </p>
          )}
          {reason.about && observatoryUrl !== null && (
            <p class="about">
              <a href={reportUrl(observatoryUrl, reason.about)} target="_blank" rel="noopener noreferrer">
                {phraseText(seeReport(reason.about))}
              </a>
            </p>
          )}
          {reason.detail && (
            <details class="detail">
              <summary>{phraseText(phrase('path_details_summary'))}</summary>
              <p>{phraseText(reason.detail)}</p>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A reason's plain sentence alone, for a `title` attribute. */
export function reasonTitle(reason: Reason | undefined): string | undefined {
  return reason ? phraseText(reason.says) : undefined;
}

/** `{observatory}/domain/{domain}`, whatever the base URL ends with. */
export function reportUrl(observatoryUrl: string, domain: string): string {
  return `${observatoryUrl.replace(/\/+$/, '')}/domain/${encodeURIComponent(domain)}`;
}
