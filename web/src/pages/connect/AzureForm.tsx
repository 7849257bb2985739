import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from '../../components/Feedback';
import type { CloudAccount } from '../../types';
import { serverFieldErrors } from './account-form-model';

export interface AzureValues {
  name: string;
  scopeType: 'subscription' | 'managementGroup' | 'billingAccount';
  scopeId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  storageAccount: string;
  blobEndpoint: string;
  container: string;
  directory: string;
  exportName: string;
  dataset: '' | 'focus' | 'actual' | 'amortized';
  authorityHost: string;
}
type TextField = Exclude<keyof AzureValues, 'scopeType' | 'dataset'>;

export const AZURE_EMPTY: AzureValues = {
  name: '',
  scopeType: 'subscription',
  scopeId: '',
  tenantId: '',
  clientId: '',
  clientSecret: '',
  storageAccount: '',
  blobEndpoint: '',
  container: '',
  directory: '',
  exportName: '',
  dataset: '',
  authorityHost: '',
};

/** A saved connection's fields (the secret is never answered: blank keeps the stored one). */
export function azureValuesOf(a: CloudAccount): AzureValues {
  const f = a as unknown as Record<string, string | null | undefined>;
  return {
    ...AZURE_EMPTY,
    name: a.name,
    scopeType: (f.scopeType as AzureValues['scopeType']) ?? 'subscription',
    scopeId: f.scopeId ?? '',
    tenantId: f.tenantId ?? '',
    clientId: f.clientId ?? '',
    blobEndpoint: f.blobEndpoint ?? '',
    container: f.container ?? '',
    directory: f.directory ?? '',
    exportName: f.exportName ?? '',
    dataset: (f.dataset as AzureValues['dataset']) ?? '',
    authorityHost: f.authorityHost ?? '',
  };
}

/** The API body: blank optional fields are left out (the API's defaults and rules apply). */
export function azureBodyOf(v: AzureValues, saved: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = saved ? {} : { provider: 'azure', type: 'cost_export' };
  body.scopeType = v.scopeType;
  for (const k of [
    'name',
    'scopeId',
    'tenantId',
    'clientId',
    'clientSecret',
    'storageAccount',
    'blobEndpoint',
    'container',
    'exportName',
    'dataset',
    'authorityHost',
  ] as const) {
    const value = v[k].trim();
    if (value) body[k] = k === 'clientSecret' ? v[k] : value;
  }
  if (v.storageAccount.trim()) delete body.blobEndpoint;
  body.directory = v.directory.trim();
  return body;
}

function Field(p: {
  name: TextField;
  label: string;
  values: AzureValues;
  errors: Record<string, string>;
  set: (name: TextField, value: string) => void;
  help?: ReactNode;
  placeholder?: string;
  required?: boolean;
  type?: string;
}): ReactNode {
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

const SCOPES: { id: AzureValues['scopeType']; label: string; placeholder: string }[] = [
  { id: 'subscription', label: 'Subscription', placeholder: '00000000-0000-0000-0000-000000000000' },
  { id: 'managementGroup', label: 'Management group', placeholder: 'contoso-root' },
  { id: 'billingAccount', label: 'Billing account', placeholder: '12345678:abcd…_2019-05-31' },
];

/** The Azure connection's fields; the API checks them and its answer is shown at the field it names. */
export function AzureForm(props: {
  initial: AzureValues;
  saved: boolean;
  submitLabel: string;
  onBack: () => void;
  onSubmit: (body: Record<string, unknown>, values: AzureValues) => Promise<void>;
}): ReactNode {
  const [values, setValues] = useState<AzureValues>(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const scopeId = useId();
  const datasetId = useId();
  const set = (name: keyof AzureValues, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: '' }));
  };
  const common = { values, errors, set };
  const scope = SCOPES.find((s) => s.id === values.scopeType) ?? SCOPES[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitError(undefined);
    setPending(true);
    try {
      await props.onSubmit(azureBodyOf(values, props.saved), values);
    } catch (err) {
      setErrors(serverFieldErrors(err));
      setSubmitError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form
      className="stack"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Azure connection settings"
    >
      <div className="form-grid">
        <Field {...common} name="name" label="Name" placeholder="e.g. Contoso production" required />
        <div className="field">
          <label htmlFor={scopeId}>Scope of the export</label>
          <select id={scopeId} value={values.scopeType} onChange={(e) => set('scopeType', e.target.value)}>
            {SCOPES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <Field
          {...common}
          name="scopeId"
          label={`${scope.label} ID`}
          placeholder={scope.placeholder}
          required
          help="The ID only, not an ARM path."
        />
        <Field
          {...common}
          name="tenantId"
          label="Directory (tenant) ID"
          placeholder="00000000-0000-0000-0000-000000000000"
          required
        />
        <Field
          {...common}
          name="clientId"
          label="Application (client) ID"
          placeholder="00000000-0000-0000-0000-000000000000"
          required
        />
        <Field
          {...common}
          name="clientSecret"
          label="Client secret"
          type="password"
          required={!props.saved}
          help={
            props.saved
              ? 'Leave blank to keep the stored secret.'
              : 'The secret’s Value (not its ID); kept in the secret vault, never shown again.'
          }
        />
        <Field
          {...common}
          name="storageAccount"
          label="Storage account"
          placeholder="contosocosts"
          help="The account the export writes to (or a blob endpoint under Advanced)."
        />
        <Field {...common} name="container" label="Container" placeholder="exports" required />
        <Field
          {...common}
          name="directory"
          label="Directory"
          placeholder="costs"
          help="The export’s folder inside the container."
        />
        <Field {...common} name="exportName" label="Export name" placeholder="daily-focus" required />
        <div className="field">
          <label htmlFor={datasetId}>Export type</label>
          <select id={datasetId} value={values.dataset} onChange={(e) => set('dataset', e.target.value)}>
            <option value="">Read from the export’s manifest</option>
            <option value="focus">Cost and usage details (FOCUS)</option>
            <option value="actual">Actual cost</option>
            <option value="amortized">Amortized cost</option>
          </select>
        </div>
      </div>
      <details>
        <summary>Advanced: blob endpoint and sovereign clouds</summary>
        <div className="form-grid">
          <Field
            {...common}
            name="blobEndpoint"
            label="Blob endpoint"
            placeholder="https://contosocosts.blob.core.windows.net"
            help="Instead of the storage account: a private endpoint or another cloud’s."
          />
          <Field
            {...common}
            name="authorityHost"
            label="Entra ID authority"
            placeholder="https://login.microsoftonline.com"
            help="Only for a sovereign cloud, e.g. https://login.microsoftonline.us."
          />
        </div>
      </details>
      <ErrorNotice error={submitError} />
      <div className="row">
        <button type="button" className="btn" onClick={props.onBack}>
          Back
        </button>
        <span className="spacer" />
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Checking…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
