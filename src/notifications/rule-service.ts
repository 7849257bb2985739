import { inputErrorOf } from '../accounts/account-schemas.js';
import { audit } from '../auth/audit-log.js';
import type { Principal } from '../auth/permissions.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, InputError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import type { ChannelStore } from './channel-store.js';
import { requireAlerts } from './channel-service.js';
import type { EventType } from './notification-types.js';
import { createRuleSchema, parseRuleParams, updateRuleSchema, type AlertRule } from './rule-schemas.js';
import type { RuleStore } from './rule-store.js';

export interface RuleServiceDeps {
  store: Store;
  clock: Clock;
  rules: RuleStore;
  channels: Pick<ChannelStore, 'get' | 'findByName'>;
}

/** A rule as answers show it (without its organization). */
export function ruleView(r: AlertRule) {
  const { orgId: _org, ...rest } = r;
  return rest;
}

export function createRuleService({ store, clock, rules, channels }: RuleServiceDeps) {
  async function find(orgId: string, idOrName: string): Promise<AlertRule> {
    const r = (await rules.get(orgId, idOrName)) ?? (await rules.findByName(orgId, idOrName));
    if (!r) throw new NotFoundError('Alert rule', idOrName);
    return r;
  }

  function checkParams(eventType: EventType, params: unknown): Record<string, unknown> {
    const parsed = parseRuleParams(eventType, params);
    if (!parsed.success) throw inputErrorOf(parsed.error, 'params');
    return parsed.data as Record<string, unknown>;
  }

  /** Channels given by id or name, as ids; an unknown one is named in the error. */
  async function channelIds(orgId: string, given: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const [i, ref] of given.entries()) {
      const c = (await channels.get(orgId, ref)) ?? (await channels.findByName(orgId, ref));
      if (!c) throw new InputError(`channelIds.${i}`, `channelIds.${i}: no notification channel "${ref}"`);
      if (!out.includes(c.id)) out.push(c.id);
    }
    return out;
  }

  function record(
    tx: Queryable,
    principal: Principal,
    action: string,
    r: AlertRule,
    details: Record<string, unknown>,
  ) {
    return audit(tx, {
      orgId: r.orgId,
      actorUserId: principal.userId,
      actor: principal.email,
      action,
      objectType: 'alert_rule',
      objectId: r.id,
      details,
    });
  }

  return {
    find,
    list: (orgId: string) => rules.list(orgId),

    async create(principal: Principal, raw: unknown): Promise<AlertRule> {
      requireAlerts(principal);
      const parsed = createRuleSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const now = clock.now().toISOString();
      const r: AlertRule = {
        id: newId('alr'),
        orgId: principal.orgId,
        name: input.name,
        eventType: input.eventType,
        params: checkParams(input.eventType, input.params),
        channelIds: await channelIds(principal.orgId, input.channelIds),
        enabled: input.enabled,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction(async (tx) => {
        if (await rules.findByName(r.orgId, r.name, tx))
          throw new ConflictError(`An alert rule named "${r.name}" already exists.`);
        await rules.insert(tx, r);
        await record(tx, principal, 'alert_rule.create', r, { name: r.name, eventType: r.eventType });
      });
      return r;
    },

    async update(principal: Principal, idOrName: string, raw: unknown): Promise<AlertRule> {
      requireAlerts(principal);
      const parsed = updateRuleSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const existing = await find(principal.orgId, idOrName);
      const r: AlertRule = {
        ...existing,
        name: input.name ?? existing.name,
        enabled: input.enabled ?? existing.enabled,
        params: input.params !== undefined ? checkParams(existing.eventType, input.params) : existing.params,
        channelIds:
          input.channelIds !== undefined
            ? await channelIds(principal.orgId, input.channelIds)
            : existing.channelIds,
        updatedAt: clock.now().toISOString(),
      };
      await store.transaction(async (tx) => {
        const clash = await rules.findByName(r.orgId, r.name, tx);
        if (clash && clash.id !== r.id)
          throw new ConflictError(`An alert rule named "${r.name}" already exists.`);
        await rules.update(tx, r);
        await record(tx, principal, 'alert_rule.update', r, { fields: Object.keys(input) });
      });
      return r;
    },

    async remove(principal: Principal, idOrName: string): Promise<void> {
      requireAlerts(principal);
      const r = await find(principal.orgId, idOrName);
      await store.transaction(async (tx) => {
        await rules.remove(tx, r.orgId, r.id);
        await record(tx, principal, 'alert_rule.delete', r, { name: r.name });
      });
    },

    /** Takes a removed channel out of every rule of the organization. */
    async forgetChannel(tx: Queryable, orgId: string, channelId: string): Promise<void> {
      for (const r of await rules.list(orgId, tx)) {
        if (!r.channelIds.includes(channelId)) continue;
        await rules.update(tx, { ...r, channelIds: r.channelIds.filter((id) => id !== channelId) });
      }
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
