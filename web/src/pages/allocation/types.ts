import type { CostBasis } from '../../types';

export interface Condition {
  field: string;
  key?: string;
  operator: string;
  values?: string[];
}

export interface Rule {
  name?: string;
  conditions: Condition[];
  value?: string;
  valueFromTag?: string;
  share?: {
    method: 'even' | 'proportional' | 'fixed';
    values?: string[];
    percentages?: Record<string, number>;
  };
}

export interface Definition {
  name: string;
  description: string;
  defaultValue: string;
  rules: Rule[];
  tagAliases: Record<string, string[]>;
  valueAliases: Record<string, string[]>;
}

export interface Dimension {
  name: string;
  definition: Definition;
  version: number;
  appliedVersion: number | null;
  appliedAt: string | null;
  applyError: string | null;
  status: 'applied' | 'applying' | 'failed';
}

export interface Preview {
  from: string;
  to: string;
  currency: string;
  total: number;
  moved: number;
  moves: { from: string; to: string; cost: number }[];
  values: { value: string; before: number; after: number; change: number }[];
}

export interface Showback {
  dimension: string;
  version: number | null;
  asOf: string | null;
  from: string;
  to: string;
  basis: CostBasis;
  currency: string;
  rows: {
    month: string;
    value: string;
    direct: number;
    shared: number;
    total: number;
    share: number | null;
    change: number;
    changePercent: number | null;
  }[];
}

export interface Values {
  currency: string;
  values: { value: string | null; label: string; cost: number }[];
}

export interface Coverage {
  currency: string;
  by: 'account' | 'service';
  keys: string[];
  allocation: { dimension: string; defaultValue: string } | null;
  total: number;
  rows: {
    value: string | null;
    total: number;
    tags: Record<string, { cost: number; percent: number | null }>;
    allocated: { cost: number; percent: number | null } | null;
  }[];
  untaggedResources: {
    resource: string;
    account: string | null;
    service: string | null;
    cost: number;
    missing: string[];
  }[];
}

/** A condition as a person reads it: `service in Amazon S3`, `tag user:team missing`. */
export function conditionText(c: Condition): string {
  const field = c.key ? `${c.field} ${c.key}` : c.field;
  return c.values?.length ? `${field} ${c.operator} ${c.values.join(', ')}` : `${field} ${c.operator}`;
}

/** What a rule gives: a value, a tag's value, or a split. */
export function outcomeText(r: Rule): string {
  if (r.share) {
    if (r.share.method === 'fixed')
      return `split by fixed shares: ${Object.entries(r.share.percentages ?? {})
        .map(([v, p]) => `${v} ${p}%`)
        .join(', ')}`;
    const among = r.share.values?.length ? r.share.values.join(', ') : 'every value with direct cost';
    return `split ${r.share.method === 'even' ? 'evenly' : 'in proportion to spend'} among ${among}`;
  }
  if (r.valueFromTag) return `the value of tag ${r.valueFromTag}`;
  return `→ ${r.value ?? ''}`;
}
