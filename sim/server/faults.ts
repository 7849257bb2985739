import type { FaultSpec } from '../scenario/schema.js';

export type FaultKind = 'throttle' | '500' | '503' | 'slow' | 'truncate' | 'deny' | 'expired';

export interface Fault {
  service: string;
  operation?: string;
  region?: string;
  kind: FaultKind;
  remaining: number;
  delayMs?: number;
}

const ALIASES: Record<string, string> = {
  cloudwatch: 'monitoring',
  elb: 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
  'elastic-load-balancing': 'elasticloadbalancing',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  costexplorer: 'ce',
  'cost-explorer': 'ce',
  org: 'organizations',
};

/** Maps friendly names (cloudwatch, elbv2, cost-explorer) to signing names. */
export function canonicalService(name: string): string {
  const n = name.toLowerCase();
  return ALIASES[n] ?? n;
}

/** Faults armed for the next N matching calls, consumed in the order they were added. */
export class FaultRegistry {
  private faults: Fault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({
      service: canonicalService(spec.service),
      operation: spec.operation,
      region: spec.region,
      kind: spec.kind,
      remaining: spec.count ?? 1,
      delayMs: spec.delayMs,
    });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Takes one use of the first fault that matches this call (signing service and region), if any. */
  take(service: string, operation: string, region: string): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        (x.service === '*' || x.service === service) &&
        (!x.operation || x.operation === operation) &&
        (!x.region || x.region === region),
    );
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults.splice(this.faults.indexOf(f), 1);
    return { ...f };
  }
}
