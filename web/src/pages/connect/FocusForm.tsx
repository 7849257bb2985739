import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from '../../components/Feedback';
import {
  checkFocusBody,
  checkFocusField,
  focusBodyOf,
  SERVICES,
  type FocusField,
  type FocusValues,
  type Service,
} from './focus-form-model';
import { serverFieldErrors } from './account-form-model';

interface FieldProps {
  name: FocusField;
  label: string;
  help?: ReactNode;
  values: FocusValues;
  errors: Record<string, string>;
  set: (name: FocusField, value: string) => void;
  blur: (name: FocusField) => void;
  type?: string;
  placeholder?: string;
  required?: boolean;
}

function Field(p: FieldProps): ReactNode {
  const id = useId();
  const error = p.errors[p.name];
  return (
    <div className="field">
      <label htmlFor={id}>
        {p.label}
        {p.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.values[p.name]}
        placeholder={p.placeholder}
        autoComplete="off"
        spellCheck={false}
        required={p.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help ${id}-error`}
        onChange={(e) => p.set(p.name, e.target.value)}
        onBlur={() => p.blur(p.name)}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
      {p.help ? (
        <span id={`${id}-help`} className="field-help">
          {p.help}
        </span>
      ) : null}
    </div>
  );
}

const FIELDS_SHOWN: FocusField[] = [
  'name',
  'endpoint',
  'region',
  'bucket',
  'prefix',
  'accessKeyId',
  'secretAccessKey',
  'billingAccountId',
];

/**
 * Where the FOCUS files are and the key that reads them. Each field is checked with the API's rules as it is
 * left, the cross-field rules on submit, and the API's answer is shown at the field it names.
 */
export function FocusForm(props: {
  initial: FocusValues;
  service: Service;
  /** Editing a saved connection: blank key fields keep the stored key. */
  stored?: FocusValues;
  submitLabel: string;
  onSubmit: (body: Record<string, unknown>, values: FocusValues, service: Service) => Promise<void>;
}): ReactNode {
  const [values, setValues] = useState<FocusValues>(props.initial);
  const [service, setService] = useState<Service>(props.service);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const info = SERVICES.find((s) => s.id === service) ?? SERVICES[0];

  const set = (name: FocusField, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: checkFocusField(name, value) ?? '' }));
  };
  const blur = (name: FocusField) =>
    setErrors((e) => ({ ...e, [name]: checkFocusField(name, values[name]) ?? '' }));
  const choose = (s: Service) => {
    const next = SERVICES.find((x) => x.id === s) ?? SERVICES[0];
    setService(s);
    setValues((v) => ({ ...v, endpoint: next.endpoint, region: next.region }));
    setErrors({});
  };
  const common = { values, errors, set, blur };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitError(undefined);
    const body = focusBodyOf(values, service, props.stored);
    const found = checkFocusBody(body, Boolean(props.stored));
    if (Object.keys(found).length) {
      setErrors(found);
      return;
    }
    setPending(true);
    try {
      await props.onSubmit(body, values, service);
    } catch (err) {
      setErrors(serverFieldErrors(err));
      setSubmitError(err);
    } finally {
      setPending(false);
    }
  };
  const formLevel = Object.entries(errors).filter(([k, v]) => v && !FIELDS_SHOWN.includes(k as FocusField));

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="FOCUS export settings">
      <fieldset className="field">
        <legend>Storage service</legend>
        <div className="choice-grid" role="radiogroup" aria-label="Storage service">
          {SERVICES.map((s) => (
            <label key={s.id} className="choice">
              <input
                type="radio"
                name="service"
                value={s.id}
                checked={service === s.id}
                onChange={() => choose(s.id)}
              />
              <span>
                <span className="choice-title">{s.title}</span>
                <span className="muted small">{s.text}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <Field {...common} name="name" label="Name" placeholder="e.g. GCP FOCUS" required={!props.stored} />
        {service !== 'aws' ? (
          <Field
            {...common}
            name="endpoint"
            label="Endpoint"
            placeholder={info.endpoint || 'https://s3.example.com'}
            required
            help="The service URL only, without the bucket or a path."
          />
        ) : null}
        <Field
          {...common}
          name="region"
          label="Region"
          placeholder={info.region}
          help="The bucket’s region; auto for Cloud Storage and R2."
        />
        <Field {...common} name="bucket" label="Bucket" placeholder="acme-focus" required />
        <Field
          {...common}
          name="prefix"
          label="Prefix"
          placeholder="focus/daily"
          help="The folder the export writes to, inside the bucket."
        />
        <Field
          {...common}
          name="billingAccountId"
          label="Billing account ID"
          help="Optional: the billing account the export covers, when it is one."
        />
        <Field
          {...common}
          name="accessKeyId"
          label={service === 'gcs' ? 'HMAC access ID' : 'Access key ID'}
          required={!props.stored}
          help={props.stored ? 'Leave both key fields blank to keep the stored key.' : undefined}
        />
        <Field
          {...common}
          name="secretAccessKey"
          label={service === 'gcs' ? 'HMAC secret' : 'Secret access key'}
          type="password"
          required={!props.stored}
          help="Kept in the secret vault; never shown again."
        />
      </div>
      {formLevel.map(([k, v]) => (
        <div key={k} className="field-error" role="alert">
          {k}: {v}
        </div>
      ))}
      <ErrorNotice error={submitError} />
      <div className="row">
        <span className="spacer" />
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Checking…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
