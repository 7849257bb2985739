import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function AccountDetailPage(): ReactNode {
  return <PageHeader title="AccountDetail" />;
}
