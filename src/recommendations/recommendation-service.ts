/**
 * Savings recommendations: one rule per file under rules/, run after each sync, with savings from the real bill.
 *
 *   const recs = createRecommendationService({ store, clock, log, settings? });
 *   await recs.runForAccount({ orgId, cloudAccountId, signal?, costExplorer? }) → { opened, closed, updated, unchanged, skipped }
 *   await recs.list(orgId, { state?, rule?, awsAccountId?, cloudAccountId?, region?, resourceId?, minSavings?, limit?, offset? })
 *     → { items, total, totals: { monthlySavings, count, byRule, byAccount } }
 *   await recs.get(orgId, id)
 *   await recs.dismiss(principal, id, { reason })   // kept across re-runs
 *   await recs.snooze(principal, id, { until, reason? })
 *   await recs.reopen(principal, id)
 *   await recs.getSettings(orgId) / recs.updateSettings(principal, rule, values)
 *
 * A recommendation is keyed by (connection, rule, resource): a re-run refreshes its evidence and saving, closes it
 * with a reason when the rule no longer finds it, and reopens it if it comes back. Dismissals and snoozes live in
 * recommendation_states and are never touched by the engine. Every user action is audited.
 */
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { Logger } from 'pino';
import { audit } from '../auth/audit-log.js';
import { ACTION_REASONS, can, type Action, type Principal } from '../auth/permissions.js';
import { loadResources } from '../inventory/resource-store.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { ACTED_ON, realizedSavings, type RealizedSavings } from './realized-savings.js';
import {
  clearUserState,
  closeRecommendation,
  getRecommendation,
  insertRecommendation,
  listRecommendations,
  loadExisting,
  loadOrgSettings,
  refreshRecommendation,
  saveOrgSettings,
  savingsTotals,
  setUserState,
  type ExistingRecommendation,
  type RecommendationFilters,
  type RecommendationView,
  type SavingsTotals,
} from './recommendation-store.js';
import { buildRuleContext } from './rule-context.js';
import type { Finding, Rule, RuleResult } from './rule-kit.js';
import { accountForRules } from '../accounts/account-store.js';
import { providerOf } from '../providers/registry.js';
import {
  isRuleName,
  resolveSettings,
  RULE_SETTINGS,
  type RuleName,
  type RuleSettings,
  type RuleSettingsInput,
} from './settings.js';

export interface RecommendationServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Installation-wide threshold overrides (organizations may override them again). */
  settings?: RuleSettingsInput;
  /** The rules of an account's provider, in the order they run (default: the registered provider's). */
  rulesFor?: (provider: string) => readonly Rule[];
}

export interface RunResult {
  opened: number;
  closed: number;
  updated: number;
  unchanged: number;
  /** Rules that could not evaluate (no bill yet, an error); their recommendations were left as they were. */
  skipped: RuleName[];
}

export type RecommendationService = ReturnType<typeof createRecommendationService>;

const MAX_REASON = 1000;

/** How the provider's resources are found in the bill; an unregistered provider (tests) matches by sub account. */
function billMatchOf(provider: string) {
  try {
    return providerOf(provider).billMatch;
  } catch {
    return undefined;
  }
}

function require(principal: Principal, action: Action): void {
  if (!can(principal, action)) throw new PermissionError(ACTION_REASONS[action]);
}

/** The stored recommendation already says what the finding says (so a re-run leaves it as it is). */
function sameContent(e: ExistingRecommendation, f: Finding, currency: string): boolean {
  return (
    e.title === f.title &&
    e.reason === f.reason &&
    e.evidence === JSON.stringify(f.evidence) &&
    e.action === f.action &&
    Math.abs(e.monthlySavings - f.monthlySavings) < 0.005 &&
    e.savingsBasis === f.savingsBasis &&
    e.currency === currency &&
    (e.region ?? null) === (f.region ?? null)
  );
}

export function createRecommendationService(deps: RecommendationServiceDeps) {
  const { store, clock, log } = deps;
  const rulesFor = deps.rulesFor ?? ((provider: string) => providerOf(provider).recommendationRules);

  async function settingsFor(orgId: string): Promise<RuleSettings> {
    const org = await loadOrgSettings(store, orgId);
    const known = Object.fromEntries(
      Object.entries(org).filter(([rule]) => isRuleName(rule)),
    ) as RuleSettingsInput;
    try {
      return resolveSettings(deps.settings, known);
    } catch (err) {
      // A stored override that no longer validates must not stop the rules: fall back to the installation's.
      log.warn({ err, orgId }, 'organization recommendation settings are invalid; using defaults');
      return resolveSettings(deps.settings);
    }
  }

  async function findOrThrow(orgId: string, id: string): Promise<RecommendationView> {
    const rec = await getRecommendation(store, orgId, id, clock.now());
    if (!rec) throw new NotFoundError('Recommendation', id);
    return rec;
  }

  return {
    async runForAccount(input: {
      orgId: string;
      cloudAccountId: string;
      signal?: AbortSignal;
      /** A Cost Explorer client of the connection: used for commitment utilization when its type is cost_explorer. */
      costExplorer?: Pick<CostExplorerClient, 'send'>;
    }): Promise<RunResult> {
      const { orgId, cloudAccountId, signal } = input;
      const account = await accountForRules(store, orgId, cloudAccountId);
      if (!account) throw new NotFoundError('Cloud account', cloudAccountId);
      const awsAccountId = account.cloudAccountNativeId ?? '';
      const now = clock.now();
      const settings = await settingsFor(orgId);
      const ctx = await buildRuleContext(store, {
        orgId,
        cloudAccountId,
        awsAccountId,
        now,
        costExplorer: account.type === 'cost_explorer' ? input.costExplorer : undefined,
        billMatch: billMatchOf(account.provider),
        signal,
      });

      const found = new Map<string, { rule: RuleName; finding: Finding }>();
      const evaluated = new Set<RuleName>();
      const disabled = new Set<RuleName>();
      const skipped: RuleName[] = [];
      const rules = rulesFor(account.provider);
      for (const rule of rules) {
        signal?.throwIfAborted();
        const s = settings[rule.name];
        if (!s.enabled) {
          disabled.add(rule.name);
          continue;
        }
        let result: RuleResult;
        try {
          result = await rule.evaluate(ctx, s as RuleSettings[RuleName]);
        } catch (err) {
          log.error({ err, rule: rule.name, cloudAccountId }, 'recommendation rule failed');
          skipped.push(rule.name);
          continue;
        }
        if (!result.evaluated) {
          skipped.push(rule.name);
          continue;
        }
        evaluated.add(rule.name);
        for (const f of result.findings)
          found.set(`${rule.name}\u0000${f.resourceId}`, { rule: rule.name, finding: f });
      }
      signal?.throwIfAborted();

      const gone = new Map(
        (await loadResources(store, orgId, cloudAccountId, { includeGone: true }))
          .filter((r) => r.goneAt)
          .map((r) => [r.id, r.goneAt as Date]),
      );
      const noLonger = new Map(rules.map((r) => [r.name as string, r.noLongerApplies]));
      const result: RunResult = { opened: 0, closed: 0, updated: 0, unchanged: 0, skipped };
      await store.transaction(async (tx) => {
        const existing = await loadExisting(tx, orgId, cloudAccountId);
        const byKey = new Map(existing.map((e) => [`${e.rule}\u0000${e.resourceId}`, e]));
        for (const [key, { rule, finding }] of found) {
          const e = byKey.get(key);
          if (!e) {
            await insertRecommendation(tx, {
              id: newId('rec'),
              orgId,
              cloudAccountId,
              awsAccountId,
              rule,
              finding,
              currency: ctx.currency,
              now,
            });
            result.opened++;
          } else if (e.status === 'closed') {
            await refreshRecommendation(tx, { orgId, id: e.id, finding, currency: ctx.currency, now });
            result.opened++;
          } else if (!sameContent(e, finding, ctx.currency)) {
            await refreshRecommendation(tx, { orgId, id: e.id, finding, currency: ctx.currency, now });
            result.updated++;
          } else {
            result.unchanged++;
          }
        }
        for (const e of existing) {
          if (e.status === 'closed' || found.has(`${e.rule}\u0000${e.resourceId}`)) continue;
          const rule = e.rule as RuleName;
          let reason: string | undefined;
          const goneAt = gone.get(e.resourceId);
          if (goneAt) reason = `${ACTED_ON.gone} (not seen since ${goneAt.toISOString().slice(0, 16)}Z).`;
          else if (disabled.has(rule)) reason = 'The rule is turned off in the recommendation settings.';
          else if (evaluated.has(rule))
            reason = `${ACTED_ON.noLonger}: ${noLonger.get(rule) ?? 'the condition is no longer met'}.`;
          else if (!isRuleName(e.rule)) reason = 'The rule no longer exists.';
          if (!reason) continue;
          await closeRecommendation(tx, { orgId, id: e.id, reason, now });
          result.closed++;
        }
      });
      log.info({ cloudAccountId, ...result }, 'recommendations evaluated');
      return result;
    },

    async list(
      orgId: string,
      filters: RecommendationFilters = {},
    ): Promise<{ items: RecommendationView[]; total: number; totals: SavingsTotals }> {
      const now = clock.now();
      const { items, total } = await listRecommendations(store, orgId, filters, now);
      const { state: _state, limit: _limit, offset: _offset, ...rest } = filters;
      const totals = await savingsTotals(store, orgId, rest, now);
      return { items, total, totals };
    },

    get: findOrThrow,

    /** Savings realized: the recommendations acted on, with the saving the bill shows since. */
    realized(orgId: string): Promise<RealizedSavings> {
      return realizedSavings(store, orgId, clock.now());
    },

    async dismiss(principal: Principal, id: string, input: { reason: string }): Promise<RecommendationView> {
      require(principal, 'recommendations:act');
      const reason = input.reason?.trim() ?? '';
      if (!reason) throw new InputError('reason', 'reason: say why the recommendation does not apply');
      if (reason.length > MAX_REASON)
        throw new InputError('reason', `reason: at most ${MAX_REASON} characters`);
      const rec = await findOrThrow(principal.orgId, id);
      if (rec.state === 'closed')
        throw new ConflictError('The recommendation is closed; there is nothing to dismiss.');
      const now = clock.now();
      await store.transaction(async (tx) => {
        await setUserState(tx, {
          orgId: principal.orgId,
          id,
          state: 'dismissed',
          reason,
          until: null,
          userId: principal.userId,
          now,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'recommendation.dismiss',
          objectType: 'recommendation',
          objectId: id,
          details: { rule: rec.rule, resourceId: rec.resourceId, reason, previousState: rec.state },
        });
      });
      return findOrThrow(principal.orgId, id);
    },

    async snooze(
      principal: Principal,
      id: string,
      input: { until: string | Date; reason?: string },
    ): Promise<RecommendationView> {
      require(principal, 'recommendations:act');
      const until = input.until instanceof Date ? input.until : new Date(input.until);
      const now = clock.now();
      if (Number.isNaN(until.getTime()))
        throw new InputError('until', 'until: must be a date or date-time (ISO 8601)');
      if (until <= now) throw new InputError('until', 'until: must be in the future');
      const reason = input.reason?.trim() || null;
      if (reason && reason.length > MAX_REASON)
        throw new InputError('reason', `reason: at most ${MAX_REASON} characters`);
      const rec = await findOrThrow(principal.orgId, id);
      if (rec.state === 'closed')
        throw new ConflictError('The recommendation is closed; there is nothing to snooze.');
      await store.transaction(async (tx) => {
        await setUserState(tx, {
          orgId: principal.orgId,
          id,
          state: 'snoozed',
          reason,
          until,
          userId: principal.userId,
          now,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'recommendation.snooze',
          objectType: 'recommendation',
          objectId: id,
          details: {
            rule: rec.rule,
            resourceId: rec.resourceId,
            until: until.toISOString(),
            reason,
            previousState: rec.state,
          },
        });
      });
      return findOrThrow(principal.orgId, id);
    },

    async reopen(principal: Principal, id: string): Promise<RecommendationView> {
      require(principal, 'recommendations:act');
      const rec = await findOrThrow(principal.orgId, id);
      await store.transaction(async (tx) => {
        await clearUserState(tx, principal.orgId, id);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'recommendation.reopen',
          objectType: 'recommendation',
          objectId: id,
          details: { rule: rec.rule, resourceId: rec.resourceId, previousState: rec.state },
        });
      });
      return findOrThrow(principal.orgId, id);
    },

    async getSettings(
      orgId: string,
    ): Promise<{ settings: RuleSettings; overrides: Record<string, Record<string, unknown>> }> {
      return { settings: await settingsFor(orgId), overrides: await loadOrgSettings(store, orgId) };
    },

    async updateSettings(
      principal: Principal,
      rule: string,
      values: Record<string, unknown>,
    ): Promise<RuleSettings> {
      require(principal, 'org:manage');
      if (!isRuleName(rule))
        throw new InputError(
          'rule',
          `rule: unknown rule ${rule}; one of ${Object.keys(RULE_SETTINGS).join(', ')}`,
        );
      const current = await loadOrgSettings(store, principal.orgId);
      const next = { ...(current[rule] ?? {}), ...values };
      // Validates the merged result; throws an InputError naming the field.
      const resolved = resolveSettings(deps.settings, { [rule]: next } as RuleSettingsInput);
      await store.transaction(async (tx) => {
        await saveOrgSettings(tx, {
          orgId: principal.orgId,
          rule,
          settings: next,
          userId: principal.userId,
          now: clock.now(),
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'recommendation_settings.update',
          objectType: 'recommendation_settings',
          objectId: rule,
          details: { values },
        });
      });
      return { ...(await settingsFor(principal.orgId)), [rule]: resolved[rule] };
    },
  };
}
