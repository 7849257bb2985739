import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from './api';
import { ACTION_REASONS, can, type Action } from '../../src/auth/permissions.js';
import type { LoginResult, Me } from './types';

export type { Action };

export interface Session {
  me: Me;
  /** Whether the signed-in member may do this; controls that fail it are hidden or disabled with `reason`. */
  can(action: Action): boolean;
  reason(action: Action): string;
  switchOrganization(organizationId: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

interface SessionState {
  status: 'loading' | 'signed-out' | 'signed-in';
  me?: Me;
  error?: string;
}

const SessionContext = createContext<Session | null>(null);
const SignInContext = createContext<((email: string, password: string) => Promise<void>) | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export function useSignIn(): (email: string, password: string) => Promise<void> {
  const s = useContext(SignInContext);
  if (!s) throw new Error('useSignIn outside SessionProvider');
  return s;
}

async function loadMe(): Promise<Me> {
  const me = await api.get<Me>('/api/v1/auth/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export function SessionProvider(props: {
  /** The sign-in page; `problem` is why the session check failed when it was not a plain 401. */
  signedOut: (problem?: string) => ReactNode;
  loading: ReactNode;
  children: ReactNode;
}): ReactNode {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(
    () =>
      loadMe().then(
        (me) => setState({ status: 'signed-in', me }),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) setState({ status: 'signed-out' });
          else setState({ status: 'signed-out', error: err instanceof Error ? err.message : String(err) });
        },
      ),
    [],
  );

  useEffect(() => {
    setUnauthenticatedHandler(() => setState({ status: 'signed-out' }));
    void refresh();
    return () => setUnauthenticatedHandler(undefined);
  }, [refresh]);

  const signIn = useCallback(async (email: string, password: string) => {
    const result = await api.post<LoginResult>('/api/v1/auth/login', { email, password });
    setCsrfToken(result.csrfToken);
    const me = await loadMe();
    setState({ status: 'signed-in', me });
  }, []);

  const session = useMemo<Session | null>(() => {
    const me = state.me;
    if (state.status !== 'signed-in' || !me) return null;
    return {
      me,
      can: (action) => can({ role: me.role, manageCloudCredentials: me.manageCloudCredentials }, action),
      reason: (action) => ACTION_REASONS[action],
      async switchOrganization(organizationId) {
        await api.post('/api/v1/auth/switch-organization', { organizationId });
        setState({ status: 'signed-in', me: await loadMe() });
      },
      async signOut() {
        let ended: { endSessionUrl?: string } | undefined;
        try {
          ended = await api.post<{ endSessionUrl?: string } | undefined>('/api/v1/auth/logout');
        } finally {
          setCsrfToken(undefined);
          setState({ status: 'signed-out' });
        }
        // A single sign-on session: the provider ends its own session too, then sends the browser back here.
        if (ended?.endSessionUrl) window.location.assign(ended.endSessionUrl);
      },
      refresh,
    };
  }, [state, refresh]);

  return (
    <SignInContext.Provider value={signIn}>
      {state.status === 'loading' ? props.loading : null}
      {state.status === 'signed-out' ? props.signedOut(state.error) : null}
      {session ? <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider> : null}
    </SignInContext.Provider>
  );
}
