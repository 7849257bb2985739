import { useState, type ReactNode } from 'react';
import { FormDialog } from '../../components/Modal';
import { useApi } from '../../hooks';
import {
  EVENT_LABEL,
  notificationsApi,
  type AlertRule,
  type Channel,
  type EventType,
} from '../../notifications-api';

const EVENTS = Object.keys(EVENT_LABEL) as EventType[];

/** The one number each event type can be narrowed by, with its default. */
const NUMBER_PARAM: Partial<Record<EventType, { key: string; label: string; help: string }>> = {
  budget_threshold: {
    key: 'minPercent',
    label: 'Only thresholds at or above (%)',
    help: 'Empty: every threshold',
  },
  cost_anomaly: { key: 'minImpact', label: 'Least cost impact', help: 'In the billing currency; empty: 0' },
  billing_stale: { key: 'hours', label: 'Stale after (hours)', help: 'Empty: 48' },
  commitment_expiring: { key: 'days', label: 'Days before the end', help: 'Empty: 60' },
  recommendation_new: {
    key: 'minMonthlySavings',
    label: 'Least monthly saving',
    help: 'In the billing currency; empty: 0',
  },
};

const IS_SYNC = (t: EventType) => t === 'sync_failed' || t === 'sync_degraded' || t === 'sync_recovered';

const strings = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

function Choices(props: {
  legend: string;
  help?: string;
  options: { id: string; label: string }[];
  chosen: string[];
  onChange: (ids: string[]) => void;
}): ReactNode {
  const toggle = (id: string, on: boolean) =>
    props.onChange(on ? [...props.chosen, id] : props.chosen.filter((c) => c !== id));
  return (
    <fieldset className="field">
      <legend>{props.legend}</legend>
      <div className="choice-list">
        {props.options.map((o) => (
          <label key={o.id} className="checkbox">
            <input
              type="checkbox"
              checked={props.chosen.includes(o.id)}
              onChange={(e) => toggle(o.id, e.target.checked)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {props.help ? <span className="field-help">{props.help}</span> : null}
    </fieldset>
  );
}

/** Creates an alert rule or changes one: the event, its filters, and the channels it goes to. */
export function RuleDialog(props: {
  rule?: AlertRule;
  channels: Channel[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const existing = props.rule;
  const [name, setName] = useState(existing?.name ?? '');
  const [eventType, setEventType] = useState<EventType>(existing?.eventType ?? 'budget_threshold');
  const [channelIds, setChannelIds] = useState<string[]>(existing?.channelIds ?? []);
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const p = existing?.params ?? {};
  const numberParam = NUMBER_PARAM[eventType];
  const [number, setNumber] = useState(
    numberParam && typeof p[numberParam.key] === 'number' ? String(p[numberParam.key]) : '',
  );
  const [kinds, setKinds] = useState<string[]>(strings(p.kinds));
  const [budgetIds, setBudgetIds] = useState<string[]>(strings(p.budgetIds));
  const [accountIds, setAccountIds] = useState<string[]>(strings(p.accountIds));
  const budgets = useApi<{ items: { id: string; name: string }[] }>(
    eventType === 'budget_threshold' ? '/api/v1/budgets' : null,
  );
  const accounts = useApi<{ items: { id: string; name: string }[] }>(
    IS_SYNC(eventType) ? '/api/v1/cloud-accounts' : null,
  );
  const params = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (numberParam && number.trim() !== '') out[numberParam.key] = Number(number);
    if (eventType === 'budget_threshold') {
      if (kinds.length > 0) out.kinds = kinds;
      if (budgetIds.length > 0) out.budgetIds = budgetIds;
    }
    if (IS_SYNC(eventType) && accountIds.length > 0) out.accountIds = accountIds;
    return out;
  };
  const save = async () => {
    const body = { name, params: params(), channelIds, enabled };
    if (existing) await notificationsApi.updateRule(existing.id, body);
    else await notificationsApi.createRule({ ...body, eventType });
    props.onSaved();
  };
  return (
    <FormDialog
      title={existing ? `Edit rule ${existing.name}` : 'Add alert rule'}
      submitLabel={existing ? 'Save' : 'Add rule'}
      pendingLabel="Saving…"
      onSubmit={save}
      onClose={props.onClose}
    >
      <label className="field">
        <span>Name</span>
        <input
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. budget-spend"
        />
      </label>
      <label className="field">
        <span>Event</span>
        <select
          value={eventType}
          disabled={existing !== undefined}
          onChange={(e) => {
            setEventType(e.target.value as EventType);
            setNumber('');
          }}
        >
          {EVENTS.map((t) => (
            <option key={t} value={t}>
              {EVENT_LABEL[t]}
            </option>
          ))}
        </select>
      </label>
      {numberParam ? (
        <label className="field">
          <span>{numberParam.label}</span>
          <input
            type="number"
            min={0}
            step="any"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
          <span className="field-help">{numberParam.help}</span>
        </label>
      ) : null}
      {eventType === 'budget_threshold' ? (
        <>
          <Choices
            legend="Threshold kinds"
            help="None chosen: both"
            options={[
              { id: 'actual', label: 'Actual spend' },
              { id: 'forecast', label: 'Forecast' },
            ]}
            chosen={kinds}
            onChange={setKinds}
          />
          <Choices
            legend="Budgets"
            help="None chosen: every budget"
            options={(budgets.data?.items ?? []).map((b) => ({ id: b.id, label: b.name }))}
            chosen={budgetIds}
            onChange={setBudgetIds}
          />
        </>
      ) : null}
      {IS_SYNC(eventType) ? (
        <Choices
          legend="Accounts"
          help="None chosen: every account"
          options={(accounts.data?.items ?? []).map((a) => ({ id: a.id, label: a.name }))}
          chosen={accountIds}
          onChange={setAccountIds}
        />
      ) : null}
      <Choices
        legend="Send to channels"
        options={props.channels.map((c) => ({ id: c.id, label: c.name }))}
        chosen={channelIds}
        onChange={setChannelIds}
      />
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>Enabled</span>
      </label>
    </FormDialog>
  );
}
