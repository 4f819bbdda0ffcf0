// One contact's row: the head (name, JID, path light) that toggles the details, the hops as small
// lights, and the details with the reasons and what to do.
import type { ContactResult } from '../shared/check-types.ts';
import { t } from '../shared/i18n.ts';
import { lightLabel } from '../shared/light-words.ts';
import { phraseText } from '../shared/phrase-text.ts';
import { describeLastCheck } from './last-check.ts';
import { Reasons, reasonTitle } from './Reasons.tsx';
import { detailsIdFor, hopLabel } from './view-model.ts';

export interface ResultRowProps {
  result: ContactResult;
  observatoryUrl: string | null;
  /** Where the row stands in the whole list (1-based) and its length: only a window of rows is rendered. */
  position: number;
  listSize: number;
  open: boolean;
  onToggle(jid: string): void;
}

export function ResultRow({ result, observatoryUrl, position, listSize, open, onToggle }: ResultRowProps) {
  const detailsId = detailsIdFor(result.jid);
  return (
    <li
      class={`row light-${result.light}`}
      data-jid={result.jid}
      aria-posinset={position}
      aria-setsize={listSize}
    >
      <button
        type="button"
        class={`row-head lit lit-${result.light}`}
        aria-expanded={open}
        aria-controls={detailsId}
        onClick={() => onToggle(result.jid)}
      >
        <span class="contact">
          <span class="name">{result.name ?? result.jid}</span>
          {result.name !== null && <span class="jid">{result.jid}</span>}
        </span>
        <strong class="path-label">{lightLabel(result.light)}</strong>
      </button>
      {/* Plain elements, not components: a window of rows of four chips each re-renders as the page scrolls. */}
      <ul class="hops" aria-label={t('popup_hops')}>
        {result.hops.map((hop) => (
          <li key={hop.name} class={`hop lit lit-${hop.light}`} title={reasonTitle(hop.reasons[0])}>
            {t('popup_hopLight', hopLabel(hop.name), lightLabel(hop.light))}
          </li>
        ))}
        <li class={`hop e2e lit lit-${result.e2e.light}`} title={reasonTitle(result.e2e.reasons[0])}>
          {phraseText(result.e2e.label)}
        </li>
      </ul>
      {/* The container always exists so aria-controls names an element; its content only when open. */}
      <div id={detailsId} class="details" hidden={!open}>
        {open && <Details result={result} observatoryUrl={observatoryUrl} />}
      </div>
    </li>
  );
}

function Details({ result, observatoryUrl }: { result: ContactResult; observatoryUrl: string | null }) {
  const now = new Date();
  return (
    <>
      {result.scans && result.scans.length > 0 && (
        <p class="scans">
          {result.scans
            .map(({ domain, scannedAt }) =>
              scannedAt === null
                ? t('popup_notScanned', domain)
                : t('popup_scanned', domain, describeLastCheck(scannedAt, now)),
            )
            .join(' · ')}
        </p>
      )}
      {result.hops.length === 0 && <Reasons reasons={result.reasons} observatoryUrl={observatoryUrl} />}
      {result.hops.map((hop) => (
        <div key={hop.name} class="hop-details">
          <h3>{t('popup_hopLight', hopLabel(hop.name), lightLabel(hop.light))}</h3>
          <Reasons reasons={hop.reasons} observatoryUrl={observatoryUrl} />
        </div>
      ))}
      <div class="hop-details">
        <h3>{phraseText(result.e2e.label)}</h3>
        <Reasons reasons={result.e2e.reasons} observatoryUrl={observatoryUrl} />
      </div>
    </>
  );
}
