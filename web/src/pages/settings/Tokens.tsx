import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { CodeBlock } from '../../components/CopyButton';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { dateTime, relative } from '../../format';
import { useApi } from '../../hooks';
import type { ApiToken } from '../../types';

function tokenState(t: ApiToken): string {
  if (t.revokedAt) return 'Revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() < Date.now()) return 'Expired';
  return 'Active';
}

export function TokensPanel(): ReactNode {
  const tokens = useApi<{ items: ApiToken[] }>('/api/v1/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [readOnly, setReadOnly] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const t = await api.post<{ id: string; name: string; token: string }>('/api/v1/tokens', {
        name,
        expiresInDays: days ? Number(days) : undefined,
        readOnly,
      });
      setCreated(t);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="tokens-title">
      <div className="panel-head">
        <h2 id="tokens-title">Your API tokens</h2>
      </div>
      <p className="muted">
        Tokens act as you in this organization, for the REST API (<code>Authorization: Bearer …</code>), the
        CLI (<code>CLOUDTALLY_TOKEN</code>) and MCP.
      </p>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label className="field">
          <span>Token name</span>
          <input
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. ci"
          />
        </label>
        <label className="field">
          <span>Expires</span>
          <select value={days} onChange={(e) => setDays(e.target.value)}>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
          <span>
            Read-only <span className="muted small">— may read, never change anything (for assistants)</span>
          </span>
        </label>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          Create token
        </button>
      </form>
      <ErrorNotice error={error} />
      {created ? (
        <Notice kind="success">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <CodeBlock title="Token" text={created.token} />
        </Notice>
      ) : null}
      <ErrorNotice error={tokens.error} onRetry={tokens.reload} />
      {tokens.loading && !tokens.data ? <Loading what="tokens" /> : null}
      {tokens.data?.items.length === 0 ? <Empty title="No tokens yet" /> : null}
      {tokens.data && tokens.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{tokenState(t)}</td>
                <td>{t.readOnly ? 'Read-only' : 'Read and write'}</td>
                <td title={dateTime(t.createdAt)}>{relative(t.createdAt)}</td>
                <td title={dateTime(t.lastUsedAt)}>{t.lastUsedAt ? relative(t.lastUsedAt) : 'never'}</td>
                <td>{t.expiresAt ? dateTime(t.expiresAt) : 'never'}</td>
                <td className="actions">
                  {tokenState(t) === 'Active' ? (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost-danger"
                      onClick={() => setRevoking(t)}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title="Revoke token"
          confirmLabel="Revoke"
          danger
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await api.del(`/api/v1/tokens/${revoking.id}`);
            tokens.reload();
          }}
        >
          <p>Anything using the token “{revoking.name}” stops working at once.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
