import type { AlertRule } from '../rule-schemas.js';
import type { EventType, RaisedEvent } from '../notification-types.js';

/**
 * What the scheduled checks read from other domains, as narrow ports the composition root fills in: the
 * notifications module never runs SQL on their tables.
 */
export interface EventSourcePorts {
  /** Evaluates every organization's budgets (their thresholds raise events through the budget sink). */
  evaluateBudgets(): Promise<unknown>;
  openAnomalies(
    orgId: string,
    from: string,
  ): Promise<
    {
      id: string;
      label: string;
      date: string;
      currency: string;
      actual: number;
      expected: number;
      change: number;
      detectedAt: string;
    }[]
  >;
  accounts(orgId: string): Promise<{ id: string; name: string }[]>;
  accountStatus(
    orgId: string,
    accountId: string,
  ): Promise<{
    state: string;
    runId: string | null;
    message: string | null;
    lastSyncAt: string | null;
    lastAttemptAt: string | null;
    dataFreshness: string | null;
  }>;
  /** Reserved instances and savings plans that end within `days` days, soonest first. */
  expiringCommitments(
    orgId: string,
    days: number,
  ): Promise<
    {
      id: string;
      type: string;
      awsAccountId: string | null;
      end: string | null;
      daysLeft: number | null;
      monthlySavingsAtStake: number;
      currency: string;
    }[]
  >;
  openRecommendations(orgId: string): Promise<
    {
      id: string;
      title: string;
      rule: string;
      resourceId: string;
      awsAccountId: string;
      monthlySavings: number;
      currency: string;
      createdAt: string;
    }[]
  >;
}

/** What a check needs besides its ports: the time, the org's rules of a type, and the last event of a key prefix. */
export interface CheckContext {
  now: Date;
  rulesOf(orgId: string, type: EventType): Promise<AlertRule[]>;
  lastEvent(orgId: string, keyPrefix: string): Promise<{ type: string; dedupeKey: string } | undefined>;
}

/** One scheduled check: the events it finds for an organization (raising one twice is harmless). */
export interface EventCheck {
  types: readonly EventType[];
  find(orgId: string, ports: EventSourcePorts, ctx: CheckContext): Promise<RaisedEvent[]>;
}
