import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmDialog, FormDialog } from '../../components/Modal';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { useSession } from '../../session';
import type { Member, Role } from '../../types';

const ROLE_OPTIONS: { value: Role; label: string; help: string }[] = [
  {
    value: 'manager',
    label: 'Organization Manager',
    help: 'Everything, including members and cloud accounts',
  },
  { value: 'engineer', label: 'Engineer', help: 'Explore costs, trigger syncs, act on recommendations' },
  { value: 'viewer', label: 'Viewer', help: 'Read only' },
];

function AddMemberDialog(props: { onClose: () => void; onAdded: () => void }): ReactNode {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [mcc, setMcc] = useState(false);
  const submit = async () => {
    await api.post('/api/v1/members', {
      email,
      role,
      name: name || undefined,
      password: password || undefined,
      manageCloudCredentials: mcc || undefined,
    });
    props.onAdded();
  };
  return (
    <FormDialog
      title="Add member"
      submitLabel="Add member"
      pendingLabel="Adding…"
      onSubmit={submit}
      onClose={props.onClose}
    >
      <label className="field">
        <span>E-mail</span>
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <label className="field">
        <span>Name (optional)</span>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset className="field">
        <legend>Role</legend>
        {ROLE_OPTIONS.map((r) => (
          <label key={r.value} className="radio">
            <input
              type="radio"
              name="role"
              value={r.value}
              checked={role === r.value}
              onChange={() => setRole(r.value)}
            />
            <span>
              {r.label} <span className="muted small">— {r.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={mcc} onChange={(e) => setMcc(e.target.checked)} />
        <span>
          Manage Cloud Credentials{' '}
          <span className="muted small">— may connect, change and remove cloud accounts</span>
        </span>
      </label>
      <label className="field">
        <span>
          Initial password (at least 10 characters; used only if the address has no account yet — the person
          joins once they sign in with it, or, with an account already, once they accept)
        </span>
        <input
          type="password"
          autoComplete="new-password"
          minLength={10}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
    </FormDialog>
  );
}

function MemberRow(props: {
  member: Member;
  editable: boolean;
  self: boolean;
  onChanged: () => void;
}): ReactNode {
  const { member } = props;
  const [error, setError] = useState<unknown>();
  const [removing, setRemoving] = useState(false);
  const update = async (patch: Partial<Pick<Member, 'role' | 'manageCloudCredentials'>>) => {
    setError(undefined);
    try {
      await api.patch(`/api/v1/members/${member.id}`, patch);
      props.onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <tr>
      <td>
        <div>{member.name ?? member.email}</div>
        {member.name ? <div className="muted small">{member.email}</div> : null}
        {error ? <ErrorNotice error={error} /> : null}
      </td>
      <td>
        {props.editable ? (
          <select
            aria-label={`Role of ${member.email}`}
            value={member.role}
            onChange={(e) => void update({ role: e.target.value as Role })}
          >
            {ROLE_OPTIONS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        ) : (
          ROLE_OPTIONS.find((r) => r.value === member.role)?.label
        )}
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`Manage Cloud Credentials for ${member.email}`}
          checked={member.role === 'manager' || member.manageCloudCredentials}
          disabled={!props.editable || member.role === 'manager'}
          title={
            member.role === 'manager' ? 'Organization Managers always manage cloud credentials' : undefined
          }
          onChange={(e) => void update({ manageCloudCredentials: e.target.checked })}
        />
      </td>
      <td className="muted">
        {member.status === 'pending' ? 'Pending acceptance' : dateTime(member.joinedAt)}
      </td>
      <td className="actions">
        {props.editable && !props.self ? (
          <button type="button" className="btn btn-small btn-ghost-danger" onClick={() => setRemoving(true)}>
            Remove
          </button>
        ) : null}
        {removing ? (
          <ConfirmDialog
            title="Remove member"
            confirmLabel="Remove member"
            danger
            onClose={() => setRemoving(false)}
            onConfirm={async () => {
              await api.del(`/api/v1/members/${member.id}`);
              props.onChanged();
            }}
          >
            <p>{member.email} loses access to this organization and their API tokens for it are revoked.</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

export function MembersPanel(): ReactNode {
  const session = useSession();
  const members = useApi<{ items: Member[] }>('/api/v1/members');
  const [adding, setAdding] = useState(false);
  const editable = session.can('org:manage');
  return (
    <section className="panel" aria-labelledby="members-title">
      <div className="panel-head">
        <h2 id="members-title">Members and roles</h2>
        <ActionButton action="org:manage" variant="primary" onClick={() => setAdding(true)}>
          Add member
        </ActionButton>
      </div>
      {!editable ? <Notice>{session.reason('org:manage')}</Notice> : null}
      <ErrorNotice error={members.error} onRetry={members.reload} />
      {members.loading && !members.data ? <Loading what="members" /> : null}
      {members.data && members.data.items.length === 0 ? <Empty title="No members" /> : null}
      {members.data && members.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Manage Cloud Credentials</th>
              <th>Joined</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.items.map((m) => (
              <MemberRow
                key={m.id}
                member={m}
                editable={editable}
                self={m.id === session.me.user.id}
                onChanged={members.reload}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {adding ? <AddMemberDialog onClose={() => setAdding(false)} onAdded={members.reload} /> : null}
    </section>
  );
}
