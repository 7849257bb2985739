import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice, Notice } from '../../components/Feedback';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { useSession } from '../../session';
import type { CloudAccount } from '../../types';
import { serverFieldErrors } from '../connect/account-form-model';

const MIN_MINUTES = 5;
const MAX_MINUTES = 7 * 24 * 60;
const UNITS = [
  { id: 'minutes', label: 'minutes', minutes: 1 },
  { id: 'hours', label: 'hours', minutes: 60 },
  { id: 'days', label: 'days', minutes: 24 * 60 },
] as const;
type Unit = (typeof UNITS)[number]['id'];

interface OrgSchedule {
  syncIntervalMinutes: number | null;
  defaultIntervalMinutes: number;
}

/** 90 → "1 h 30 min", 1440 → "1 day". */
export function intervalText(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [
    days ? `${days} ${days === 1 ? 'day' : 'days'}` : '',
    hours ? `${hours} h` : '',
    mins ? `${mins} min` : '',
  ].filter(Boolean);
  return parts.join(' ');
}

/** The largest unit that expresses the minutes exactly. */
function draftOf(minutes: number | null): { amount: string; unit: Unit } {
  if (minutes === null) return { amount: '6', unit: 'hours' };
  if (minutes % 1440 === 0) return { amount: String(minutes / 1440), unit: 'days' };
  if (minutes % 60 === 0) return { amount: String(minutes / 60), unit: 'hours' };
  return { amount: String(minutes), unit: 'minutes' };
}

/** What is wrong with the typed interval, in words; null when it can be sent. */
function intervalProblem(amount: string, unit: Unit): string | null {
  const n = Number(amount);
  const per = UNITS.find((u) => u.id === unit)?.minutes ?? 1;
  if (amount.trim() === '' || !Number.isFinite(n)) return 'Enter a number.';
  if (!Number.isInteger(n * per)) return 'Enter a whole number of minutes.';
  if (n * per < MIN_MINUTES || n * per > MAX_MINUTES)
    return `Choose from ${MIN_MINUTES} minutes to ${intervalText(MAX_MINUTES)}.`;
  return null;
}

/**
 * How often this account syncs on its own: the organization's schedule, or an interval of its own (5 minutes to
 * 7 days). Saving moves the next scheduled sync; a value out of range is named at its field, by this form or by
 * the API.
 */
export function SyncSchedule(props: { account: CloudAccount; onChanged: () => void }): ReactNode {
  const { account } = props;
  const session = useSession();
  const org = useApi<OrgSchedule>('/api/v1/sync-settings');
  const id = useId();
  const own = account.syncIntervalMinutes;
  const [mode, setMode] = useState<'organization' | 'own'>(own === null ? 'organization' : 'own');
  const [draft, setDraft] = useState(() => draftOf(own));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = session.can('accounts:write');
  const orgMinutes = org.data ? (org.data.syncIntervalMinutes ?? org.data.defaultIntervalMinutes) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    let minutes: number | null = null;
    if (mode === 'own') {
      const problem = intervalProblem(draft.amount, draft.unit);
      if (problem) {
        setErrors({ syncIntervalMinutes: problem });
        return;
      }
      minutes = Number(draft.amount) * (UNITS.find((u) => u.id === draft.unit)?.minutes ?? 1);
    }
    setErrors({});
    setBusy(true);
    try {
      await api.patch(`/api/v1/cloud-accounts/${account.id}/sync-settings`, { syncIntervalMinutes: minutes });
      setSaved(true);
      props.onChanged();
    } catch (err) {
      const byField = serverFieldErrors(err);
      if (Object.keys(byField).length > 0) setErrors(byField);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = errors.syncIntervalMinutes;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sync schedule</h2>
      <p className="muted small">
        {account.enabled ? (
          <>
            Next scheduled sync: <span data-testid="next-sync">{dateTime(account.status.nextSyncAt)}</span>.
          </>
        ) : (
          'The account is disabled: no scheduled syncs.'
        )}{' '}
        Now {own === null ? 'following the organization' : `every ${intervalText(own)}`}.
      </p>
      {!editable ? <Notice>{session.reason('accounts:write')}</Notice> : null}
      <form className="stack" aria-label="Sync schedule" noValidate onSubmit={(e) => void submit(e)}>
        <fieldset disabled={!editable || busy} className="plain-fieldset stack">
          <legend className="sr-only">How often this account syncs</legend>
          <label className="checkbox">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'organization'}
              onChange={() => setMode('organization')}
            />
            <span>
              Follow the organization
              {orgMinutes !== null ? ` (every ${intervalText(orgMinutes)})` : ''}
            </span>
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'own'}
              onChange={() => setMode('own')}
            />
            <span>Its own interval</span>
          </label>
          {mode === 'own' ? (
            <div className="filters">
              <div className="field">
                <label htmlFor={`${id}-amount`}>Sync every</label>
                <input
                  id={`${id}-amount`}
                  name="syncIntervalMinutes"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  size={6}
                  value={draft.amount}
                  aria-invalid={fieldError ? true : undefined}
                  aria-describedby={`${id}-help ${id}-error`}
                  onChange={(e) => setDraft({ ...draft, amount: e.target.value })}
                />
                {fieldError ? (
                  <span id={`${id}-error`} className="field-error" role="alert">
                    {fieldError}
                  </span>
                ) : null}
                <span id={`${id}-help`} className="field-help">
                  From {MIN_MINUTES} minutes to {intervalText(MAX_MINUTES)}.
                </span>
              </div>
              <div className="field">
                <label htmlFor={`${id}-unit`}>Unit</label>
                <select
                  id={`${id}-unit`}
                  value={draft.unit}
                  onChange={(e) => setDraft({ ...draft, unit: e.target.value as Unit })}
                >
                  {UNITS.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          ) : null}
        </fieldset>
        <ErrorNotice error={error} />
        {saved ? <Notice kind="success">Saved. The next scheduled sync moved to match.</Notice> : null}
        <div>
          <ActionButton action="accounts:write" type="submit" variant="primary" disabled={busy}>
            Save schedule
          </ActionButton>
        </div>
      </form>
    </section>
  );
}
