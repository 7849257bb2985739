import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function OverviewPage(): ReactNode {
  return <PageHeader title="Overview" />;
}
