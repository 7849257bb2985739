import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice, Notice, Skeleton } from '../../components/Feedback';
import { useApi } from '../../hooks';
import { RULE_TITLES } from '../../labels';

interface RuleSettings {
  settings: Record<string, Record<string, unknown>>;
  overrides: Record<string, Record<string, unknown>>;
}

const WORDS: Record<string, string> = { cpu: 'CPU', p99: 'p99' };

/** `maxAvgCpuPercent` → `Max avg CPU percent`; ratios say they are 0–1. */
function thresholdLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  const hint = /ratio|rate|coverage/i.test(key) ? ' (0–1)' : '';
  return text.charAt(0).toUpperCase() + text.slice(1) + hint;
}

function RuleForm(props: {
  rule: string;
  values: Record<string, unknown>;
  overridden: boolean;
  onSaved: (s: RuleSettings) => void;
}): ReactNode {
  const [draft, setDraft] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(
      Object.entries(props.values).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]),
    ),
  );
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    const body: Record<string, number | boolean> = {};
    for (const [k, v] of Object.entries(draft)) {
      const next = typeof v === 'boolean' ? v : Number(v);
      if (typeof next === 'number' && (v === '' || !Number.isFinite(next))) {
        setError(new Error(`${thresholdLabel(k)}: enter a number`));
        return;
      }
      if (next !== props.values[k]) body[k] = next;
    }
    if (Object.keys(body).length === 0) {
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      props.onSaved(await api.patch<RuleSettings>(`/api/v1/recommendations/settings/${props.rule}`, body));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = RULE_TITLES[props.rule] ?? props.rule;
  return (
    <form
      className="panel stack"
      aria-label={`Thresholds of ${title}`}
      data-rule-settings={props.rule}
      onSubmit={(e) => void submit(e)}
    >
      <div className="panel-head">
        <h3>{title}</h3>
        <span className="muted small">{props.overridden ? 'changed for this organization' : 'defaults'}</span>
      </div>
      <div className="filters">
        {Object.entries(draft).map(([k, v]) =>
          typeof v === 'boolean' ? (
            <label key={k} className="checkbox">
              <input
                type="checkbox"
                checked={v}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.checked })}
              />
              <span>{k === 'enabled' ? 'Rule on' : thresholdLabel(k)}</span>
            </label>
          ) : (
            <label key={k} className="field">
              <span>{thresholdLabel(k)}</span>
              <input
                type="number"
                step="any"
                inputMode="decimal"
                value={v}
                size={8}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
              />
            </label>
          ),
        )}
      </div>
      <ErrorNotice error={error} />
      {saved ? <Notice kind="success">Saved. The next sync applies them.</Notice> : null}
      <div>
        <ActionButton action="org:manage" type="submit" variant="primary" disabled={busy}>
          Save
        </ActionButton>
      </div>
    </form>
  );
}

/** The thresholds every rule uses, with the organization's changes; a manager changes them here. */
export function RuleThresholds(): ReactNode {
  const loaded = useApi<RuleSettings>('/api/v1/recommendations/settings');
  const [mine, setMine] = useState<RuleSettings>();
  const s = mine ?? loaded.data;
  return (
    <details className="panel" data-testid="rule-thresholds">
      <summary>
        <h2 style={{ display: 'inline', fontSize: 16 }}>Rule thresholds</h2>{' '}
        <span className="muted small">when each rule finds a saving; recomputed at the next sync</span>
      </summary>
      <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
      {!s && loaded.loading ? <Skeleton height={120} /> : null}
      {s ? (
        <div className="stack">
          {Object.entries(s.settings).map(([rule, values]) => (
            <RuleForm
              key={rule}
              rule={rule}
              values={values}
              overridden={Object.keys(s.overrides[rule] ?? {}).length > 0}
              onSaved={setMine}
            />
          ))}
        </div>
      ) : null}
    </details>
  );
}
