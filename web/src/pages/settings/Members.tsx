import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { useSession } from '../../session';
import type { Member, Role } from '../../types';
import type { InviteResult } from '../../people-api';
import { InvitationSent, InviteDialog, ROLE_OPTIONS } from './Invitations';

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
  const [sent, setSent] = useState<InviteResult>();
  const editable = session.can('org:manage');
  return (
    <section className="panel" aria-labelledby="members-title">
      <div className="panel-head">
        <h2 id="members-title">Members and roles</h2>
        <ActionButton action="org:manage" variant="primary" onClick={() => setAdding(true)}>
          Invite member
        </ActionButton>
      </div>
      {!editable ? <Notice>{session.reason('org:manage')}</Notice> : null}
      {sent ? <InvitationSent result={sent} /> : null}
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
      {adding ? <InviteDialog onClose={() => setAdding(false)} onInvited={setSent} /> : null}
    </section>
  );
}
