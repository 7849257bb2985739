import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { SessionProvider } from './session';
import { SignInPage } from './pages/SignIn';

// Pages load on first visit so that sign-in and the first page do not wait for the chart library.
const OverviewPage = lazy(() => import('./pages/Overview'));
const AccountsPage = lazy(() => import('./pages/Accounts'));
const ConnectAwsPage = lazy(() => import('./pages/ConnectAws'));
const AccountDetailPage = lazy(() => import('./pages/AccountDetail'));
const CostExplorerPage = lazy(() => import('./pages/CostExplorer'));
const RecommendationsPage = lazy(() => import('./pages/Recommendations'));
const ResourcesPage = lazy(() => import('./pages/Resources'));
const SettingsPage = lazy(() => import('./pages/Settings'));
const NotFoundPage = lazy(() => import('./pages/NotFound'));

function page(node: ReactNode): ReactNode {
  return <Suspense fallback={<Loading />}>{node}</Suspense>;
}

const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: page(<OverviewPage />) },
      { path: 'accounts', element: page(<AccountsPage />) },
      { path: 'accounts/connect/aws', element: page(<ConnectAwsPage />) },
      { path: 'accounts/:id', element: page(<AccountDetailPage />) },
      { path: 'costs', element: page(<CostExplorerPage />) },
      { path: 'recommendations', element: page(<RecommendationsPage />) },
      { path: 'resources', element: page(<ResourcesPage />) },
      { path: 'settings', element: page(<SettingsPage />) },
      { path: '*', element: page(<NotFoundPage />) },
    ],
  },
]);

export function App(): ReactNode {
  return (
    <SessionProvider signedOut={<SignInPage />} loading={<div className="splash" aria-busy="true" />}>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
