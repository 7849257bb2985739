import { useState, type ReactNode } from 'react';
import { ActionButton } from '../../components/Allowed';
import { CodeBlock } from '../../components/CopyButton';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmedRowAction } from '../../components/ConfirmedRowAction';
import { FormDialog } from '../../components/Modal';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { peopleApi, type Invitation, type InviteResult } from '../../people-api';
import { useSession } from '../../session';
import type { Role } from '../../types';

export const ROLE_OPTIONS: { value: Role; label: string; help: string }[] = [
  {
    value: 'manager',
    label: 'Organization Manager',
    help: 'Everything, including members and cloud accounts',
  },
  { value: 'engineer', label: 'Engineer', help: 'Explore costs, trigger syncs, act on recommendations' },
  { value: 'viewer', label: 'Viewer', help: 'Read only' },
];

const ROLE_LABEL = Object.fromEntries(ROLE_OPTIONS.map((r) => [r.value, r.label])) as Record<Role, string>;

/**
 * Invites an address with a role: the one-time link goes by e-mail when the organization has an e-mail channel,
 * otherwise it comes back to be copied. Nobody types a password for someone else.
 */
export function InviteDialog(props: {
  onClose: () => void;
  onInvited: (r: InviteResult) => void;
}): ReactNode {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [mcc, setMcc] = useState(false);
  return (
    <FormDialog
      title="Invite a member"
      submitLabel="Send invitation"
      pendingLabel="Inviting…"
      onSubmit={async () =>
        props.onInvited(await peopleApi.invite({ email, role, manageCloudCredentials: mcc }))
      }
      onClose={props.onClose}
    >
      <label className="field">
        <span>E-mail</span>
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <fieldset className="field">
        <legend>Role</legend>
        {ROLE_OPTIONS.map((r) => (
          <label key={r.value} className="radio">
            <input
              type="radio"
              name="invite-role"
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
      <p className="muted small">
        The person sets their own password (or signs in with single sign-on) when they open the link. It works
        once and expires in 7 days.
      </p>
    </FormDialog>
  );
}

/** What happened to the last invitation: e-mailed, or the link to pass on. */
export function InvitationSent(props: { result: InviteResult }): ReactNode {
  const { result } = props;
  return (
    <Notice kind="success">
      {result.delivery === 'email' ? (
        <p>
          Invitation e-mailed to <strong>{result.invitation.email}</strong>.
        </p>
      ) : (
        <>
          <p>
            The organization has no e-mail channel, so nothing was sent. Pass this one-time link to{' '}
            <strong>{result.invitation.email}</strong>; it is not shown again.
          </p>
          <CodeBlock title="Invitation link" text={result.link ?? ''} />
        </>
      )}
    </Notice>
  );
}

export function InvitationsPanel(): ReactNode {
  const session = useSession();
  const allowed = session.can('org:manage');
  const invitations = useApi<{ items: Invitation[] }>(allowed ? '/api/v1/invitations' : null);
  const [inviting, setInviting] = useState(false);
  const [sent, setSent] = useState<InviteResult>();
  return (
    <section className="panel" aria-labelledby="invitations-title">
      <div className="panel-head">
        <h2 id="invitations-title">Invitations</h2>
        <ActionButton action="org:manage" variant="primary" onClick={() => setInviting(true)}>
          Invite member
        </ActionButton>
      </div>
      {!allowed ? <Notice>{session.reason('org:manage')}</Notice> : null}
      {sent ? <InvitationSent result={sent} /> : null}
      <ErrorNotice error={invitations.error} onRetry={invitations.reload} />
      {invitations.loading && !invitations.data ? <Loading what="invitations" /> : null}
      {invitations.data?.items.length === 0 ? <Empty title="No pending invitations" /> : null}
      {invitations.data && invitations.data.items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} aria-label="Pending invitations">
          <table className="table">
            <thead>
              <tr>
                <th>E-mail</th>
                <th>Role</th>
                <th>Invited by</th>
                <th>Expires</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>
                    {ROLE_LABEL[i.role]}
                    {i.manageCloudCredentials ? ' + Manage Cloud Credentials' : ''}
                  </td>
                  <td>{i.invitedBy}</td>
                  <td>{dateTime(i.expiresAt)}</td>
                  <td className="actions">
                    <ConfirmedRowAction
                      label="Withdraw"
                      accessibleName={`Withdraw the invitation of ${i.email}`}
                      title="Withdraw invitation"
                      onConfirm={async () => {
                        await peopleApi.revokeInvitation(i.id);
                        invitations.reload();
                      }}
                    >
                      <p>The link sent to {i.email} stops working at once.</p>
                    </ConfirmedRowAction>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {inviting ? (
        <InviteDialog
          onClose={() => setInviting(false)}
          onInvited={(r) => {
            setSent(r);
            invitations.reload();
          }}
        />
      ) : null}
    </section>
  );
}
