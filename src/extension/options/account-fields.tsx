// The account and connection fields the first-run setup and the settings share, so that both ask the
// same way and the tests and the screen reader find the same ids in each.
import { t } from '../shared/i18n.ts';
import type { SettingsField } from '../shared/settings.ts';
import { CheckboxField, RadioGroup, TextField } from './fields.tsx';
import type { FormValues } from './form.ts';

type SetValue = <K extends keyof FormValues>(key: K, value: FormValues[K]) => void;

interface SharedProps {
  values: FormValues;
  errors: Partial<Record<SettingsField, string>>;
  set: SetValue;
}

/** The JID, the password and "remember me"; each form words the password's hint its own way. */
export function AccountFields({ values, errors, set, passwordHint }: SharedProps & { passwordHint: string }) {
  return (
    <>
      <TextField
        id="jid"
        label={t('field_jid')}
        hint={t('field_jidHint')}
        value={values.jid}
        error={errors.jid}
        autoComplete="username"
        onInput={(v) => set('jid', v)}
      />
      <TextField
        id="password"
        type="password"
        label={t('field_password')}
        hint={passwordHint}
        value={values.password}
        autoComplete="current-password"
        onInput={(v) => set('password', v)}
      />
      <CheckboxField
        id="remember"
        label={t('field_remember')}
        checked={values.remember}
        onChange={(v) => set('remember', v)}
      />
    </>
  );
}

/** The transport and the endpoint: found automatically, or a URL whose hint follows the transport. */
export function ConnectionFields({ values, errors, set }: SharedProps) {
  return (
    <>
      <RadioGroup
        name="transport"
        legend={t('field_transport')}
        value={values.transport}
        choices={[
          { value: 'websocket', label: t('field_websocket') },
          { value: 'bosh', label: t('field_bosh') },
        ]}
        onChange={(v) => set('transport', v)}
      >
        {errors.transport && <p class="field-error">{errors.transport}</p>}
      </RadioGroup>
      <RadioGroup
        name="endpoint-mode"
        legend={t('field_endpoint')}
        value={values.endpointMode}
        choices={[
          { value: 'auto', label: t('field_endpointAuto') },
          { value: 'url', label: t('field_endpointUrlChoice') },
        ]}
        onChange={(v) => set('endpointMode', v)}
      />
      {values.endpointMode === 'url' && (
        <TextField
          id="endpoint-url"
          label={t('field_endpointUrl')}
          hint={
            values.transport === 'websocket' ? t('field_endpointHintWebsocket') : t('field_endpointHintBosh')
          }
          type="url"
          value={values.endpointUrl}
          error={errors.endpointUrl}
          onInput={(v) => set('endpointUrl', v)}
        />
      )}
      {/* An error on the URL stays in sight when the user switched back to automatic. */}
      {values.endpointMode !== 'url' && errors.endpointUrl && <p class="field-error">{errors.endpointUrl}</p>}
    </>
  );
}
