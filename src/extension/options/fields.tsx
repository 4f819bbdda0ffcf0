// The form fields the settings and the setup share: a label for every control, the hint and the error
// tied to it with aria-describedby, so a screen reader reads them with the field.
import type { ComponentChildren } from 'preact';

export interface TextFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  error?: string | undefined;
  type?: 'text' | 'url' | 'number' | 'password';
  autoComplete?: string;
  inputMode?: 'numeric';
  min?: number;
  max?: number;
  onInput: (value: string) => void;
}

export function TextField({ id, label, hint, error, type = 'text', onInput, ...rest }: TextFieldProps) {
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
      {type === 'password' && <input type="password" {...common} />}
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

export function CheckboxField(props: {
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

export function RadioField(props: {
  id: string;
  name: string;
  label: string;
  checked: boolean;
  onChange: () => void;
  hint?: string | undefined;
}) {
  return (
    <div class="field choice">
      <input
        type="radio"
        id={props.id}
        name={props.name}
        checked={props.checked}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={props.onChange}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}

export interface RadioChoice<V extends string> {
  value: V;
  label: string;
  hint?: string;
}

/** One choice among a few: each radio's id is `name-value`; children follow the radios (an error). */
export function RadioGroup<V extends string>(props: {
  name: string;
  legend: string;
  value: V | null;
  choices: readonly RadioChoice<V>[];
  onChange: (value: V) => void;
  describedBy?: string | undefined;
  children?: ComponentChildren;
}) {
  return (
    <fieldset class="choice" aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      {props.choices.map((choice) => (
        <RadioField
          key={choice.value}
          id={`${props.name}-${choice.value}`}
          name={props.name}
          label={choice.label}
          hint={choice.hint}
          checked={props.value === choice.value}
          onChange={() => props.onChange(choice.value)}
        />
      ))}
      {props.children}
    </fieldset>
  );
}
