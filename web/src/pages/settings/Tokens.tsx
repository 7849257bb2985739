import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { CodeBlock } from '../../components/CopyButton';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmedRowAction } from '../../components/ConfirmedRowAction';
import { dateTime, relative } from '../../format';
import { useApi, type Loaded } from '../../hooks';
import { useSession } from '../../session';
import type { ApiToken } from '../../types';

function tokenState(t: ApiToken): string {
  if (t.revokedAt) return 'Revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() < Date.now()) return 'Expired';
  return 'Active';
}

/** Tokens in a table, each active one with a Revoke button; `withOwner` adds whose token it is. */
function TokenTable(props: {
  label: string;
  tokens: ApiToken[];
  withOwner?: boolean;
  onRevoked: () => void;
}): ReactNode {
  return (
    <div className="table-wrap" tabIndex={0} aria-label={props.label}>
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            {props.withOwner ? <th>Member</th> : null}
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
          {props.tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              {props.withOwner ? <td>{t.owner}</td> : null}
              <td>{tokenState(t)}</td>
              <td>{t.readOnly ? 'Read-only' : 'Read and write'}</td>
              <td title={dateTime(t.createdAt)}>{relative(t.createdAt)}</td>
              <td title={dateTime(t.lastUsedAt)}>{t.lastUsedAt ? relative(t.lastUsedAt) : 'never'}</td>
              <td>{t.expiresAt ? dateTime(t.expiresAt) : 'never'}</td>
              <td className="actions">
                {tokenState(t) === 'Active' ? (
                  <ConfirmedRowAction
                    label="Revoke"
                    accessibleName={props.withOwner ? `Revoke ${t.owner}’s token ${t.name}` : undefined}
                    title="Revoke token"
                    onConfirm={async () => {
                      await api.del(`/api/v1/tokens/${t.id}`);
                      props.onRevoked();
                    }}
                  >
                    <p>
                      Anything using the token “{t.name}”{props.withOwner ? ` of ${t.owner}` : ''} stops
                      working at once.
                    </p>
                  </ConfirmedRowAction>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every member's tokens in the organization, for its managers: any of them can be revoked here. */
function OrganizationTokens(props: {
  tokens: Loaded<{ items: ApiToken[] }>;
  onRevoked: () => void;
}): ReactNode {
  const { tokens } = props;
  return (
    <section className="panel" aria-labelledby="org-tokens-title">
      <div className="panel-head">
        <h2 id="org-tokens-title">The organization’s API tokens</h2>
      </div>
      <p className="muted">
        Every member’s tokens in this organization. Revoke one a member no longer needs.
      </p>
      <ErrorNotice error={tokens.error} onRetry={tokens.reload} />
      {tokens.loading && !tokens.data ? <Loading what="the organization’s tokens" /> : null}
      {tokens.data?.items.length === 0 ? <Empty title="No tokens in this organization" /> : null}
      {tokens.data && tokens.data.items.length > 0 ? (
        <TokenTable
          label="The organization’s API tokens"
          tokens={tokens.data.items}
          withOwner
          onRevoked={() => {
            tokens.reload();
            props.onRevoked();
          }}
        />
      ) : null}
    </section>
  );
}

export function TokensPanel(): ReactNode {
  const session = useSession();
  const manager = session.can('org:manage');
  const own = useApi<{ items: ApiToken[] }>('/api/v1/tokens');
  const organization = useApi<{ items: ApiToken[] }>(manager ? '/api/v1/organization/tokens' : null);
  return (
    <>
      <OwnTokens tokens={own} onChanged={organization.reload} />
      {manager ? <OrganizationTokens tokens={organization} onRevoked={own.reload} /> : null}
    </>
  );
}

function OwnTokens(props: { tokens: Loaded<{ items: ApiToken[] }>; onChanged: () => void }): ReactNode {
  const { tokens } = props;
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [readOnly, setReadOnly] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
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
      props.onChanged();
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
        <TokenTable
          label="Your API tokens"
          tokens={tokens.data.items}
          onRevoked={() => {
            tokens.reload();
            props.onChanged();
          }}
        />
      ) : null}
    </section>
  );
}
