import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { AWS_REGIONS } from '../../../../src/providers/aws/sdk/regions.js';
import { ErrorNotice } from '../../components/Feedback';
import type { ConnectionType } from '../../types';
import {
  bodyOf,
  checkBody,
  checkField,
  serverFieldErrors,
  visibleFields,
  type FieldName,
  type FormValues,
} from './account-form-model';

interface FieldProps {
  name: FieldName;
  label: string;
  help?: ReactNode;
  values: FormValues;
  errors: Record<string, string>;
  set: (name: FieldName, value: string) => void;
  blur: (name: FieldName) => void;
  type?: string;
  placeholder?: string;
  autoComplete?: string;
  required?: boolean;
  disabled?: boolean;
  span?: boolean;
}

function Field(p: FieldProps): ReactNode {
  const id = useId();
  const error = p.errors[p.name];
  return (
    <div className={`field ${p.span ? 'span-2' : ''}`}>
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
        autoComplete={p.autoComplete ?? 'off'}
        spellCheck={false}
        required={p.required}
        disabled={p.disabled}
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

/**
 * The connection's fields for its type. Each field is checked with the API's own rules as the user leaves it,
 * the cross-field rules on submit, and the API's answer is shown at the field it names.
 */
export function AccountForm(props: {
  type: ConnectionType;
  mode: 'create' | 'edit';
  initial: FormValues;
  submitLabel: string;
  /** Gets the request body and the form's values (to show them again after a refused attempt). */
  onSubmit: (body: Record<string, unknown>, values: FormValues) => Promise<void>;
  onBack?: () => void;
  /** Edit mode: stored secrets are not shown; leaving them blank keeps them. */
  hasStoredKey?: boolean;
}): ReactNode {
  const { type, mode } = props;
  const [values, setValues] = useState<FormValues>(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const show = visibleFields(type, values);
  const set = (name: keyof FormValues, value: string | boolean) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (typeof value === 'string' && errors[name])
      setErrors((e) => ({ ...e, [name]: checkField(name as FieldName, value) ?? '' }));
  };
  const blur = (name: FieldName) =>
    setErrors((e) => ({ ...e, [name]: checkField(name, values[name]) ?? '' }));
  const common = { values, errors, set: set as (n: FieldName, v: string) => void, blur };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitError(undefined);
    const body = bodyOf(type, values, mode);
    const found = checkBody(body, mode);
    if (Object.keys(found).length) {
      setErrors(found);
      return;
    }
    setPending(true);
    try {
      await props.onSubmit(body, values);
    } catch (err) {
      const fieldErrors = serverFieldErrors(err);
      setErrors(fieldErrors);
      setSubmitError(err);
    } finally {
      setPending(false);
    }
  };
  const formLevel = Object.entries(errors).filter(
    ([k, v]) =>
      v &&
      ![
        'name',
        'awsAccountId',
        'roleName',
        'roleArn',
        'accessKeyId',
        'secretAccessKey',
        'exportName',
        'bucket',
        'prefix',
        'exportRegion',
        'payerAccountId',
      ].includes(k),
  );

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Account settings">
      <div className="form-grid">
        <Field
          {...common}
          name="name"
          label="Name"
          placeholder="e.g. Production"
          help="How the account is shown in Cloudtally."
        />
        {show.awsAccountId ? (
          <Field
            {...common}
            name="awsAccountId"
            label="AWS account ID"
            placeholder="123456789012"
            required={mode === 'create'}
            disabled={mode === 'edit'}
            help={
              mode === 'edit'
                ? 'The account ID stays as connected.'
                : '12 digits; dashes as the console shows them are fine.'
            }
          />
        ) : null}
        {show.payer && mode === 'create' ? (
          <Field
            {...common}
            name="payerAccountId"
            label="Payer account"
            placeholder="AWS account ID of the payer"
            help="The management account whose export carries this account’s billing."
          />
        ) : null}
        {type === 'linked' ? (
          <fieldset className="field span-2">
            <legend>Access for resources and utilization</legend>
            <div className="row">
              {(
                [
                  ['keys', 'Access key of a read-only IAM user'],
                  ['role', 'An IAM role Cloudtally assumes'],
                  ['none', 'None: billing only, through the payer'],
                ] as const
              ).map(([id, label]) => (
                <label key={id} className="radio">
                  <input
                    type="radio"
                    name="credentials"
                    checked={values.credentials === id}
                    onChange={() => set('credentials', id)}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        {show.roleName ? (
          <Field
            {...common}
            name="roleName"
            label="Role name"
            placeholder="CloudtallyReadOnly"
            required
            help="The name of the role you created, without the arn:aws:iam:: prefix."
          />
        ) : null}
        {show.roleArn ? (
          <Field
            {...common}
            name="roleArn"
            label="Role ARN"
            placeholder="arn:aws:iam::123456789012:role/CloudtallyCostExplorer"
            required
            span
          />
        ) : null}
        {show.keys ? (
          <>
            <Field
              {...common}
              name="accessKeyId"
              label="Access key ID"
              placeholder={mode === 'edit' && props.hasStoredKey ? 'unchanged' : 'AKIA…'}
              required={mode === 'create'}
            />
            <Field
              {...common}
              name="secretAccessKey"
              label="Secret access key"
              type="password"
              autoComplete="new-password"
              placeholder={mode === 'edit' && props.hasStoredKey ? 'unchanged' : ''}
              required={mode === 'create'}
              help="Stored encrypted; never shown again."
            />
          </>
        ) : null}
      </div>
      {type === 'linked' ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.ownExport}
            onChange={(e) => set('ownExport', e.target.checked)}
          />
          <span>This account has a billing export of its own</span>
        </label>
      ) : null}
      {show.exportFields ? (
        <fieldset className="panel-inset">
          <legend>Billing export</legend>
          <div className="form-grid">
            <div className="field span-2">
              <span>Export type</span>
              <div className="row">
                <label className="radio">
                  <input
                    type="radio"
                    name="exportType"
                    checked={values.exportType === 'cur2'}
                    onChange={() => set('exportType', 'cur2')}
                  />
                  <span>CUR 2.0 (Data Exports)</span>
                </label>
                <label className="radio">
                  <input
                    type="radio"
                    name="exportType"
                    checked={values.exportType === 'legacy'}
                    onChange={() => set('exportType', 'legacy')}
                  />
                  <span>Legacy CUR</span>
                </label>
              </div>
            </div>
            <Field
              {...common}
              name="exportName"
              label="Export name"
              required={show.exportRequired}
              placeholder="cloudtally"
            />
            <Field
              {...common}
              name="bucket"
              label="S3 bucket"
              required={show.exportRequired}
              placeholder="my-billing-bucket"
            />
            <Field
              {...common}
              name="prefix"
              label="S3 prefix"
              placeholder="cur"
              help="The path prefix set on the export; empty if none."
            />
            <div className="field">
              <label htmlFor="export-region">
                Export region<span aria-hidden="true"> *</span>
              </label>
              <select
                id="export-region"
                value={values.exportRegion}
                aria-invalid={errors.exportRegion ? true : undefined}
                onChange={(e) => set('exportRegion', e.target.value)}
              >
                {AWS_REGIONS.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              {errors.exportRegion ? <span className="field-error">{errors.exportRegion}</span> : null}
              <span className="field-help">The bucket’s region.</span>
            </div>
          </div>
        </fieldset>
      ) : null}
      {type !== 'linked' ? (
        <label className="checkbox">
          <input type="checkbox" checked={values.edp} onChange={(e) => set('edp', e.target.checked)} />
          <span>
            Enterprise Discount Program (EDP) or private pricing{' '}
            <span className="muted small">— net cost shows the discounted figures</span>
          </span>
        </label>
      ) : null}
      {show.memberImport ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.importAllMembers}
            onChange={(e) => set('importAllMembers', e.target.checked)}
          />
          <span>
            Import all member accounts{' '}
            <span className="muted small">
              — otherwise only the member accounts connected to Cloudtally are imported
            </span>
          </span>
        </label>
      ) : null}
      {formLevel.map(([k, v]) => (
        <div key={k} className="field-error" role="alert">
          {k}: {v}
        </div>
      ))}
      <ErrorNotice error={submitError} />
      <div className="row">
        {props.onBack ? (
          <button type="button" className="btn" onClick={props.onBack}>
            Back
          </button>
        ) : null}
        <span className="spacer" />
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Working…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
