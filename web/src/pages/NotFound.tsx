import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Empty } from '../components/Feedback';

export default function NotFoundPage(): ReactNode {
  return (
    <Empty title="This page does not exist">
      <Link to="/">Go to the overview</Link>
    </Empty>
  );
}
