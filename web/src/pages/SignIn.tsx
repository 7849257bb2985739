import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice, useDocumentTitle } from '../components/Feedback';
import { peopleApi } from '../people-api';
import { useSignIn } from '../session';

/** The reason a single sign-on came back refused, which the server puts in the address. */
function ssoErrorOfAddress(): string | undefined {
  const error = new URLSearchParams(window.location.search).get('ssoError') ?? undefined;
  if (error) window.history.replaceState(null, '', window.location.pathname);
  return error;
}

export function SignInPage(props: { problem?: string }): ReactNode {
  const signIn = useSignIn();
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [ssoError] = useState(ssoErrorOfAddress);
  const [ssoPending, setSsoPending] = useState(false);
  const singleSignOn = async () => {
    setSsoPending(true);
    setError(undefined);
    try {
      const { url } = await peopleApi.startSso({ email });
      window.location.assign(url);
    } catch (err) {
      setError(err);
      setSsoPending(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };
  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ¢
          </span>
          Cloudtally
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Cloud costs, resources and savings for your AWS accounts.</p>
        <label className="field">
          <span>E-mail</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {props.problem && !error && !ssoError ? (
          <div className="notice notice-warning">{props.problem}</div>
        ) : null}
        {ssoError && !error ? (
          <div className="notice notice-warning" role="alert">
            {ssoError}
          </div>
        ) : null}
        <ErrorNotice error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small signin-or">or, with your work e-mail above</p>
        <button
          type="button"
          className="btn btn-block"
          disabled={ssoPending}
          onClick={() => void singleSignOn()}
        >
          {ssoPending ? 'Opening your sign-in provider…' : 'Continue with single sign-on'}
        </button>
      </form>
    </main>
  );
}
