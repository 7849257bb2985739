import type { ReactNode } from 'react';

export function CloudAccessPanel(): ReactNode {
  return <section className="panel" />;
}
