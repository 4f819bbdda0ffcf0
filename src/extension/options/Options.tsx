// The options page: one form for the settings, validated as the background validates them, saved
// through the background (never straight to storage), with errors beside their fields; the password
// goes to the background once and is never shown again. Save and Test connection ask for host access
// (a user gesture is needed) and Test connection reports success or the exact failure.

import type { TargetedSubmitEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../core/error-text.ts';
import { CREDENTIALS_TEXT } from '../shared/credentials-text.ts';
import {
  type CredentialsState,
  request,
  type SendMessage,
  type TestConnectionResult,
} from '../shared/messages.ts';
import {
  MAX_CHECK_INTERVAL_MINUTES,
  MIN_CHECK_INTERVAL_MINUTES,
  type SettingsError,
  type SettingsField,
} from '../shared/settings.ts';
import { errorsByField, FIELD_ORDER, type FormValues, formFromSettings, validateForm } from './form.ts';
import { dataCollectionFor, hostPatterns } from './host-access.ts';

/** Asks the browser for host access; true when granted. Must be called inside the click. */
/** Asks the browser for host access and, in Firefox, for the optional data collection, in one prompt. */
export type RequestHostAccess = (wanted: { origins: string[]; dataCollection: string[] }) => Promise<boolean>;

const CREDENTIAL_WORDS: Record<CredentialsState, string> = CREDENTIALS_TEXT;

type TestState = { kind: 'running' } | { kind: 'done'; result: TestConnectionResult } | null;

const FIELD_IDS: Record<SettingsField, string> = {
  jid: 'jid',
  transport: 'transport-websocket',
  endpointUrl: 'endpoint-url',
  observatoryUrl: 'observatory-url',
  checkIntervalMinutes: 'check-interval',
};

type Notice =
  | { kind: 'saved' }
  | { kind: 'failed'; message: string }
  | { kind: 'invalid'; count: number }
  | null;

export function Options({
  send,
  requestHostAccess = async () => true,
  optionalDataCollection = [],
}: {
  send: SendMessage;
  requestHostAccess?: RequestHostAccess;
  /** The optional data collection the manifest declares (Firefox's), asked for when lookups need it. */
  optionalDataCollection?: readonly string[];
}) {
  const [values, setValues] = useState<FormValues | null>(null);
  const [credentials, setCredentials] = useState<CredentialsState>('none');
  const [access, setAccess] = useState<string | null>(null);
  const [test, setTest] = useState<TestState>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<SettingsError[]>([]);
  const [notice, setNotice] = useState<Notice>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    request(send, { type: 'getSettings' }).then(
      (settings) => setValues(formFromSettings(settings)),
      (error: unknown) => setLoadError(errorText(error)),
    );
    request(send, { type: 'getStatus' }).then(
      (status) => setCredentials(status.credentials),
      () => {},
    );
  }, [send]);

  useEffect(() => {
    const first = FIELD_ORDER.find((field) => errors.some((e) => e.field === field));
    if (first) form.current?.querySelector<HTMLElement>(`#${FIELD_IDS[first]}`)?.focus();
  }, [errors]);

  if (loadError) {
    return (
      <main>
        <h1>Hoplight settings</h1>
        <p role="alert" class="error">
          Could not load the settings: {loadError}
        </p>
      </main>
    );
  }
  if (!values) {
    return (
      <main>
        <h1>Hoplight settings</h1>
        <p role="status">Loading…</p>
      </main>
    );
  }

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues({ ...values, [key]: value });
    setNotice(null);
  };
  const byField = errorsByField(errors);

  const onSubmit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateForm(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      setNotice({ kind: 'invalid', count: Object.keys(errorsByField(checked.errors)).length });
      return;
    }
    // Before any await: the browser grants host access only inside the click's user gesture.
    const answered = askForAccess(checked.settings);
    setSaving(true);
    try {
      const result = await request(send, { type: 'saveSettings', settings: checked.settings });
      if (result.saved) {
        setErrors([]);
        if (values.password !== '') {
          setCredentials(
            await request(send, {
              type: 'saveCredentials',
              password: values.password,
              remember: values.remember,
            }),
          );
          // A first check once the user has answered the host-access prompt (Firefox blocks the
          // observatory and the server's https: without it); it also turns a remembered password
          // into SCRAM keys. Saving does not wait: a prompt may stay open.
          void answered.then(() => request(send, { type: 'runCheck', trigger: 'refresh' })).catch(() => {});
        }
        setValues({ ...formFromSettings(result.settings), remember: values.remember });
        setNotice({ kind: 'saved' });
      } else {
        setErrors(result.errors);
        setNotice({ kind: 'invalid', count: Object.keys(errorsByField(result.errors)).length });
      }
    } catch (error) {
      setNotice({ kind: 'failed', message: errorText(error) });
    } finally {
      setSaving(false);
    }
  };

  function askForAccess(settings: Parameters<typeof hostPatterns>[0]): Promise<void> {
    return requestHostAccess({
      origins: hostPatterns(settings),
      dataCollection: dataCollectionFor(settings, optionalDataCollection),
    }).then(
      (ok) =>
        setAccess(
          ok
            ? null
            : 'Host access was not granted: the browser may block the connection to your server or the observatory.',
        ),
      (error: unknown) => setAccess(`Could not ask for host access: ${errorText(error)}`),
    );
  }

  const onTest = async () => {
    const checked = validateForm(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      setNotice({ kind: 'invalid', count: Object.keys(errorsByField(checked.errors)).length });
      return;
    }
    void askForAccess(checked.settings);
    setTest({ kind: 'running' });
    try {
      const result = await request(send, {
        type: 'testConnection',
        settings: checked.settings,
        password: values.password === '' ? null : values.password,
      });
      setTest({ kind: 'done', result });
    } catch (error) {
      setTest({
        kind: 'done',
        result: {
          ok: false,
          kind: 'internal',
          message: errorText(error),
        },
      });
    }
  };

  const forget = async () => {
    setCredentials(await request(send, { type: 'forgetCredentials' }));
  };

  return (
    <main>
      <h1>Hoplight settings</h1>
      <form ref={form} onSubmit={onSubmit} noValidate>
        <h2>Account</h2>
        <TextField
          id="jid"
          label="XMPP address"
          hint="Your own address, for example alice@example.org. Hoplight signs in only to read your contact list."
          value={values.jid}
          error={byField.jid}
          autoComplete="username"
          onInput={(v) => set('jid', v)}
        />
        <div class="field">
          <label for="password">Password</label>
          <input
            type="password"
            id="password"
            name="password"
            autoComplete="current-password"
            value={values.password}
            aria-describedby="password-hint"
            onInput={(event) => set('password', event.currentTarget.value)}
          />
          <p id="password-hint" class="hint">
            {CREDENTIAL_WORDS[credentials]} Leave empty to keep the stored one.
          </p>
        </div>
        <CheckboxField
          id="remember"
          label="Remember me on this device (stores SCRAM keys, not the password, where the server allows)"
          checked={values.remember}
          onChange={(v) => set('remember', v)}
        />
        {credentials !== 'none' && (
          <button type="button" class="secondary" onClick={forget}>
            Forget the password
          </button>
        )}

        <fieldset>
          <legend>Connection</legend>
          <fieldset class="choice">
            <legend>Transport</legend>
            <input
              type="radio"
              id="transport-websocket"
              name="transport"
              checked={values.transport === 'websocket'}
              onChange={() => set('transport', 'websocket')}
            />
            <label for="transport-websocket">WebSocket</label>
            <input
              type="radio"
              id="transport-bosh"
              name="transport"
              checked={values.transport === 'bosh'}
              onChange={() => set('transport', 'bosh')}
            />
            <label for="transport-bosh">BOSH</label>
            {byField.transport && <p class="field-error">{byField.transport}</p>}
          </fieldset>
          <fieldset class="choice">
            <legend>Server endpoint</legend>
            <input
              type="radio"
              id="endpoint-mode-auto"
              name="endpoint-mode"
              checked={values.endpointMode === 'auto'}
              onChange={() => set('endpointMode', 'auto')}
            />
            <label for="endpoint-mode-auto">Discover automatically</label>
            <input
              type="radio"
              id="endpoint-mode-url"
              name="endpoint-mode"
              checked={values.endpointMode === 'url'}
              onChange={() => set('endpointMode', 'url')}
            />
            <label for="endpoint-mode-url">Use this URL</label>
          </fieldset>
          {values.endpointMode === 'url' && (
            <TextField
              id="endpoint-url"
              label="Connection URL"
              hint={
                values.transport === 'websocket'
                  ? 'For example wss://example.org/xmpp-websocket'
                  : 'For example https://example.org/http-bind'
              }
              type="url"
              value={values.endpointUrl}
              error={byField.endpointUrl}
              onInput={(v) => set('endpointUrl', v)}
            />
          )}
          {values.endpointMode !== 'url' && byField.endpointUrl && (
            <p class="field-error">{byField.endpointUrl}</p>
          )}
        </fieldset>

        <fieldset>
          <legend>Observatory</legend>
          <TextField
            id="observatory-url"
            label="Observatory URL"
            hint="Where Hoplight looks up the servers' grades."
            type="url"
            value={values.observatoryUrl}
            error={byField.observatoryUrl}
            onInput={(v) => set('observatoryUrl', v)}
          />
          <CheckboxField
            id="privacy-mode"
            label="Privacy mode: download the full list of grades instead of asking about each server"
            checked={values.privacyMode}
            onChange={(v) => set('privacyMode', v)}
          />
        </fieldset>

        <fieldset>
          <legend>Checks</legend>
          <TextField
            id="check-interval"
            label="Check every (minutes)"
            hint={`From ${MIN_CHECK_INTERVAL_MINUTES} to ${MAX_CHECK_INTERVAL_MINUTES} minutes.`}
            type="number"
            inputMode="numeric"
            min={MIN_CHECK_INTERVAL_MINUTES}
            max={MAX_CHECK_INTERVAL_MINUTES}
            value={values.checkIntervalMinutes}
            error={byField.checkIntervalMinutes}
            onInput={(v) => set('checkIntervalMinutes', v)}
          />
          <CheckboxField
            id="notifications"
            label="Notify me when a contact turns red (unsafe)"
            checked={values.notifications}
            onChange={(v) => set('notifications', v)}
          />
        </fieldset>

        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" class="secondary" onClick={onTest} disabled={test?.kind === 'running'}>
            Test connection
          </button>
        </div>
        <p aria-live="polite" class="test-result" id="test-result">
          {test?.kind === 'running' && 'Testing the connection…'}
          {test?.kind === 'done' && describeTest(test.result)}
        </p>
        {access && <p class="error">{access}</p>}
        <p role="status" aria-live="polite" class={notice?.kind === 'saved' ? 'status-ok' : 'error'}>
          {notice?.kind === 'saved' && 'Settings saved.'}
          {notice?.kind === 'failed' && `Could not save: ${notice.message}`}
          {notice?.kind === 'invalid' &&
            `Not saved: ${notice.count === 1 ? 'one field needs' : `${notice.count} fields need`} fixing.`}
        </p>
      </form>
    </main>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  error?: string | undefined;
  type?: 'text' | 'url' | 'number';
  autoComplete?: string;
  inputMode?: 'numeric';
  min?: number;
  max?: number;
  onInput: (value: string) => void;
}

function TextField({ id, label, hint, error, type = 'text', onInput, ...rest }: TextFieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const common = {
    id,
    name: id,
    'aria-invalid': error ? ('true' as const) : ('false' as const),
    'aria-describedby': described || undefined,
    onInput: (event: { currentTarget: HTMLInputElement }) => onInput(event.currentTarget.value),
    ...rest,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {/* One element per type: Preact types each input type's allowed ARIA roles separately. */}
      {type === 'number' && <input type="number" {...common} />}
      {type === 'url' && <input type="url" {...common} />}
      {type === 'text' && <input type="text" {...common} />}
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <div class="field choice">
      <input
        type="checkbox"
        id={props.id}
        name={props.id}
        checked={props.checked}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

function describeTest(result: TestConnectionResult): string {
  if (!result.ok) return `Test failed: ${result.message}`;
  const own = result.transportSecure ? 'encrypted' : 'NOT encrypted';
  const observatory =
    result.observatoryDomains !== null
      ? `The observatory answered (${result.observatoryDomains} domains graded).`
      : `But the observatory did not answer: ${result.observatoryError}`;
  return `Connected as ${result.boundJid} at ${result.endpoint} (${own}, ${result.mechanism}); ${result.contacts} contacts. ${observatory}`;
}
