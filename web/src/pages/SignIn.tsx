import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice, useDocumentTitle } from '../components/Feedback';
import { useSignIn } from '../session';

export function SignInPage(props: { problem?: string }): ReactNode {
  const signIn = useSignIn();
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
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
        {props.problem && !error ? <div className="notice notice-warning">{props.problem}</div> : null}
        <ErrorNotice error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
