import type { Clock } from '../lib/clock.js';
import type { Diagnostic } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import { CONNECTION_FAILURES } from './failure-classifier.js';
import { diagnosticsOf, RunAborted, withRetry, type AbortKind, type RetryPolicy } from './retry.js';
import {
  STAGE_NAMES,
  STAGE_NEEDS,
  type RunOptions,
  type RunState,
  type StageName,
  type StageOutcome,
  type StageProgress,
  type StageRecord,
  type SyncAccount,
  type SyncStages,
  type SyncTrigger,
} from './sync-types.js';

export interface ExecuteInput {
  runId: string;
  trigger: SyncTrigger;
  options: RunOptions;
  account: SyncAccount;
  signal: AbortSignal;
  /** Called on every stage transition (flush: true) and on progress reports (flush: false). */
  onUpdate(stages: StageRecord[], current: StageName | null, progress: StageProgress, flush: boolean): void;
}

export interface ExecuteResult {
  state: RunState;
  stages: StageRecord[];
  /** The headline diagnostic of a run that did not succeed. */
  error: Diagnostic | null;
  /** Set when the run stopped because its signal aborted. */
  aborted?: AbortKind;
}

function waiting(name: StageName): StageRecord {
  return {
    name,
    state: 'waiting',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    tries: 0,
    counts: {},
    diagnostics: [],
  };
}

function abortKindOf(signal: AbortSignal): AbortKind | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof RunAborted ? signal.reason.kind : 'cancel';
}

/** The state of a run from its stages: one failure among successes is partial; no success at all is failed. */
export function runStateOf(stages: StageRecord[]): RunState {
  const validate = stages.find((s) => s.name === 'validate');
  if (validate?.state === 'failed') return 'failed';
  const failed = stages.some((s) => s.state === 'failed');
  if (!failed) return 'succeeded';
  const succeeded = stages.some((s) => s.name !== 'validate' && s.state === 'succeeded');
  return succeeded ? 'partial' : 'failed';
}

/**
 * Runs the stages of one run in order. A stage that fails does not stop the stages that do not need it;
 * transient failures are retried with backoff; an aborted signal stops the run at once.
 */
export async function executeRun<S>(
  deps: { stages: SyncStages<S>; retry: RetryPolicy; clock: Clock; log: Log },
  input: ExecuteInput,
): Promise<ExecuteResult> {
  const records = STAGE_NAMES.map(waiting);
  const log = deps.log.child({ runId: input.runId, cloudAccountId: input.account.id });
  let session: S | undefined;
  // Stages that returned: a stage that reported failures (e.g. one region denied) still produced what the
  // stages after it need; one that threw or was skipped did not.
  const completed = new Set<StageName>();
  let progress: StageProgress = {};
  const snapshot = () => records.map((r) => ({ ...r }));
  const failures = deps.stages.failures?.(input.account) ?? CONNECTION_FAILURES;

  for (const record of records) {
    const aborted = abortKindOf(input.signal);
    if (aborted) {
      for (const r of records)
        if (r.state === 'waiting') r.state = aborted === 'cancel' ? 'cancelled' : 'interrupted';
      break;
    }
    const missing = STAGE_NEEDS[record.name].filter((need) => !completed.has(need));
    if (missing.length > 0) {
      record.state = 'skipped';
      record.note = `Needs ${missing.join(' and ')}, which did not complete in this run.`;
      continue;
    }
    const started = deps.clock.now();
    record.state = 'running';
    record.startedAt = started.toISOString();
    progress = {};
    input.onUpdate(snapshot(), record.name, progress, true);
    const ctx = {
      runId: input.runId,
      trigger: input.trigger,
      options: input.options,
      account: input.account,
      signal: input.signal,
      log: log.child({ stage: record.name }),
      progress: (update: StageProgress) => {
        progress = { ...progress, ...update };
        record.progress = progress;
        input.onUpdate(snapshot(), record.name, progress, false);
      },
    };
    try {
      const { value, tries } = await withRetry(
        async (attempt): Promise<StageOutcome> => {
          record.tries = attempt;
          if (record.name === 'validate') {
            const result = await deps.stages.validate({ ...ctx, session: undefined });
            session = result.session;
            return result;
          }
          return deps.stages[record.name]({ ...ctx, session: session as S });
        },
        deps.retry,
        input.signal,
        (err, attempt, delayMs) =>
          log.warn({ stage: record.name, attempt, delayMs, err }, 'transient failure; retrying the stage'),
        failures,
      );
      record.tries = tries;
      record.state = value.state ?? 'succeeded';
      // A service that stops early on an abort may return rather than throw: it still did not finish.
      const abortedMeanwhile = abortKindOf(input.signal);
      if (abortedMeanwhile) record.state = abortedMeanwhile === 'cancel' ? 'cancelled' : 'interrupted';
      record.counts = value.counts ?? {};
      record.diagnostics = value.diagnostics ?? [];
      if (value.note) record.note = value.note;
      // A validate that reports failures means no access: nothing after it can run.
      if (record.state === 'succeeded' || (record.state === 'failed' && record.name !== 'validate')) {
        completed.add(record.name);
      }
    } catch (err) {
      const kind = abortKindOf(input.signal);
      if (kind) {
        record.state = kind === 'cancel' ? 'cancelled' : 'interrupted';
      } else {
        record.state = 'failed';
        record.diagnostics = diagnosticsOf(err, record.name, input.runId, failures);
        log.warn({ stage: record.name, err }, 'sync stage failed');
      }
    }
    const finished = deps.clock.now();
    record.finishedAt = finished.toISOString();
    record.durationMs = finished.getTime() - started.getTime();
    input.onUpdate(snapshot(), null, {}, true);
  }

  const aborted = abortKindOf(input.signal);
  if (aborted) {
    const error: Diagnostic =
      aborted === 'cancel'
        ? {
            code: 'sync_cancelled',
            message: 'The sync was cancelled; the data of the stages that finished is kept.',
            remediation: 'Start a sync again when you need fresh data.',
          }
        : {
            code: 'sync_interrupted',
            message: 'The sync was interrupted before it finished; the data loaded before it is kept.',
            remediation: 'Nothing to fix: the next run starts from the beginning.',
          };
    return { state: aborted === 'cancel' ? 'cancelled' : 'interrupted', stages: records, error, aborted };
  }
  const state = runStateOf(records);
  const firstFailure = records.find((r) => r.state === 'failed');
  return {
    state,
    stages: records,
    error: state === 'succeeded' ? null : (firstFailure?.diagnostics[0] ?? null),
  };
}
