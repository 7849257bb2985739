import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function CostExplorerPage(): ReactNode {
  return <PageHeader title="CostExplorer" />;
}
