import { ConnectionError } from '../lib/errors.js';
import type { StageContext, SyncStages } from './sync-types.js';

/**
 * One set of stages over many providers: each stage runs the stages of the account's provider. The session that
 * a provider's validate opens goes only to its own later stages.
 */
export function stagesByProvider(byProvider: Readonly<Record<string, SyncStages>>): SyncStages {
  const of = (ctx: StageContext<unknown>): SyncStages => {
    const stages = byProvider[ctx.account.provider];
    if (!stages) {
      throw new ConnectionError({
        code: 'provider_unknown',
        message: `This build has no provider "${ctx.account.provider}".`,
        remediation: 'Run a Cloudtally version that supports this cloud, or remove the account.',
      });
    }
    return stages;
  };
  return {
    validate: (ctx) => of(ctx).validate(ctx),
    billing: (ctx) => of(ctx).billing(ctx),
    inventory: (ctx) => of(ctx).inventory(ctx),
    metrics: (ctx) => of(ctx).metrics(ctx),
    recommendations: (ctx) => of(ctx).recommendations(ctx),
    failures: (account) => byProvider[account.provider]?.failures?.(account),
  };
}
