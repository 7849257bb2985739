import type { ReactNode } from 'react';
import { PageHeader } from '../components/Feedback';

export default function RecommendationsPage(): ReactNode {
  return <PageHeader title="Recommendations" />;
}
