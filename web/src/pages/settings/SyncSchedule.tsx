import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { useApi } from '../../hooks';
import { useSession } from '../../session';

interface SyncSettings {
  syncIntervalMinutes: number | null;
  defaultIntervalMinutes: number;
}

export const INTERVALS = [
  { minutes: 60, label: 'Every hour' },
  { minutes: 180, label: 'Every 3 hours' },
  { minutes: 360, label: 'Every 6 hours' },
  { minutes: 720, label: 'Every 12 hours' },
  { minutes: 1440, label: 'Once a day' },
];

export function intervalLabel(minutes: number): string {
  const known = INTERVALS.find((i) => i.minutes === minutes);
  if (known) return known.label.toLowerCase();
  return minutes % 60 === 0 ? `every ${minutes / 60} hours` : `every ${minutes} minutes`;
}

/** The organization's sync interval; accounts without their own follow it. */
export function SyncSchedule(): ReactNode {
  const session = useSession();
  const settings = useApi<SyncSettings>('/api/v1/sync-settings');
  const [value, setValue] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const s = settings.data;
  const current = value ?? (s?.syncIntervalMinutes === null || !s ? '' : String(s.syncIntervalMinutes));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await api.patch('/api/v1/sync-settings', { syncIntervalMinutes: current ? Number(current) : null });
      setSaved(true);
      settings.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="schedule-title">
      <h2 id="schedule-title">Sync schedule</h2>
      <ErrorNotice error={settings.error} onRetry={settings.reload} />
      {!s && settings.loading ? <Loading /> : null}
      {s ? (
        <form className="inline-form" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>Sync every account</span>
            <select
              value={current}
              disabled={!session.can('org:manage')}
              onChange={(e) => {
                setValue(e.target.value);
                setSaved(false);
              }}
            >
              <option value="">Server default ({intervalLabel(s.defaultIntervalMinutes)})</option>
              {INTERVALS.map((i) => (
                <option key={i.minutes} value={i.minutes}>
                  {i.label}
                </option>
              ))}
              {current && !INTERVALS.some((i) => String(i.minutes) === current) ? (
                <option value={current}>{intervalLabel(Number(current))}</option>
              ) : null}
            </select>
          </label>
          <ActionButton action="org:manage" type="submit" variant="primary">
            Save schedule
          </ActionButton>
        </form>
      ) : null}
      <p className="muted small">
        AWS refreshes billing exports a few times a day, so syncing more often than every few hours rarely
        shows new costs.
      </p>
      {saved ? <Notice kind="success">Saved. Next syncs are rescheduled.</Notice> : null}
      <ErrorNotice error={error} />
    </section>
  );
}
