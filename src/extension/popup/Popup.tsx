// The popup: the last results at once (worst first, searchable, filterable over every contact, each row
// expanding to its reasons; only the rows near the viewport rendered: ResultList.tsx), the progress of
// a running check, a refresh button, and a clear state for every failure.

import { useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { lightLabel } from '../shared/light-words.ts';
import type { Light } from '../shared/lights.ts';
import type { SendMessage } from '../shared/messages.ts';
import { describeLastCheck } from './last-check.ts';
import { ResultList } from './ResultList.tsx';
import { markRowsInDom } from './render-timing.ts';
import { type PopupStatus as Status, useResultsFeed } from './results-feed.ts';
import { countByLight, failureView, filterResults, type LightFilter, progressText } from './view-model.ts';

export interface PopupProps {
  send: SendMessage;
  openOptions: () => void;
  now?: () => Date;
  /** How often a running check's progress is asked for, ms. */
  pollMs?: number;
  /** The observatory's base URL from the settings, for each reason's link to a domain's report. */
  observatoryUrl?: string | null;
}

const FILTER_ORDER: readonly Light[] = ['red', 'grey', 'yellow', 'green'];

export function Popup({
  send,
  openOptions,
  now = () => new Date(),
  pollMs = 400,
  observatoryUrl = null,
}: PopupProps) {
  const { state, refresh } = useResultsFeed(send, pollMs);
  const status = state.kind === 'ready' ? state.status : null;
  const running = status?.cycle.state === 'running';

  return (
    <main>
      <header class="brand">
        <img src={`icons/${status?.light ?? 'grey'}.svg`} alt="" />
        <h1>{t('extensionName')}</h1>
        {status?.configured && (
          <button type="button" class="secondary refresh" onClick={refresh} disabled={running}>
            {running ? t('popup_checking') : t('popup_checkNow')}
          </button>
        )}
      </header>
      {state.kind === 'loading' && <p role="status">{t('common_loading')}</p>}
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          {t('popup_backgroundUnreachable')}
        </p>
      )}
      {status && (
        <StatusView
          status={status}
          now={now()}
          openOptions={openOptions}
          retry={refresh}
          observatoryUrl={observatoryUrl}
        />
      )}
    </main>
  );
}

function StatusView({
  status,
  now,
  openOptions,
  retry,
  observatoryUrl,
}: {
  status: Status;
  now: Date;
  openOptions: () => void;
  retry: () => void;
  observatoryUrl: string | null;
}) {
  if (!status.configured) {
    return (
      <>
        {status.problem && (
          <p role="alert" class="error">
            {status.problem}
          </p>
        )}
        <h2>{t('popup_notConfiguredTitle')}</h2>
        <p>{t('popup_notConfiguredText')}</p>
        <div class="actions">
          <button type="button" onClick={openOptions}>
            {t('popup_openSetup')}
          </button>
        </div>
      </>
    );
  }
  const failure = status.failure && status.cycle.state !== 'running' ? failureView(status.failure) : null;
  return (
    <>
      {status.problem && (
        <p role="alert" class="error">
          {status.problem}
        </p>
      )}
      <p class="account">
        {t('popup_account')} <strong>{status.account}</strong>
      </p>
      <p class="last-check">
        {t('popup_lastCheck')}{' '}
        {status.lastCheck ? (
          <time dateTime={status.lastCheck}>{describeLastCheck(status.lastCheck, now)}</time>
        ) : (
          t('time_never')
        )}
        {status.stale && <span class="stale"> {t('popup_stale')}</span>}
      </p>
      <p role="status" class="progress">
        {status.cycle.state === 'running' ? progressText(status.cycle.progress) : ''}
      </p>
      {status.cycle.state === 'interrupted' && !failure && <p class="notice">{t('popup_interrupted')}</p>}
      {failure && (
        <div
          role={failure.banner ? 'status' : 'alert'}
          class={`failure failure-${status.failure?.kind}${failure.banner ? ' banner' : ''}`}
        >
          <h2>{failure.title}</h2>
          <p>{failure.detail}</p>
          <button
            type="button"
            class="secondary"
            onClick={failure.action === 'settings' ? openOptions : retry}
          >
            {failure.action === 'settings' ? t('popup_openSettings') : t('popup_tryAgain')}
          </button>
        </div>
      )}
      <Results status={status} observatoryUrl={observatoryUrl} />
      <div class="actions">
        <button type="button" class="secondary" onClick={openOptions}>
          {t('popup_settings')}
        </button>
      </div>
    </>
  );
}

function Results({ status, observatoryUrl }: { status: Status; observatoryUrl: string | null }) {
  const [query, setQuery] = useState('');
  const [light, setLight] = useState<LightFilter>('all');
  const { results } = status;
  // Memoised: a running check's progress polls re-render the popup, and typing re-renders it per key.
  const counts = useMemo(() => countByLight(results), [results]);
  const shown = useMemo(() => filterResults(results, query, light), [results, query, light]);
  useLayoutEffect(() => {
    if (shown.length > 0) markRowsInDom();
  });
  if (results.length === 0) {
    return status.lastCheck ? (
      <p class="muted empty">{t('popup_emptyRoster')}</p>
    ) : (
      <p class="muted">{t('popup_noResults')}</p>
    );
  }
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">{t('popup_contacts')}</h2>
      <div class="filters">
        <label>
          <span class="visually-hidden">{t('popup_search')}</span>
          <input
            type="search"
            placeholder={t('popup_search')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <label>
          <span class="visually-hidden">{t('popup_filterByLight')}</span>
          <select value={light} onChange={(e) => setLight(e.currentTarget.value as LightFilter)}>
            <option value="all">{t('popup_filterAll', results.length)}</option>
            {FILTER_ORDER.map((l) => (
              <option key={l} value={l}>
                {t('popup_filterLight', lightLabel(l), counts[l])}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <p class="muted">{t('popup_noMatch')}</p>
      ) : (
        <ResultList results={shown} observatoryUrl={observatoryUrl} />
      )}
    </section>
  );
}
