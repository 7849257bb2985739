import type { RetryPolicy } from './retry.js';

export interface SyncSettings {
  /** Minutes between scheduled runs unless the organization or the account says otherwise. */
  defaultIntervalMinutes: number;
  /** Runs one process works on at once. */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  schedulerTickMs?: number;
  maxAttempts?: number;
  retry?: RetryPolicy;
  progressIntervalMs?: number;
}

/** The sync settings of a configuration. */
export function syncSettingsFrom(config: {
  syncIntervalMinutes: number;
  maxConcurrentSyncs: number;
  syncLeaseSeconds: number;
  syncPollMs: number;
}): SyncSettings {
  return {
    defaultIntervalMinutes: config.syncIntervalMinutes,
    concurrency: config.maxConcurrentSyncs,
    leaseMs: config.syncLeaseSeconds * 1000,
    pollMs: config.syncPollMs,
  };
}
