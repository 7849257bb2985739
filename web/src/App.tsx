import type { ComponentType, ReactNode } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { SessionProvider } from './session';
import { SignInPage } from './pages/SignIn';
import { AcceptInvitationPage } from './pages/AcceptInvitation';

/**
 * Pages load on first visit so that sign-in does not wait for them. They are route-level lazy modules: the
 * router starts loading the page of the address at once (beside the session check) and renders it when both
 * are there, without a suspense fallback that React would reveal late.
 */
function page(load: () => Promise<{ default: ComponentType }>) {
  return async () => ({ Component: (await load()).default });
}

const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    hydrateFallbackElement: <Loading />,
    children: [
      { index: true, lazy: page(() => import('./pages/Overview')) },
      { path: 'accounts', lazy: page(() => import('./pages/Accounts')) },
      { path: 'accounts/connect/aws', lazy: page(() => import('./pages/ConnectAws')) },
      { path: 'accounts/connect/azure', lazy: page(() => import('./pages/ConnectAzure')) },
      { path: 'accounts/connect/focus', lazy: page(() => import('./pages/ConnectFocus')) },
      { path: 'accounts/:id', lazy: page(() => import('./pages/AccountDetail')) },
      { path: 'costs', lazy: page(() => import('./pages/CostExplorer')) },
      { path: 'anomalies', lazy: page(() => import('./pages/Anomalies')) },
      { path: 'anomalies/:id', lazy: page(() => import('./pages/AnomalyDetail')) },
      { path: 'forecast', lazy: page(() => import('./pages/Forecast')) },
      { path: 'movers', lazy: page(() => import('./pages/Movers')) },
      { path: 'saved-views', lazy: page(() => import('./pages/SavedViews')) },
      { path: 'recommendations', lazy: page(() => import('./pages/Recommendations')) },
      { path: 'resources', lazy: page(() => import('./pages/Resources')) },
      { path: 'resources/detail', lazy: page(() => import('./pages/ResourceDetail')) },
      { path: 'budgets', lazy: page(() => import('./pages/Budgets')) },
      { path: 'commitments', lazy: page(() => import('./pages/Commitments')) },
      { path: 'allocation', lazy: page(() => import('./pages/Allocation')) },
      { path: 'notifications', lazy: page(() => import('./pages/Notifications')) },
      { path: 'settings', lazy: page(() => import('./pages/Settings')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
]);

export function App(): ReactNode {
  // An invitation link works signed out too: it is how a new person gets an account.
  if (window.location.pathname === '/accept-invitation') return <AcceptInvitationPage />;
  return (
    <SessionProvider
      signedOut={(problem) => <SignInPage problem={problem} />}
      loading={<div className="splash" aria-busy="true" />}
    >
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
