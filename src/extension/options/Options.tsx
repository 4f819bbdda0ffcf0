// The options page: one form for the settings, validated as the background validates them, saved
// through the background (never straight to storage), with errors beside their fields; the password
// goes to the background once and is never shown again. Save and Test connection ask for host access
// (a user gesture is needed) and Test connection reports success or the exact failure.

import type { TargetedSubmitEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, t } from '../shared/i18n.ts';
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
import { AccountFields, ConnectionFields } from './account-fields.tsx';
import { describeConnectionTest } from './describe.ts';
import { CheckboxField, TextField } from './fields.tsx';
import { errorsByField, FIELD_ORDER, type FormValues, formFromSettings, validateForm } from './form.ts';
import { dataCollectionFor, hostPatterns } from './host-access.ts';

/** Asks the browser for host access and, in Firefox, for the optional data collection, in one prompt. */
export type RequestHostAccess = (wanted: { origins: string[]; dataCollection: string[] }) => Promise<boolean>;

export const CREDENTIAL_WORDS: Record<CredentialsState, MessageKey> = {
  none: 'credentials_none',
  session: 'credentials_session',
  'remember-pending': 'credentials_rememberPending',
  remembered: 'credentials_remembered',
  'session-plain-only': 'credentials_sessionPlainOnly',
  'session-salt-changes': 'credentials_sessionSaltChanges',
};

type TestState = { kind: 'running' } | { kind: 'done'; result: TestConnectionResult } | null;

const FIELD_IDS: Record<SettingsField, string> = {
  jid: 'jid',
  transport: 'transport-websocket',
  endpointUrl: 'endpoint-url',
  observatoryUrl: 'observatory-url',
  checkIntervalMinutes: 'check-interval',
};

type Notice = { kind: 'saved' } | { kind: 'failed' } | { kind: 'invalid'; count: number } | null;

export function Options({
  send,
  requestHostAccess = async () => true,
  optionalDataCollection = [],
  setupDone = false,
}: {
  send: SendMessage;
  /** Just after the first-run setup: say that it is saved and the first check runs. */
  setupDone?: boolean;
  requestHostAccess?: RequestHostAccess;
  /** The optional data collection the manifest declares (Firefox's), asked for when lookups need it. */
  optionalDataCollection?: readonly string[];
}) {
  const [values, setValues] = useState<FormValues | null>(null);
  const [credentials, setCredentials] = useState<CredentialsState>('none');
  const [access, setAccess] = useState<string | null>(null);
  const [test, setTest] = useState<TestState>(null);
  const [loadError, setLoadError] = useState(false);
  const [errors, setErrors] = useState<SettingsError[]>([]);
  const [notice, setNotice] = useState<Notice>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    request(send, { type: 'getSettings' }).then(
      (settings) => setValues(formFromSettings(settings)),
      (error: unknown) => {
        console.error('Hoplight: could not load the settings', error);
        setLoadError(true);
      },
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
        <h1>{t('options_title')}</h1>
        <p role="alert" class="error">
          {t('options_loadFailed')}
        </p>
      </main>
    );
  }
  if (!values) {
    return (
      <main>
        <h1>{t('options_title')}</h1>
        <p role="status">{t('common_loading')}</p>
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
      console.error('Hoplight: could not save the settings', error);
      setNotice({ kind: 'failed' });
    } finally {
      setSaving(false);
    }
  };

  function askForAccess(settings: Parameters<typeof hostPatterns>[0]): Promise<void> {
    return requestHostAccess({
      origins: hostPatterns(settings),
      dataCollection: dataCollectionFor(settings, optionalDataCollection),
    }).then(
      (ok) => setAccess(ok ? null : t('access_denied')),
      (error: unknown) => {
        console.error('Hoplight: could not ask for host access', error);
        setAccess(t('access_failed'));
      },
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
      console.error('Hoplight: the connection test did not answer', error);
      setTest({ kind: 'done', result: { ok: false, kind: 'internal', message: t('failure_internal') } });
    }
  };

  const forget = async () => {
    setCredentials(await request(send, { type: 'forgetCredentials' }));
  };

  return (
    <main>
      <h1>{t('options_title')}</h1>
      {setupDone && (
        <p role="status" class="status-ok setup-done">
          {t('setup_done')}
        </p>
      )}
      <form ref={form} onSubmit={onSubmit} noValidate>
        <h2>{t('options_account')}</h2>
        <AccountFields
          values={values}
          errors={byField}
          set={set}
          passwordHint={`${t(CREDENTIAL_WORDS[credentials])} ${t('field_passwordKeep')}`}
        />
        {credentials !== 'none' && (
          <button type="button" class="secondary" onClick={forget}>
            {t('options_forget')}
          </button>
        )}

        <fieldset>
          <legend>{t('options_connection')}</legend>
          <ConnectionFields values={values} errors={byField} set={set} />
        </fieldset>

        <fieldset>
          <legend>{t('options_observatory')}</legend>
          <TextField
            id="observatory-url"
            label={t('field_observatoryUrl')}
            hint={t('field_observatoryHint')}
            type="url"
            value={values.observatoryUrl}
            error={byField.observatoryUrl}
            onInput={(v) => set('observatoryUrl', v)}
          />
          <CheckboxField
            id="privacy-mode"
            label={t('field_privacyMode')}
            checked={values.privacyMode}
            onChange={(v) => set('privacyMode', v)}
          />
        </fieldset>

        <fieldset>
          <legend>{t('options_checks')}</legend>
          <TextField
            id="check-interval"
            label={t('field_interval')}
            hint={t('field_intervalHint', MIN_CHECK_INTERVAL_MINUTES, MAX_CHECK_INTERVAL_MINUTES)}
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
            label={t('field_notifications')}
            checked={values.notifications}
            onChange={(v) => set('notifications', v)}
          />
        </fieldset>

        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? t('options_saving') : t('options_save')}
          </button>
          <button type="button" class="secondary" onClick={onTest} disabled={test?.kind === 'running'}>
            {t('options_testConnection')}
          </button>
        </div>
        <p aria-live="polite" class="test-result" id="test-result">
          {test?.kind === 'running' && t('options_testing')}
          {test?.kind === 'done' && describeConnectionTest(test.result)}
        </p>
        {access && <p class="error">{access}</p>}
        <p role="status" aria-live="polite" class={notice?.kind === 'saved' ? 'status-ok' : 'error'}>
          {notice?.kind === 'saved' && t('options_saved')}
          {notice?.kind === 'failed' && t('options_saveFailed')}
          {notice?.kind === 'invalid' &&
            (notice.count === 1 ? t('options_invalidOne') : t('options_invalidMany', notice.count))}
        </p>
      </form>
    </main>
  );
}
