// The first-run setup, three steps: the account (with "Test connection"), the observatory (with a test
// that says who answered) and the privacy choice in plain words. Nothing is saved, and so no check
// runs, until the last step's "Save and start"; that click also asks for host access (a user gesture).
import type { TargetedSubmitEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { request, type SendMessage, type TestConnectionResult } from '../shared/messages.ts';
import {
  DEFAULT_SETTINGS,
  defaultPrivacyMode,
  isLoopbackUrl,
  type SettingsError,
} from '../shared/settings.ts';
import { AccountFields, ConnectionFields } from './account-fields.tsx';
import { describeConnectionTest, describeObservatoryProbe } from './describe.ts';
import { RadioGroup, TextField } from './fields.tsx';
import { errorsByField, type FormValues, formFromSettings, validateForm } from './form.ts';
import { dataCollectionFor, hostPatterns } from './host-access.ts';
import type { RequestHostAccess } from './Options.tsx';
import { errorsForStep, SETUP_STEPS, type SetupStep, stepOfFirstError } from './setup-steps.ts';

type Privacy = 'lookups' | 'download' | null;

export function Setup({
  send,
  requestHostAccess,
  optionalDataCollection,
  onDone,
}: {
  send: SendMessage;
  requestHostAccess: RequestHostAccess;
  optionalDataCollection: readonly string[];
  onDone: () => void;
}) {
  const [step, setStep] = useState<SetupStep>('account');
  const [values, setValues] = useState<FormValues>(formFromSettings(DEFAULT_SETTINGS));
  const [privacy, setPrivacy] = useState<Privacy>('lookups');
  const [privacyTouched, setPrivacyTouched] = useState(false);
  const [errors, setErrors] = useState<SettingsError[]>([]);
  const [privacyError, setPrivacyError] = useState(false);
  const [test, setTest] = useState<string | null>(null);
  const [probe, setProbe] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveFailed, setSaveFailed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  // Each step's heading takes the focus, so keyboard and screen-reader users know where they are.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) =>
    setValues({ ...values, [key]: value });
  const byField = errorsByField(errors);
  const index = SETUP_STEPS.indexOf(step);

  const setObservatory = (url: string) => {
    set('observatoryUrl', url);
    setProbe(null);
    // The user's own observatory may learn the contacts' servers; any other one, the user decides.
    if (!privacyTouched) setPrivacy(defaultPrivacyMode(url) === false ? 'lookups' : null);
  };

  const next = (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateForm(values);
    const mine = checked.ok ? [] : errorsForStep(step, checked.errors);
    setErrors(mine);
    if (mine.length > 0) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    const following = SETUP_STEPS[index + 1];
    if (following) setStep(following);
  };

  const onTestConnection = async () => {
    const checked = validateForm(values);
    const mine = checked.ok ? [] : errorsForStep('account', checked.errors);
    setErrors(mine);
    if (!checked.ok) {
      if (mine.length === 0) setTest(t('setup_testNeedsAccount'));
      return;
    }
    void requestHostAccess({ origins: hostPatterns(checked.settings), dataCollection: [] }).catch(
      () => false,
    );
    setTest(t('options_testing'));
    try {
      const result: TestConnectionResult = await request(send, {
        type: 'testConnection',
        settings: checked.settings,
        password: values.password === '' ? null : values.password,
      });
      setTest(describeConnectionTest(result));
    } catch (error) {
      console.error('Hoplight: the connection test did not answer', error);
      setTest(t('test_failed', t('failure_internal')));
    }
  };

  const onTestObservatory = async () => {
    const url = values.observatoryUrl.trim();
    const checked = validateForm(values);
    const mine = checked.ok ? [] : errorsForStep('observatory', checked.errors);
    setErrors(mine);
    if (mine.length > 0) return;
    void requestHostAccess({
      origins: hostPatterns({ ...DEFAULT_SETTINGS, observatoryUrl: url }),
      dataCollection: [],
    }).catch(() => false);
    setProbe(t('setup_probing'));
    try {
      setProbe(describeObservatoryProbe(await request(send, { type: 'testObservatory', url }), url));
    } catch (error) {
      console.error('Hoplight: the observatory test did not answer', error);
      setProbe(describeObservatoryProbe({ kind: 'none' }, url));
    }
  };

  const save = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (privacy === null) {
      setPrivacyError(true);
      event.currentTarget.querySelector<HTMLInputElement>('input[type="radio"]')?.focus();
      return;
    }
    const checked = validateForm({ ...values, privacyMode: privacy === 'download' });
    if (!checked.ok) {
      setErrors(checked.errors);
      setStep(stepOfFirstError(checked.errors) ?? 'account');
      return;
    }
    // Before any await: the browser grants host access only inside the click's user gesture.
    const answered = requestHostAccess({
      origins: hostPatterns(checked.settings),
      dataCollection: dataCollectionFor(checked.settings, optionalDataCollection),
    }).catch(() => false);
    setSaving(true);
    setSaveFailed(false);
    try {
      const result = await request(send, { type: 'saveSettings', settings: checked.settings });
      if (!result.saved) {
        setErrors(result.errors);
        setStep(stepOfFirstError(result.errors) ?? 'account');
        return;
      }
      if (values.password !== '') {
        await request(send, {
          type: 'saveCredentials',
          password: values.password,
          remember: values.remember,
        });
        // The first check, once the host-access prompt is answered (Firefox blocks http(s) without it).
        void answered.then(() => request(send, { type: 'runCheck', trigger: 'refresh' })).catch(() => {});
      }
      onDone();
    } catch (error) {
      console.error('Hoplight: could not save the setup', error);
      setSaveFailed(true);
    } finally {
      setSaving(false);
    }
  };

  const back = () => {
    const previous = SETUP_STEPS[index - 1];
    if (previous) setStep(previous);
  };

  return (
    <main class="setup">
      <h1>{t('setup_title')}</h1>
      <ol class="steps" aria-label={t('setup_stepsLabel')}>
        {SETUP_STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} class={s === step ? 'current' : ''}>
            {t('setup_stepOf', i + 1, SETUP_STEPS.length, stepTitle(s))}
          </li>
        ))}
      </ol>
      <h2 ref={heading} tabIndex={-1}>
        {stepTitle(step)}
      </h2>

      {step === 'account' && (
        <form onSubmit={next} noValidate>
          <p>{t('setup_accountIntro')}</p>
          <AccountFields values={values} errors={byField} set={set} passwordHint={t('setup_passwordHint')} />
          <ConnectionFields values={values} errors={byField} set={set} />
          <div class="actions">
            <button type="button" class="secondary" onClick={onTestConnection}>
              {t('options_testConnection')}
            </button>
            <button type="submit">{t('setup_next')}</button>
          </div>
          <p aria-live="polite" class="test-result" id="test-result">
            {test}
          </p>
        </form>
      )}

      {step === 'observatory' && (
        <form onSubmit={next} noValidate>
          <p>{t('setup_observatoryIntro')}</p>
          <TextField
            id="observatory-url"
            type="url"
            label={t('field_observatoryUrl')}
            hint={t('setup_observatoryHint')}
            value={values.observatoryUrl}
            error={byField.observatoryUrl}
            onInput={setObservatory}
          />
          <div class="actions">
            <button type="button" class="secondary" onClick={back}>
              {t('setup_back')}
            </button>
            <button type="button" class="secondary" onClick={onTestObservatory}>
              {t('setup_testObservatory')}
            </button>
            <button type="submit">{t('setup_next')}</button>
          </div>
          <p aria-live="polite" class="test-result" id="probe-result">
            {probe}
          </p>
        </form>
      )}

      {step === 'privacy' && (
        <form onSubmit={save} noValidate>
          <RadioGroup
            name="privacy"
            legend={t('setup_privacyQuestion')}
            value={privacy}
            choices={[
              { value: 'lookups', label: t('setup_privacyLookups'), hint: t('setup_privacyLookupsHint') },
              { value: 'download', label: t('setup_privacyDownload'), hint: t('setup_privacyDownloadHint') },
            ]}
            describedBy={privacyError ? 'privacy-error' : undefined}
            onChange={(v) => {
              setPrivacy(v);
              setPrivacyTouched(true);
              setPrivacyError(false);
            }}
          />
          <p class="hint">
            {isLoopbackUrl(values.observatoryUrl) ? t('setup_privacyOwn') : t('setup_privacyOther')}
          </p>
          {privacyError && (
            <p id="privacy-error" class="field-error" role="alert">
              {t('setup_privacyRequired')}
            </p>
          )}
          <div class="actions">
            <button type="button" class="secondary" onClick={back}>
              {t('setup_back')}
            </button>
            <button type="submit" disabled={saving}>
              {saving ? t('options_saving') : t('setup_save')}
            </button>
          </div>
          {saveFailed && (
            <p role="alert" class="error">
              {t('options_saveFailed')}
            </p>
          )}
        </form>
      )}
    </main>
  );
}

function stepTitle(step: SetupStep): string {
  if (step === 'account') return t('setup_stepAccount');
  if (step === 'observatory') return t('setup_stepObservatory');
  return t('setup_stepPrivacy');
}

function focusFirstInvalid(form: HTMLFormElement): void {
  // After the render that marks the fields: the next frame.
  requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
