import { useState, type ReactNode } from 'react';
import { api, errorMessage } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { money } from '../../format';
import type { CostBasis } from '../../types';
import { conditionText, outcomeText, type Definition, type Dimension, type Preview } from './types';

const TEMPLATE: Definition = {
  name: 'team',
  description: '',
  defaultValue: 'Unallocated',
  tagAliases: { 'user:team': ['Team', 'owner'] },
  valueAliases: {},
  rules: [
    { name: 'team tag', conditions: [], valueFromTag: 'user:team' },
    {
      name: 'tax by spend',
      conditions: [{ field: 'chargeCategory', operator: 'in', values: ['Tax'] }],
      share: { method: 'proportional' },
    },
  ],
};

const savedText = (name: string) => `Saved ${name}: it is being applied to all retained data.`;

/**
 * The rules in order, the shared-cost splits among them, and an editor that previews a change before saving it.
 * The page mounts the panel afresh per dimension and version (its key), so the editor starts from the saved one;
 * whether this version was just saved here comes from the page (`justSaved`) and survives that remount, until an
 * edit hides it.
 */
export function RulesPanel(props: {
  dimension: Dimension | undefined;
  basis: CostBasis;
  justSaved: boolean;
  onSaved: (saved: Dimension) => void;
}): ReactNode {
  const def = props.dimension?.definition;
  const [text, setText] = useState(() => JSON.stringify(def ?? TEMPLATE, null, 2));
  const [preview, setPreview] = useState<Preview>();
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string }>();
  const [edited, setEdited] = useState(false);
  const [busy, setBusy] = useState(false);

  const parsed = (): Definition | undefined => {
    try {
      return JSON.parse(text) as Definition;
    } catch (err) {
      setMessage({ kind: 'error', text: `The definition is not JSON: ${errorMessage(err)}` });
      return undefined;
    }
  };
  const run = async (fn: (d: Definition) => Promise<void>) => {
    const d = parsed();
    if (!d) return;
    setBusy(true);
    setMessage(undefined);
    try {
      await fn(d);
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const doPreview = () =>
    run(async (d) =>
      setPreview(
        await api.post<Preview>('/api/v1/allocation/preview', { definition: d, basis: props.basis }),
      ),
    );
  const save = () =>
    run(async (d) => {
      const existing = props.dimension && props.dimension.name === d.name;
      const stored = existing
        ? await api.put<Dimension>(`/api/v1/allocation/dimensions/${encodeURIComponent(d.name)}`, d)
        : await api.post<Dimension>('/api/v1/allocation/dimensions', d);
      setEdited(false);
      setMessage({ kind: 'ok', text: savedText(stored.name) });
      props.onSaved(stored);
    });
  const shown =
    message ??
    (props.justSaved && !edited && def ? { kind: 'ok' as const, text: savedText(def.name) } : undefined);

  const shares = (def?.rules ?? []).map((r, i) => ({ r, i })).filter(({ r }) => r.share);
  return (
    <section className="panel" aria-labelledby="rules-title">
      <div className="panel-head">
        <h2 id="rules-title">{def ? `Rules of ${def.name}` : 'New dimension'}</h2>
      </div>
      {def ? (
        <>
          <p className="muted small">First match wins; the rest gets “{def.defaultValue}”.</p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Rules">
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Rule</th>
                  <th>When</th>
                  <th>Gives</th>
                </tr>
              </thead>
              <tbody>
                {def.rules.map((r, i) => (
                  <tr key={i}>
                    <td className="num">{i + 1}</td>
                    <td className="wrap">{r.name ?? ''}</td>
                    <td className="wrap">
                      {r.conditions.length ? r.conditions.map(conditionText).join(' and ') : 'always'}
                    </td>
                    <td className="wrap">{outcomeText(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Shared-cost splits</h3>
          {shares.length ? (
            <ul data-testid="shared-splits">
              {shares.map(({ r, i }) => (
                <li key={i}>
                  Rule {i + 1}
                  {r.name ? ` (${r.name})` : ''}: {outcomeText(r)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No rule splits a shared cost.</p>
          )}
        </>
      ) : null}
      <label className="field">
        <span>Definition (JSON)</span>
        <textarea
          rows={14}
          spellCheck={false}
          value={text}
          onChange={(e) => {
            setEdited(true);
            setMessage(undefined);
            setText(e.target.value);
          }}
          className="allocation-editor"
        />
      </label>
      <div className="row">
        <button type="button" className="btn" onClick={() => void doPreview()} disabled={busy}>
          Preview
        </button>
        <ActionButton action="org:manage" variant="primary" onClick={() => void save()} disabled={busy}>
          Save
        </ActionButton>
      </div>
      {shown ? (
        <p
          role={shown.kind === 'error' ? 'alert' : 'status'}
          className={shown.kind === 'error' ? 'allocation-error' : ''}
        >
          {shown.text}
        </p>
      ) : null}
      {preview ? (
        <div data-testid="preview">
          <p>
            From {preview.from} to {preview.to}: {money(preview.moved, preview.currency)} of{' '}
            {money(preview.total, preview.currency)} would change value.
          </p>
          {preview.moves.length ? (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Spend that would move">
              <table className="table">
                <thead>
                  <tr>
                    <th>From</th>
                    <th>To</th>
                    <th className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.moves.map((m) => (
                    <tr key={`${m.from}|${m.to}`}>
                      <td className="wrap">{m.from}</td>
                      <td className="wrap">{m.to}</td>
                      <td className="num">{money(m.cost, preview.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
