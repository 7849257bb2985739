/**
 * Sync stages shared by providers whose bill is an export of files and that have no inventory of their own (FOCUS
 * exports, Azure cost exports): validate through the accounts service, billing through the provider's loader, and
 * inventory, metrics and recommendations skipped with a note.
 */
import { ConnectionError, type Diagnostic } from '../lib/errors.js';
import type { ProviderServices } from './provider.js';
import type { StageContext, StageOutcome, SyncStages } from '../sync/sync-types.js';

export interface ExportLoad {
  periods: {
    period: string;
    status: 'loaded' | 'skipped' | 'failed';
    rows: number;
    diagnostic?: Diagnostic;
  }[];
  diagnostic?: Diagnostic;
}

const stepDiagnostics = (s: {
  step: string;
  code: string;
  message: string;
  remediation?: string;
  diagnostics?: Diagnostic[];
}): Diagnostic[] =>
  s.diagnostics ?? [{ code: s.code, message: s.message, remediation: s.remediation ?? '', step: s.step }];

/** Codes that mean "nothing delivered yet": the stage is not ready rather than failed. */
const NOT_DELIVERED = new Set(['focus_export_empty', 'azure_export_not_delivered']);

export function exportStages(
  services: ProviderServices,
  opts: {
    /** Validation steps without which nothing can be read. */
    blockingSteps: readonly string[];
    load(ctx: StageContext<undefined>, force: boolean): Promise<ExportLoad>;
    noInventory: string;
  },
): SyncStages<undefined> {
  const skipped: StageOutcome = { state: 'skipped', note: opts.noInventory };
  return {
    async validate(ctx) {
      const { validation } = await services.accounts.validate(ctx.account.orgId, ctx.account.id, ctx.signal);
      const blocking = validation.steps
        .filter((s) => s.state === 'fail' && opts.blockingSteps.includes(s.step))
        .flatMap(stepDiagnostics);
      if (blocking.length > 0) throw new ConnectionError(blocking[0], blocking);
      return {
        session: undefined,
        counts: { checksPassed: validation.steps.filter((s) => s.state === 'pass').length },
      };
    },
    async billing(ctx) {
      const result = await opts.load(ctx, Boolean(ctx.options.billingForce));
      const failed = result.periods.filter((p) => p.status === 'failed');
      const counts = {
        periodsLoaded: result.periods.filter((p) => p.status === 'loaded').length,
        periodsUnchanged: result.periods.filter((p) => p.status === 'skipped').length,
        periodsFailed: failed.length,
        rows: result.periods.reduce((s, p) => s + p.rows, 0),
      };
      if (result.periods.length === 0 && result.diagnostic) {
        return {
          state: NOT_DELIVERED.has(result.diagnostic.code) ? 'not_ready' : 'failed',
          counts,
          diagnostics: [{ ...result.diagnostic, step: 'billing' }],
        };
      }
      const diagnostics: Diagnostic[] = failed.flatMap((p) =>
        p.diagnostic ? [{ ...p.diagnostic, step: 'billing' }] : [],
      );
      if (result.diagnostic) diagnostics.push({ ...result.diagnostic, step: 'billing' });
      if (counts.periodsLoaded > 0) {
        for (const [hook, code] of [
          [services.afterLoad, 'anomaly_recompute_failed'],
          [services.evaluateBudgets, 'budget_evaluation_failed'],
        ] as const) {
          if (!hook) continue;
          try {
            await hook(ctx.account.orgId);
          } catch (err) {
            diagnostics.push({
              code,
              message: `The billing data loaded, but what is judged from it could not be updated: ${(err as Error).message}`,
              remediation: 'Sync again; the server log has the details.',
              step: 'billing',
            });
          }
        }
      }
      return { state: diagnostics.length > 0 ? 'failed' : 'succeeded', counts, diagnostics };
    },
    inventory: async () => skipped,
    metrics: async () => skipped,
    recommendations: async () => skipped,
  };
}
