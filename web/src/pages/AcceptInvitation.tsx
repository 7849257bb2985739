import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from '../components/Feedback';
import { ROLE_LABELS } from '../../../src/auth/permissions.js';
import { peopleApi, type InvitationOffer } from '../people-api';

/**
 * The page an invitation link opens (`/accept-invitation#TOKEN`, the token in the fragment so that it never
 * reaches a server log). The same form serves a new address (choose a password) and one with an account (its
 * password): the page does not tell them apart.
 */
export function AcceptInvitationPage(): ReactNode {
  const token = window.location.hash.replace(/^#/, '');
  const [offer, setOffer] = useState<InvitationOffer>();
  const [problem, setProblem] = useState<unknown>();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!token) return;
    peopleApi.lookupInvitation(token).then(setOffer, setProblem);
  }, [token]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await peopleApi.acceptInvitation(token, password, name);
      window.location.assign('/');
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="accept-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ¢
          </span>
          Cloudtally
        </div>
        <h1 id="accept-title">Accept the invitation</h1>
        {!token ? (
          <div className="notice notice-warning">This page needs the link from the invitation.</div>
        ) : null}
        <ErrorNotice error={problem} />
        {offer ? (
          <>
            <p>
              Join <strong>{offer.organization}</strong> as <strong>{ROLE_LABELS[offer.role]}</strong> with{' '}
              <strong>{offer.email}</strong>.
            </p>
            <p className="muted">
              New to Cloudtally? Choose a password (at least 10 characters). Already have an account with this
              address? Enter its password.
            </p>
            <label className="field">
              <span>Your name (optional)</span>
              <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                type="password"
                name="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <ErrorNotice error={error} />
            <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
              {pending ? 'Joining…' : 'Accept and sign in'}
            </button>
          </>
        ) : null}
      </form>
    </main>
  );
}
