import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function AccountsPage(): ReactNode {
  return <PageHeader title="Accounts" />;
}
