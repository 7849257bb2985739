import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function ResourcesPage(): ReactNode {
  return <PageHeader title="Resources" />;
}
