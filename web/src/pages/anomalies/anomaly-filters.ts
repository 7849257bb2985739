import type { AnomalyState } from '../../anomaly-api';
import type { CostAnomaly } from '../../types';

export interface AnomalyFilters {
  from: string;
  to: string;
  /** An account ID: the account's own anomalies and those of services whose drivers are in it. */
  account: string;
  /** A service name: the service's own anomalies and those of accounts whose drivers are of it. */
  service: string;
  state?: AnomalyState;
  direction?: CostAnomaly['direction'];
  /** Smallest size of the departure from the expected cost, in the currency (0: any). */
  minImpact: number;
}

export function matchesAnomalyFilters(a: CostAnomaly, f: AnomalyFilters): boolean {
  if (f.minImpact && Math.abs(a.change) < f.minImpact) return false;
  if (
    f.account &&
    !(a.dimension === 'account' ? a.key === f.account : a.drivers.some((d) => d.account === f.account))
  )
    return false;
  if (
    f.service &&
    !(a.dimension === 'service' ? a.key === f.service : a.drivers.some((d) => d.service === f.service))
  )
    return false;
  return true;
}

/** The accounts and services that the anomalies are of or driven by, for the filters' pickers. */
export function anomalyFilterValues(items: readonly CostAnomaly[]): {
  accounts: { id: string; label: string }[];
  services: { id: string; label: string }[];
} {
  const accounts = new Map<string, string>();
  const services = new Map<string, string>();
  for (const a of items) {
    if (a.dimension === 'account') accounts.set(a.key, a.label);
    else services.set(a.key, a.label);
    for (const d of a.drivers) {
      if (d.account && !accounts.has(d.account)) accounts.set(d.account, d.account);
      if (d.service && !services.has(d.service)) services.set(d.service, d.service);
    }
  }
  const sorted = (m: Map<string, string>) =>
    [...m.entries()].map(([id, label]) => ({ id, label })).sort((x, y) => x.label.localeCompare(y.label));
  return { accounts: sorted(accounts), services: sorted(services) };
}
