/**
 * Budgets for one organization at a time: create, change, remove, their status and history, and the evaluation
 * that runs after every billing load and on a schedule. A threshold reached for the first time in a period is
 * recorded and handed to the alert sink in the same transaction, so that an alert is neither lost nor repeated.
 */
import type { Logger } from 'pino';
import { audit } from '../auth/audit-log.js';
import { ACTION_REASONS, can, type Action, type Principal } from '../auth/permissions.js';
import { inputErrorOf } from '../accounts/account-schemas.js';
import { isoDate } from '../costs/dates.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import {
  budgetHistory,
  evaluateBudget,
  scopeFilters,
  type BudgetStatus,
  type CostPort,
  type PeriodSpend,
} from './budget-evaluation.js';
import { createBudgetSchema, updateBudgetSchema, type Budget, type ThresholdKind } from './budget-schemas.js';
import { createBudgetStore } from './budget-store.js';

/** A threshold reached for the first time in a period: what the alert sink is told. */
export interface BudgetThresholdEvent {
  orgId: string;
  budgetId: string;
  budgetName: string;
  kind: ThresholdKind;
  percent: number;
  periodStart: string;
  periodEnd: string;
  asOf: string;
  currency: string;
  amount: number;
  spent: number;
  forecast: number;
  firedAt: string;
}

export interface BudgetAlertSink {
  /** Called inside the transaction that records the threshold as fired. */
  thresholdCrossed(tx: Queryable, event: BudgetThresholdEvent): Promise<void>;
}

export interface BudgetServiceDeps {
  store: Store;
  costs: CostPort;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The newest day with cost data of an organization (null without data): the day budgets run through. */
  dataThrough(orgId: string): Promise<string | null>;
}

export interface BudgetWithStatus extends Budget {
  status: BudgetStatus;
}

const HISTORY_PERIODS = { monthly: 12, quarterly: 4, yearly: 3 } as const;

function require(principal: Principal, action: Action): void {
  if (!can(principal, action)) throw new PermissionError(ACTION_REASONS[action]);
}

export function createBudgetService({ store, costs, clock, log, dataThrough }: BudgetServiceDeps) {
  const budgets = createBudgetStore(store);
  let sink: BudgetAlertSink | undefined;

  /** The day a budget's figures run through: the newest day with data, never after today. */
  async function evaluationDate(orgId: string): Promise<string> {
    const today = isoDate(clock.now());
    const through = await dataThrough(orgId);
    return through && through < today ? through : today;
  }

  async function statusOf(b: Budget, asOf: string): Promise<BudgetStatus> {
    const first = await evaluateBudget(costs, b, asOf);
    const fired = await budgets.firedIn(b.orgId, b.id, first.period.start);
    if (fired.length === 0) return first;
    const at = new Map(fired.map((f) => [`${f.kind}:${f.percent}`, f.firedAt]));
    return {
      ...first,
      thresholds: first.thresholds.map((t) => ({ ...t, firedAt: at.get(`${t.kind}:${t.percent}`) ?? null })),
    };
  }

  async function findOrThrow(orgId: string, id: string): Promise<Budget> {
    const b = await budgets.get(orgId, id);
    if (!b) throw new NotFoundError('Budget', id);
    return b;
  }

  /** Parses and checks the scope the way the cost explorer does, so a bad filter fails at save time. */
  function checkScope(b: Pick<Budget, 'scope'>): void {
    scopeFilters(b);
  }

  async function evaluateOne(b: Budget, asOf: string): Promise<{ status: BudgetStatus; fired: number }> {
    const status = await statusOf(b, asOf);
    let fired = 0;
    for (const t of status.thresholds) {
      if (!t.reached || t.firedAt) continue;
      const firedAt = clock.now().toISOString();
      const value = t.kind === 'actual' ? status.spent : status.forecast.total;
      const recorded = await store.transaction(async (tx) => {
        const isNew = await budgets.markFired(tx, b.orgId, {
          budgetId: b.id,
          periodStart: status.period.start,
          kind: t.kind,
          percent: t.percent,
          firedAt,
          asOf: status.asOf,
          value,
          amount: status.amount,
        });
        if (isNew && sink) {
          await sink.thresholdCrossed(tx, {
            orgId: b.orgId,
            budgetId: b.id,
            budgetName: b.name,
            kind: t.kind,
            percent: t.percent,
            periodStart: status.period.start,
            periodEnd: status.period.end,
            asOf: status.asOf,
            currency: status.currency,
            amount: status.amount,
            spent: status.spent,
            forecast: status.forecast.total,
            firedAt,
          });
        }
        return isNew;
      });
      if (recorded) {
        fired++;
        log.info(
          { budgetId: b.id, kind: t.kind, percent: t.percent, period: status.period.start },
          'budget threshold reached',
        );
      }
    }
    return { status, fired };
  }

  return {
    /** Where threshold crossings go (the notifications outbox); set once by the composition root. */
    setAlertSink(s: BudgetAlertSink): void {
      sink = s;
    },

    evaluationDate,

    async list(orgId: string): Promise<BudgetWithStatus[]> {
      const asOf = await evaluationDate(orgId);
      const all = await budgets.list(orgId);
      const out: BudgetWithStatus[] = [];
      for (const b of all) out.push({ ...b, status: await statusOf(b, asOf) });
      return out;
    },

    async get(orgId: string, id: string): Promise<BudgetWithStatus & { history: PeriodSpend[] }> {
      const b = await findOrThrow(orgId, id);
      const asOf = await evaluationDate(orgId);
      const status = await statusOf(b, asOf);
      const history = await budgetHistory(costs, b, status.period.start, HISTORY_PERIODS[b.period]);
      return { ...b, status, history };
    },

    /** A budget by id, or by its name (the CLI and the MCP tools accept either). */
    async resolve(orgId: string, idOrName: string): Promise<Budget> {
      const b = (await budgets.get(orgId, idOrName)) ?? (await budgets.findByName(orgId, idOrName));
      if (!b) throw new NotFoundError('Budget', idOrName);
      return b;
    },

    async create(principal: Principal, raw: unknown): Promise<BudgetWithStatus> {
      require(principal, 'budgets:write');
      const parsed = createBudgetSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const now = clock.now().toISOString();
      const b: Budget = {
        id: newId('bud'),
        orgId: principal.orgId,
        name: input.name,
        scope: input.scope,
        basis: input.basis,
        period: input.period,
        startDate: input.startDate ?? null,
        endDate: input.endDate ?? null,
        amount: input.amount,
        schedule: input.schedule ?? null,
        currency: input.currency,
        thresholds: input.thresholds,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      };
      checkScope(b);
      await store.transaction(async (tx) => {
        if (await budgets.findByName(b.orgId, b.name, tx))
          throw new ConflictError(`A budget named "${b.name}" already exists.`);
        await budgets.insert(tx, b);
        await audit(tx, {
          orgId: b.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'budget.create',
          objectType: 'budget',
          objectId: b.id,
          details: { name: b.name, amount: b.amount, period: b.period, currency: b.currency },
        });
      });
      return { ...b, status: await statusOf(b, await evaluationDate(b.orgId)) };
    },

    async update(principal: Principal, id: string, raw: unknown): Promise<BudgetWithStatus> {
      require(principal, 'budgets:write');
      const parsed = updateBudgetSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const existing = await findOrThrow(principal.orgId, id);
      const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
      const b: Budget = { ...existing, ...changes, updatedAt: clock.now().toISOString() };
      if (b.startDate && b.endDate && b.endDate < b.startDate)
        throw new InputError('endDate', `endDate: ${b.endDate} is before startDate ${b.startDate}`);
      checkScope(b);
      await store.transaction(async (tx) => {
        const clash = await budgets.findByName(b.orgId, b.name, tx);
        if (clash && clash.id !== b.id) throw new ConflictError(`A budget named "${b.name}" already exists.`);
        await budgets.update(tx, b);
        await audit(tx, {
          orgId: b.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'budget.update',
          objectType: 'budget',
          objectId: b.id,
          details: { fields: Object.keys(changes) },
        });
      });
      return { ...b, status: await statusOf(b, await evaluationDate(b.orgId)) };
    },

    async remove(principal: Principal, id: string): Promise<void> {
      require(principal, 'budgets:write');
      const b = await findOrThrow(principal.orgId, id);
      await store.transaction(async (tx) => {
        await budgets.remove(tx, principal.orgId, id);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'budget.delete',
          objectType: 'budget',
          objectId: id,
          details: { name: b.name },
        });
      });
    },

    /**
     * Evaluates every budget of an organization (after a billing load, on the schedule) and records the
     * thresholds reached for the first time. Returns how many budgets were evaluated and thresholds fired.
     */
    async evaluateOrg(orgId: string): Promise<{ budgets: number; fired: number }> {
      const asOf = await evaluationDate(orgId);
      let fired = 0;
      const all = await budgets.list(orgId);
      for (const b of all) fired += (await evaluateOne(b, asOf)).fired;
      return { budgets: all.length, fired };
    },

    /** Every organization with budgets; one failing organization does not stop the others. */
    async evaluateAll(): Promise<{ orgs: number; fired: number }> {
      let fired = 0;
      const orgs = await budgets.orgsWithBudgets();
      for (const orgId of orgs) {
        try {
          fired += (await this.evaluateOrg(orgId)).fired;
        } catch (err) {
          log.error({ err, orgId }, 'budget evaluation failed');
        }
      }
      return { orgs: orgs.length, fired };
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
