import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function ConnectAwsPage(): ReactNode {
  return <PageHeader title="ConnectAws" />;
}
