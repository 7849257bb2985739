import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../lib/errors.js';
import { accountStatusFromRow, intervalOf, statusAfterRun } from './account-status.js';
import { runStateOf } from '../sync/run-executor.js';
import type { StageName, StageRecord, StageState } from '../sync/sync-types.js';

const d = (code: string): Diagnostic => ({ code, message: `${code} happened`, remediation: `fix ${code}` });

function stages(
  states: Partial<Record<StageName, StageState>>,
  diagnostics: Partial<Record<StageName, Diagnostic[]>> = {},
) {
  return (['validate', 'billing', 'inventory', 'metrics', 'recommendations'] as StageName[]).map(
    (name): StageRecord => ({
      name,
      state: states[name] ?? 'succeeded',
      startedAt: null,
      finishedAt: null,
      durationMs: 1,
      tries: 1,
      counts: {},
      diagnostics: diagnostics[name] ?? [],
    }),
  );
}

describe('runStateOf', () => {
  it.each([
    ['every stage succeeded', {}, 'succeeded'],
    ['billing not applicable', { billing: 'skipped' }, 'succeeded'],
    ['export not delivered yet', { billing: 'not_ready' }, 'succeeded'],
    ['metrics failed', { metrics: 'failed' }, 'partial'],
    [
      'inventory failed, its dependants skipped',
      { inventory: 'failed', metrics: 'skipped', recommendations: 'skipped' },
      'partial',
    ],
    [
      'validate failed',
      {
        validate: 'failed',
        billing: 'skipped',
        inventory: 'skipped',
        metrics: 'skipped',
        recommendations: 'skipped',
      },
      'failed',
    ],
    [
      'every stage that ran failed',
      { billing: 'failed', inventory: 'failed', metrics: 'skipped', recommendations: 'skipped' },
      'failed',
    ],
  ] as const)('%s → %s', (_what, states, expected) => {
    expect(runStateOf(stages(states))).toBe(expected);
  });
});

describe('statusAfterRun', () => {
  it('healthy after a full success, keeping warnings', () => {
    const s = statusAfterRun(
      { id: 'r', state: 'succeeded', stages: stages({}, { validate: [d('discovery_denied')] }), error: null },
      true,
    );
    expect(s?.state).toBe('healthy');
    expect(s?.diagnostics.map((x) => [x.code, x.step])).toEqual([['discovery_denied', 'validate']]);
  });

  it('pending while the first export is not delivered, healthy once data exists', () => {
    const run = {
      id: 'r',
      state: 'succeeded' as const,
      stages: stages({ billing: 'not_ready' }, { billing: [d('billing_manifest_missing')] }),
      error: null,
    };
    expect(statusAfterRun(run, false)?.state).toBe('pending');
    expect(statusAfterRun(run, false)?.diagnostics[0].code).toBe('billing_manifest_missing');
    expect(statusAfterRun(run, true)?.state).toBe('healthy');
  });

  it('degraded with the failed stages and why', () => {
    const s = statusAfterRun(
      {
        id: 'r',
        state: 'partial',
        stages: stages({ metrics: 'failed' }, { metrics: [d('cloudwatch_denied')] }),
        error: d('cloudwatch_denied'),
      },
      true,
    );
    expect(s?.state).toBe('degraded');
    expect(s?.detail.failedStages).toEqual([{ stage: 'metrics', diagnostics: [d('cloudwatch_denied')] }]);
    expect(s?.detail.message).toContain('metrics');
  });

  it('failed with the diagnostic code, message and remediation', () => {
    const s = statusAfterRun(
      {
        id: 'r',
        state: 'failed',
        stages: stages({ validate: 'failed' }, { validate: [d('role_not_trusted')] }),
        error: d('role_not_trusted'),
      },
      false,
    );
    expect(s?.state).toBe('failed');
    expect(s?.diagnostics[0]).toEqual({ ...d('role_not_trusted'), step: 'validate' });
  });

  it('leaves the status alone for cancelled and interrupted runs', () => {
    for (const state of ['cancelled', 'interrupted'] as const) {
      expect(statusAfterRun({ id: 'r', state, stages: stages({}), error: null }, true)).toBeUndefined();
    }
  });
});

describe('accountStatusFromRow', () => {
  const row = {
    disabled: false,
    status_state: 'syncing',
    status_detail: JSON.stringify({ runId: 'run_1', stage: 'billing', progress: { done: 2, total: 13 } }),
    diagnostics: '[]',
    last_sync_at: new Date('2026-01-02T03:04:05Z'),
    last_attempt_at: '2026-01-03T00:00:00Z',
    next_sync_at: new Date('2026-01-03T06:00:00Z'),
    data_freshness: '2026-01-01',
  };

  it('shows the stage and progress while syncing, and the times and freshness', () => {
    expect(accountStatusFromRow(row)).toMatchObject({
      state: 'syncing',
      runId: 'run_1',
      stage: 'billing',
      progress: { done: 2, total: 13 },
      lastSyncAt: '2026-01-02T03:04:05.000Z',
      lastAttemptAt: '2026-01-03T00:00:00.000Z',
      nextSyncAt: '2026-01-03T06:00:00.000Z',
      dataFreshness: '2026-01-01',
    });
  });

  it('shows a disabled account as disabled with no next sync', () => {
    expect(accountStatusFromRow({ ...row, disabled: true })).toMatchObject({
      state: 'disabled',
      stage: null,
      nextSyncAt: null,
    });
  });
});

describe('intervalOf', () => {
  it('takes the account setting, else the organization setting, else the default', () => {
    expect(intervalOf(30, '{"syncIntervalMinutes":120}', 360)).toBe(30);
    expect(intervalOf(null, '{"syncIntervalMinutes":120}', 360)).toBe(120);
    expect(intervalOf(null, '{"other":1}', 360)).toBe(360);
    expect(intervalOf(null, 'not json', 360)).toBe(360);
  });
});
