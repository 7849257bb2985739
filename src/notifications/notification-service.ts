/**
 * Notifications for one process: channels and alert rules (create, change, remove), the events sources raise,
 * the outbox of deliveries and the worker that sends them. Every process that evaluates budgets or runs syncs
 * raises events; every process that runs the worker sends them, leasing each delivery so that two never do.
 */
import type { SecretVault } from '../accounts/secret-vault.js';
import type { BudgetAlertSink } from '../budgets/budget-service.js';
import type { Principal } from '../auth/permissions.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { Queryable, Store } from '../store/store.js';
import { createChannelService, requireAlerts } from './channel-service.js';
import { createChannelStore } from './channel-store.js';
import { createAccountMailer } from './account-mail.js';
import { createDeliveryWorker, type DeliverySettings } from './delivery-worker.js';
import { createDigestStore } from './digest-store.js';
import { createDigestService } from './digests/digest-service.js';
import { createReportScheduleStore } from './report-schedule-store.js';
import type { ReportPorts } from './reports/report-ports.js';
import { createReportRunner } from './reports/report-runner.js';
import { createReportService } from './reports/report-service.js';
import { createDirectRouter, createEventRouter } from './event-router.js';
import { createEventWatch } from './event-watch.js';
import { budgetThresholdEvent } from './events/budget-events.js';
import type { RaisedEvent } from './notification-types.js';
import { createOutboxStore, type Delivery } from './outbox-store.js';
import { createRuleService } from './rule-service.js';
import { createRuleStore } from './rule-store.js';

export interface NotificationServiceDeps {
  store: Store;
  vault: SecretVault;
  clock: Clock;
  log: Log;
  settings: DeliverySettings;
  /** The configured public URL; without it links use the server's own address. */
  publicUrl?: string;
  fallbackUrl: string;
  /** How often the scheduled checks (anomalies, sync state, stale data, recommendations) run. */
  checkIntervalMs: number;
}

export function createNotificationService(deps: NotificationServiceDeps) {
  const { store, vault, clock, log } = deps;
  const channelStore = createChannelStore(store);
  const ruleStore = createRuleStore(store);
  const outbox = createOutboxStore(store, store.dialect.claimLock);
  let serverUrl: string | undefined;
  const baseUrl = () => deps.publicUrl ?? serverUrl ?? deps.fallbackUrl;
  const rules = createRuleService({ store, clock, rules: ruleStore, channels: channelStore });
  const channels = createChannelService({
    store,
    vault,
    clock,
    channels: channelStore,
    outbox,
    forgetChannel: async (tx, orgId, id) => {
      await rules.forgetChannel(tx, orgId, id);
      await digests.forgetChannel(tx, orgId, id);
      await reports.forgetChannel(tx, orgId, id);
    },
  });
  const route = createEventRouter({ rules: ruleStore, channels: channelStore, outbox, clock, baseUrl });
  const raiseDirect = createDirectRouter({ outbox, clock, baseUrl });
  const worker = createDeliveryWorker({
    outbox,
    channels: channelStore,
    targetOf: (orgId, id) => channels.targetOf(orgId, id),
    clock,
    log,
    settings: deps.settings,
  });

  /** Raises an event in the caller's transaction; the worker sends it once that commits. */
  async function raise(tx: Queryable, e: RaisedEvent): Promise<number> {
    const queued = await route(tx, e);
    if (queued > 0) setImmediate(() => worker.kick());
    return queued;
  }

  const digests = createDigestService({
    store,
    clock,
    log,
    digests: createDigestStore(store),
    channels,
    outbox,
    raiseDirect,
    kick: () => setImmediate(() => worker.kick()),
  });

  let reportPorts: ReportPorts | undefined;
  const reportSchedules = createReportScheduleStore(store);
  const reports = createReportService({
    store,
    clock,
    schedules: reportSchedules,
    channels,
    ports: () => reportPorts,
  });
  const reportRunner = createReportRunner({
    store,
    clock,
    log,
    schedules: reportSchedules,
    raiseDirect,
    ports: () => reportPorts,
    kick: () => setImmediate(() => worker.kick()),
    sendNow: (orgId, id) => worker.sendNow(orgId, id),
    leaseFrom: (now) => worker.leaseFrom(now),
  });

  const watch = createEventWatch({
    rules: ruleStore,
    outbox,
    clock,
    log,
    raise: (e) => store.transaction((tx) => raise(tx, e)),
    afterChecks: async () => (await digests.runDue()) + (await reportRunner.runDue()),
  });

  const budgetSink: BudgetAlertSink = {
    thresholdCrossed: async (tx, e) => {
      await raise(tx, budgetThresholdEvent(e));
    },
  };

  return {
    channels,
    rules,
    /** Daily and weekly digests: subscriptions, and the run (on the check schedule) that sends them. */
    digests,
    /** Scheduled e-mail reports (showback, saved views): schedules, the run that sends them, send now. */
    reports: {
      ...reports,
      runDue: reportRunner.runDue,
      sendNow: reportRunner.sendNow,
      /** The other domains' reads (set once by the composition root). */
      setPorts(p: ReportPorts): void {
        reportPorts = p;
      },
    },
    /** Sends account e-mail (invitations) with the organization's e-mail channel. */
    accountMailer: createAccountMailer({
      channels: channelStore,
      targetOf: (orgId, id) => channels.targetOf(orgId, id),
      log,
    }),
    raise,
    /** Raises an event in its own transaction (sources without one of their own). */
    raiseNow: (e: RaisedEvent) => store.transaction((tx) => raise(tx, e)),
    budgetSink,
    worker,
    outbox,
    /** The scheduled checks; `setPorts` gives them the other domains' reads. */
    watch,
    /** The address links point to when no public URL is configured (set once the server listens). */
    setServerUrl(url: string): void {
      serverUrl = url;
    },

    /**
     * Sends a test message to a channel at once and says how it went. It goes through the outbox like any
     * delivery (written already leased by this process, then sent), so it shows in the delivery history and its
     * outcome on the channel.
     */
    async sendTest(principal: Principal, idOrName: string): Promise<{ ok: boolean; error: string | null }> {
      requireAlerts(principal);
      const c = await channels.find(principal.orgId, idOrName);
      const now = clock.now();
      const deliveryId = await store.transaction((tx) =>
        raiseDirect(
          tx,
          {
            orgId: c.orgId,
            type: 'test',
            dedupeKey: `test:${c.id}:${newId('tst')}`,
            channelId: c.id,
            message: {
              severity: 'info',
              title: `Test message for channel "${c.name}"`,
              summary: `${principal.email} sent this test from Cloudtally. Alerts routed to this channel will look like this.`,
              facts: [
                { label: 'Channel', value: c.name },
                { label: 'Kind', value: c.kind },
              ],
              path: '/notifications',
              data: { channelId: c.id },
            },
          },
          worker.leaseFrom(now),
        ),
      );
      if (!deliveryId) return { ok: false, error: 'The test message could not be queued.' };
      return worker.sendNow(c.orgId, deliveryId);
    },

    /** The newest deliveries (optionally of one channel), with their state, attempts and last error. */
    async deliveries(orgId: string, channel?: string, limit = 50): Promise<Delivery[]> {
      const channelId = channel ? (await channels.find(orgId, channel)).id : undefined;
      return outbox.listDeliveries(orgId, channelId, limit);
    },

    async delivery(orgId: string, id: string): Promise<Delivery> {
      const d = await outbox.getDelivery(orgId, id);
      if (!d) throw new NotFoundError('Delivery', id);
      return d;
    },

    start(): void {
      worker.start();
      watch.start(deps.checkIntervalMs);
    },
    async stop(): Promise<void> {
      await watch.stop();
      await worker.stop();
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
