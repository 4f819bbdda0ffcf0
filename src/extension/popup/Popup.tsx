// The popup: the not-configured state with a way to the options, or the last check's results.
import { useEffect, useState } from 'preact/hooks';
import { LIGHT_LABELS } from '../shared/lights.ts';
import { type ContactResult, request, type SendMessage, type Status } from '../shared/messages.ts';
import { describeLastCheck } from './last-check.ts';

export interface PopupProps {
  send: SendMessage;
  openOptions: () => void;
  now?: () => Date;
}

type State = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; status: Status };

export function Popup({ send, openOptions, now = () => new Date() }: PopupProps) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    request(send, { type: 'getStatus' }).then(
      (status) => setState({ kind: 'ready', status }),
      (error: unknown) =>
        setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }, [send]);

  return (
    <main>
      <header class="brand">
        <img src={`icons/${state.kind === 'ready' ? state.status.light : 'grey'}.svg`} alt="" />
        <h1>Hoplight</h1>
      </header>
      {state.kind === 'loading' && <p role="status">Loading…</p>}
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          Could not reach the extension's background: {state.message}
        </p>
      )}
      {state.kind === 'ready' && <StatusView status={state.status} now={now()} openOptions={openOptions} />}
    </main>
  );
}

function StatusView({ status, now, openOptions }: { status: Status; now: Date; openOptions: () => void }) {
  return (
    <>
      {status.problem && (
        <p role="alert" class="error">
          {status.problem}
        </p>
      )}
      {status.configured ? (
        <>
          <p>
            Account: <strong>{status.account}</strong>
          </p>
          <p>
            Last check:{' '}
            {status.lastCheck ? (
              <time dateTime={status.lastCheck}>{describeLastCheck(status.lastCheck, now)}</time>
            ) : (
              'never'
            )}
          </p>
          <h2 id="results-heading">Contacts</h2>
          {status.results.length === 0 ? (
            <p class="muted">No results yet. They appear here after the first check.</p>
          ) : (
            <ul class="results" aria-labelledby="results-heading">
              {status.results.map((result) => (
                <ResultRow key={result.jid} result={result} />
              ))}
            </ul>
          )}
          <div class="actions">
            <button type="button" class="secondary" onClick={openOptions}>
              Settings
            </button>
          </div>
        </>
      ) : (
        <>
          <h2>Not configured</h2>
          <p>Set up your XMPP account to see how well each contact's path is protected.</p>
          <div class="actions">
            <button type="button" onClick={openOptions}>
              Open settings
            </button>
          </div>
        </>
      )}
    </>
  );
}

function ResultRow({ result }: { result: ContactResult }) {
  return (
    <li>
      <img src={`icons/${result.light}.svg`} alt="" />
      <span class="contact">
        <span>
          {result.name ?? result.jid} <span class="visually-hidden">:</span>{' '}
          <strong>{LIGHT_LABELS[result.light]}</strong>
        </span>
        {result.name !== null && <span class="jid">{result.jid}</span>}
      </span>
    </li>
  );
}
