import { inputErrorOf } from '../accounts/account-schemas.js';
import type { SecretVault } from '../accounts/secret-vault.js';
import { audit } from '../auth/audit-log.js';
import { ACTION_REASONS, can, type Principal } from '../auth/permissions.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import {
  createChannelSchema,
  emailConfigSchema,
  mergeConfig,
  updateChannelSchema,
  urlHint,
  webhookChannelSchema,
  type Channel,
  type ChannelTarget,
  type CreateChannelInput,
} from './channel-schemas.js';
import type { ChannelStore } from './channel-store.js';
import type { OutboxStore } from './outbox-store.js';

const OWNER_TYPE = 'notification_channel';

/** What the vault holds for a channel: whatever lets someone use it. */
type ChannelSecret = { password?: string; url?: string; secret?: string };

export function requireAlerts(principal: Principal): void {
  if (!can(principal, 'alerts:write')) throw new PermissionError(ACTION_REASONS['alerts:write']);
}

/** A channel as answers show it: its settings, whether a secret is stored, never the secret. */
export function channelView(c: Channel) {
  const { orgId: _org, secretId, ...rest } = c;
  return { ...rest, hasSecret: secretId !== null };
}

function split(input: CreateChannelInput): { config: Record<string, unknown>; secret: ChannelSecret | null } {
  switch (input.kind) {
    case 'email':
      return { config: input.config, secret: input.password ? { password: input.password } : null };
    case 'slack':
    case 'teams':
      return { config: { url: urlHint(input.url) }, secret: { url: input.url } };
    case 'webhook':
      return { config: input.config, secret: { secret: input.secret } };
  }
}

export interface ChannelServiceDeps {
  store: Store;
  vault: SecretVault;
  clock: Clock;
  channels: ChannelStore;
  outbox: OutboxStore;
  /** Takes a removed channel out of the rules that route to it. */
  forgetChannel(tx: Queryable, orgId: string, channelId: string): Promise<void>;
}

export function createChannelService({
  store,
  vault,
  clock,
  channels,
  outbox,
  forgetChannel,
}: ChannelServiceDeps) {
  async function find(orgId: string, idOrName: string): Promise<Channel> {
    const c = (await channels.get(orgId, idOrName)) ?? (await channels.findByName(orgId, idOrName));
    if (!c) throw new NotFoundError('Notification channel', idOrName);
    return c;
  }

  async function saveSecret(tx: Queryable, c: Channel, secret: ChannelSecret | null): Promise<string | null> {
    if (!secret) return c.secretId;
    return vault.put(
      tx,
      { orgId: c.orgId, ownerType: OWNER_TYPE, ownerId: c.id, name: 'credentials' },
      JSON.stringify(secret),
    );
  }

  async function secretOf(c: Channel): Promise<ChannelSecret> {
    return c.secretId ? (JSON.parse(await vault.get(c.secretId, c.orgId)) as ChannelSecret) : {};
  }

  function record(
    tx: Queryable,
    principal: Principal,
    action: string,
    c: Channel,
    details: Record<string, unknown>,
  ) {
    return audit(tx, {
      orgId: c.orgId,
      actorUserId: principal.userId,
      actor: principal.email,
      action,
      objectType: 'notification_channel',
      objectId: c.id,
      details,
    });
  }

  return {
    find,
    list: (orgId: string) => channels.list(orgId),

    async create(principal: Principal, raw: unknown): Promise<Channel> {
      requireAlerts(principal);
      const parsed = createChannelSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const { config, secret } = split(parsed.data);
      const now = clock.now().toISOString();
      const c: Channel = {
        id: newId('nch'),
        orgId: principal.orgId,
        name: parsed.data.name,
        kind: parsed.data.kind,
        config,
        secretId: null,
        lastSuccessAt: null,
        lastError: null,
        lastErrorAt: null,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction(async (tx) => {
        if (await channels.findByName(c.orgId, c.name, tx))
          throw new ConflictError(`A notification channel named "${c.name}" already exists.`);
        c.secretId = await saveSecret(tx, c, secret);
        await channels.insert(tx, c);
        await record(tx, principal, 'notification_channel.create', c, { name: c.name, kind: c.kind });
      });
      return c;
    },

    async update(principal: Principal, idOrName: string, raw: unknown): Promise<Channel> {
      requireAlerts(principal);
      const parsed = updateChannelSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const existing = await find(principal.orgId, idOrName);
      const c: Channel = {
        ...existing,
        name: input.name ?? existing.name,
        updatedAt: clock.now().toISOString(),
      };
      let secret: ChannelSecret | null = null;
      let clearSecret = false;
      if (input.config !== undefined) {
        if (c.kind === 'email') {
          const cfg = emailConfigSchema.safeParse(mergeConfig(existing.config, input.config));
          if (!cfg.success) throw inputErrorOf(cfg.error, 'config');
          c.config = cfg.data;
        } else if (c.kind === 'webhook') {
          const cfg = webhookChannelSchema.shape.config.safeParse(mergeConfig(existing.config, input.config));
          if (!cfg.success) throw inputErrorOf(cfg.error, 'config');
          c.config = cfg.data;
        } else {
          throw new InputError('config', `config: a ${c.kind} channel has no settings besides its url`);
        }
      }
      if (input.url !== undefined) {
        if (c.kind !== 'slack' && c.kind !== 'teams')
          throw new InputError('url', `url: a ${c.kind} channel takes its address in config`);
        c.config = { url: urlHint(input.url) };
        secret = { url: input.url };
      }
      if (input.password !== undefined) {
        if (c.kind !== 'email') throw new InputError('password', `password: only e-mail channels have one`);
        if (input.password === null) clearSecret = true;
        else secret = { password: input.password };
      }
      if (input.secret !== undefined) {
        if (c.kind !== 'webhook') throw new InputError('secret', `secret: only webhook channels are signed`);
        secret = { secret: input.secret };
      }
      await store.transaction(async (tx) => {
        const clash = await channels.findByName(c.orgId, c.name, tx);
        if (clash && clash.id !== c.id)
          throw new ConflictError(`A notification channel named "${c.name}" already exists.`);
        if (clearSecret) {
          await vault.deleteOwned(tx, c.orgId, OWNER_TYPE, c.id);
          c.secretId = null;
        } else {
          c.secretId = await saveSecret(tx, c, secret);
        }
        await channels.update(tx, c);
        const fields = Object.keys(input).filter((k) => !['password', 'url', 'secret'].includes(k));
        await record(tx, principal, 'notification_channel.update', c, {
          fields,
          secretChanged: secret !== null || clearSecret,
        });
      });
      return c;
    },

    async remove(principal: Principal, idOrName: string): Promise<void> {
      requireAlerts(principal);
      const c = await find(principal.orgId, idOrName);
      await store.transaction(async (tx) => {
        await outbox.dropPendingFor(tx, c.orgId, c.id);
        await forgetChannel(tx, c.orgId, c.id);
        await vault.deleteOwned(tx, c.orgId, OWNER_TYPE, c.id);
        await channels.remove(tx, c.orgId, c.id);
        await record(tx, principal, 'notification_channel.delete', c, { name: c.name });
      });
    },

    /** What the delivery worker sends with: settings and the decrypted secret. */
    async targetOf(orgId: string, channelId: string): Promise<ChannelTarget> {
      const c = await find(orgId, channelId);
      const s = await secretOf(c);
      switch (c.kind) {
        case 'email':
          return { kind: 'email', config: emailConfigSchema.parse(c.config), password: s.password };
        case 'slack':
        case 'teams':
          return { kind: c.kind, url: s.url ?? '' };
        case 'webhook':
          return { kind: 'webhook', url: String(c.config.url), secret: s.secret ?? '' };
      }
    },
  };
}

export type ChannelService = ReturnType<typeof createChannelService>;
