import type { AccountService } from '../../../accounts/account-service.js';
import { awsDocumentOf } from '../connection/connection-document.js';
import type { BillingService } from '../../../billing/billing-service.js';
import { awsBillingOf } from '../billing/aws-billing.js';
import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import type { AwsStage, AwsStageContext, AwsStagePorts } from './aws-stages.js';
import type { StageOutcome } from '../../../sync/sync-types.js';
import type { CommitmentStep } from '../commitments/commitment-sync.js';

// Adapters from the domain services to the stages of a run: what each service is asked, and how its answer
// becomes counts, diagnostics and a stage state. The services are typed as the few methods used.

interface InventoryPort {
  scanAccount(input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    clients: AwsStageContext['session']['clients'];
    signal?: AbortSignal;
    onProgress?: (p: { done: number; total: number; message: string }) => void;
  }): Promise<{
    counts: Record<string, number>;
    regions: { scanned: string[]; failed: string[] };
    gone: number;
    diagnostics: Diagnostic[];
  }>;
  collectMetrics(input: {
    orgId: string;
    cloudAccountId: string;
    clients: AwsStageContext['session']['clients'];
    signal?: AbortSignal;
    onProgress?: (p: { done: number; total: number; message: string }) => void;
  }): Promise<{ series: number; points: number; requests: number; diagnostics: Diagnostic[] }>;
  linkCosts(input: { orgId: string; cloudAccountId: string; awsAccountId: string }): Promise<unknown>;
}

interface RecommendationPort {
  runForAccount(input: { orgId: string; cloudAccountId: string; signal?: AbortSignal }): Promise<{
    opened: number;
    closed: number;
    updated: number;
    unchanged: number;
    skipped: string[];
  }>;
}

type BillingPort = Pick<BillingService, 'syncSource'>;

type AccountsPort = Pick<AccountService, 'find' | 'nativeIds' | 'shownDiagnostics'>;

/** Accounts without credentials of their own (a member connected for billing only) have nothing to scan. */
function hasAccess(ctx: AwsStageContext): boolean {
  return Boolean(ctx.session.connection.secretId || ctx.session.connection.roleArn);
}

const NO_ACCESS: StageOutcome = {
  state: 'skipped',
  note: 'The account has no credentials of its own; its billing comes through the payer.',
};

export function inventoryStages(inventory: InventoryPort): { inventory: AwsStage; metrics: AwsStage } {
  return {
    async inventory(ctx) {
      if (!hasAccess(ctx)) return NO_ACCESS;
      const result = await inventory.scanAccount({
        orgId: ctx.account.orgId,
        cloudAccountId: ctx.account.id,
        awsAccountId: ctx.account.awsAccountId ?? '',
        clients: ctx.session.clients,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ done: p.done, total: p.total, message: p.message }),
      });
      const counts: Record<string, number> = { ...result.counts, regions: result.regions.scanned.length };
      if (result.gone) counts.gone = result.gone;
      // A region that could not be scanned keeps its previous resources: the stage completed, but in part.
      return {
        state: result.regions.failed.length > 0 ? 'failed' : 'succeeded',
        counts,
        diagnostics: result.diagnostics,
      };
    },
    async metrics(ctx) {
      if (!hasAccess(ctx)) return NO_ACCESS;
      const result = await inventory.collectMetrics({
        orgId: ctx.account.orgId,
        cloudAccountId: ctx.account.id,
        clients: ctx.session.clients,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ done: p.done, total: p.total, message: p.message }),
      });
      return {
        state: result.diagnostics.length > 0 ? 'failed' : 'succeeded',
        counts: { series: result.series, points: result.points, requests: result.requests },
        diagnostics: result.diagnostics,
      };
    },
  };
}

export function recommendationStage(
  recommendations: RecommendationPort,
  inventory: Pick<InventoryPort, 'linkCosts'>,
): AwsStage {
  return async (ctx) => {
    if (ctx.account.awsAccountId) {
      // Savings come from what each resource cost in the bill: link the freshest bill to the fresh inventory.
      await inventory.linkCosts({
        orgId: ctx.account.orgId,
        cloudAccountId: ctx.account.id,
        awsAccountId: ctx.account.awsAccountId,
      });
    }
    const result = await recommendations.runForAccount({
      orgId: ctx.account.orgId,
      cloudAccountId: ctx.account.id,
      signal: ctx.signal,
    });
    return {
      counts: {
        opened: result.opened,
        closed: result.closed,
        updated: result.updated,
        unchanged: result.unchanged,
        rulesSkipped: result.skipped.length,
      },
      note: result.skipped.length > 0 ? `Rules not evaluated: ${result.skipped.join(', ')}` : undefined,
    };
  };
}

const RECOMPUTE_FAILED = 'anomaly_recompute_failed';

// The billing package's code for an export that holds no period yet: nothing to fix, AWS has not delivered.
const NOT_DELIVERED = new Set(['billing_manifest_missing']);

export function billingStage(deps: {
  billing: BillingPort;
  accounts: AccountsPort;
  retentionMonths: number;
  /**
   * Runs after periods were (re)loaded, e.g. to recompute cost anomalies over the new figures. When it fails the
   * stage reports failed (the account shows degraded with the diagnostic): the figures loaded, what is judged
   * from them is stale.
   */
  afterLoad?: (orgId: string) => Promise<unknown>;
  /** Runs after the anomalies: evaluates budgets over the new figures (and queues their alerts). */
  evaluateBudgets?: (orgId: string) => Promise<unknown>;
  /** Cost Explorer connections: reads their commitments (there are no CUR lines to read them from). */
  costExplorerCommitments?: CommitmentStep;
}): AwsStage {
  const hooks = [
    {
      run: deps.afterLoad,
      code: RECOMPUTE_FAILED,
      what: 'cost anomalies could not be recomputed',
      remediation:
        'Retry with POST /api/v1/costs/anomalies/recompute (or sync again); the server log has the details.',
    },
    {
      run: deps.evaluateBudgets,
      code: 'budget_evaluation_failed',
      what: 'budgets could not be evaluated',
      remediation: 'Retry with POST /api/v1/budgets/evaluate; the server log has the details.',
    },
  ];
  const afterLoad = async (
    account: { id: string; orgId: string },
    periodsLoaded: number,
  ): Promise<Diagnostic[]> => {
    // An account that showed a failed anomaly recompute before this run (its status while syncing keeps the one
    // before) recomputes even when no period changed, so that it does not turn healthy over stale anomalies.
    if (
      periodsLoaded === 0 &&
      !(await deps.accounts.shownDiagnostics(account.orgId, account.id)).some(
        (d) => d.code === RECOMPUTE_FAILED,
      )
    )
      return [];
    const out: Diagnostic[] = [];
    for (const h of hooks) {
      if (!h.run) continue;
      try {
        await h.run(account.orgId);
      } catch (err) {
        out.push({
          code: h.code,
          message: `The billing data loaded, but ${h.what}: ${(err as Error).message}`,
          remediation: h.remediation,
          step: 'billing',
        });
      }
    }
    return out;
  };
  // The account's source among the provider's billing sources (aws-billing.ts), by connection type.
  const billing = awsBillingOf(deps.billing);
  return async (ctx) => {
    const { account } = ctx;
    if (account.type === 'linked') {
      return { state: 'skipped', note: "A member account's billing comes through its payer's export." };
    }
    const force = Boolean(ctx.options.billingForce);
    if (account.type === 'cost_explorer') {
      const result = await billing.syncCostExplorer({
        orgId: account.orgId,
        cloudAccountId: account.id,
        ce: ctx.session.clients.ce(),
        months: deps.retentionMonths,
        force,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ done: p.rows, message: `${p.phase} (${p.requests} requests)` }),
      });
      const periodsLoaded = result.periods.filter((p) => p.status === 'loaded').length;
      const commitments = deps.costExplorerCommitments
        ? await deps.costExplorerCommitments(ctx)
        : { counts: {}, diagnostics: [] };
      const recompute = await afterLoad(account, periodsLoaded);
      return {
        state: recompute.length > 0 ? 'failed' : 'succeeded',
        counts: {
          periodsLoaded,
          rows: result.periods.reduce((s, p) => s + p.rows, 0),
          requests: result.requests,
          ...commitments.counts,
        },
        diagnostics: [...commitments.diagnostics, ...recompute],
      };
    }
    const stored = await deps.accounts.find(account.orgId, account.id);
    const row = stored ? awsDocumentOf(stored.connection) : null;
    if (!row?.bucket || !row.exportName) {
      return { state: 'skipped', note: 'No billing export is set for this account.' };
    }
    // Costs are imported only for connected accounts (the payer included) unless the payer imports all members.
    const connected = await deps.accounts.nativeIds(account.orgId, 'aws');
    const region = row.exportRegion ?? 'us-east-1';
    const result = await billing.syncExport({
      orgId: account.orgId,
      cloudAccountId: account.id,
      awsAccountId: account.awsAccountId ?? '',
      export: {
        type: row.exportType === 'legacy' ? 'legacy' : 'cur2',
        name: row.exportName,
        bucket: row.bucket,
        prefix: row.prefix ?? '',
        region,
      },
      edp: Boolean(row.edp),
      memberImport: row.memberImport === 'all' ? 'all' : 'connected-only',
      connectedAccountIds: connected,
      retentionMonths: deps.retentionMonths,
      force,
      s3: ctx.session.clients.s3(region),
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress({
          done: p.filesDone,
          total: p.filesTotal,
          message: `${p.period.slice(0, 7)} ${p.phase}${p.rows ? ` ${p.rows} rows` : ''}`,
        }),
    });
    const failed = result.periods.filter((p) => p.status === 'failed');
    const counts = {
      periodsLoaded: result.periods.filter((p) => p.status === 'loaded').length,
      periodsUnchanged: result.periods.filter((p) => p.status === 'skipped').length,
      periodsFailed: failed.length,
      periodsOutsideRetention: result.outsideRetention.length,
      rows: result.periods.reduce((s, p) => s + p.rows, 0),
    };
    // Periods older than the retention window are skipped by design; say which, so that $0 is never a mystery.
    const outside = result.outsideRetention;
    const note =
      outside.length > 0
        ? `${outside.length} period${outside.length === 1 ? '' : 's'} older than the ${deps.retentionMonths} months kept not loaded (${outside.length > 3 ? `${outside[0]} to ${outside.at(-1)}` : outside.join(', ')}); CLOUDTALLY_RETENTION_MONTHS sets the window.`
        : undefined;
    if (result.periods.length === 0 && result.diagnostic) {
      return {
        state: NOT_DELIVERED.has(result.diagnostic.code) ? 'not_ready' : 'failed',
        counts,
        diagnostics: [{ ...result.diagnostic, step: 'billing' }],
        note,
      };
    }
    const recompute = await afterLoad(account, counts.periodsLoaded);
    return {
      state: failed.length > 0 || recompute.length > 0 ? 'failed' : 'succeeded',
      counts,
      note,
      diagnostics: [
        ...failed.flatMap((p) => (p.diagnostic ? [{ ...p.diagnostic, step: 'billing' }] : [])),
        ...recompute,
      ],
    };
  };
}

interface ValidationStepLike {
  step: string;
  state: 'pass' | 'fail' | 'skipped';
  code: string;
  message: string;
  remediation?: string;
  diagnostics?: Diagnostic[];
}

interface ValidationPort {
  validate(
    orgId: string,
    id: string,
    signal?: AbortSignal,
  ): Promise<{ validation: { steps: ValidationStepLike[] } }>;
}

const stepDiagnostics = (s: ValidationStepLike): Diagnostic[] =>
  s.diagnostics ?? [{ code: s.code, message: s.message, remediation: s.remediation ?? '', step: s.step }];

// Without credentials and identity nothing else can run; the other checks (bucket, export, discovery) belong to
// the stages that use them, which report their own diagnostics.
const BLOCKING_STEPS = new Set(['credentials', 'identity']);

/** The accounts validator as the validate stage: it records the report and refreshes the discovered members. */
export function validateStage(accounts: ValidationPort): NonNullable<AwsStagePorts['validate']> {
  return async (ctx) => {
    const { validation } = await accounts.validate(ctx.account.orgId, ctx.account.id, ctx.signal);
    const failed = validation.steps.filter((s) => s.state === 'fail');
    const blocking = failed.filter((s) => BLOCKING_STEPS.has(s.step)).flatMap(stepDiagnostics);
    if (blocking.length > 0) throw new ConnectionError(blocking[0], blocking);
    const warnings = failed
      .filter((s) => s.step === 'discovery')
      .flatMap(stepDiagnostics)
      .map((d) => ({ ...d, step: d.step ?? 'validate' }));
    return {
      counts: { checksPassed: validation.steps.filter((s) => s.state === 'pass').length },
      diagnostics: warnings,
    };
  };
}
