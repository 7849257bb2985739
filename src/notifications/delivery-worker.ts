import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { ChannelTarget } from './channel-schemas.js';
import type { ChannelStore } from './channel-store.js';
import { sendToChannel } from './channels/channel-sender.js';
import { DeliveryError } from './channels/delivery-error.js';
import type { Delivery, OutboxStore } from './outbox-store.js';

export interface DeliverySettings {
  /** How often an idle worker looks for due deliveries (those queued by other processes too). */
  pollMs: number;
  /** A delivery whose lease ran out (its process died) is taken over by any worker. */
  leaseMs: number;
  /** Attempts before a delivery is given up and the failure shown on the channel. */
  maxAttempts: number;
  /** The wait after the first failed attempt; it doubles with every attempt (capped at an hour). */
  retryBaseMs: number;
  batchSize?: number;
}

export interface DeliveryWorkerDeps {
  outbox: OutboxStore;
  channels: Pick<ChannelStore, 'get' | 'recordSuccess' | 'recordError'>;
  /** Decrypts what a channel needs to send (the secret never leaves the worker). */
  targetOf(orgId: string, channelId: string): Promise<ChannelTarget>;
  clock: Clock;
  log: Log;
  settings: DeliverySettings;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;

export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Sends what the outbox holds. Each delivery is leased before it is sent and marked sent right after, so a
 * process that dies leaves it to be taken over when the lease runs out (nothing is lost), and one that restarts
 * never sends again what it marked sent. Failures the receiver may get over are retried with exponential
 * backoff; after `maxAttempts`, or at once for a final failure, the delivery is given up and the channel shows it.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { outbox, channels, clock, log, settings } = deps;
  const workerId = newId('nwk');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  /**
   * Sends one leased delivery and records the outcome. `once` (a test message) gives up at the first failure, so the
   * caller can answer at once; otherwise failures the receiver may get over are retried later.
   */
  async function deliver(d: Delivery, once = false): Promise<{ ok: boolean; error: string | null }> {
    const channel = await channels.get(d.orgId, d.channelId);
    const event = await outbox.getEvent(d.orgId, d.eventId);
    if (!channel || !event) {
      const error = channel ? 'The event is gone.' : 'The channel was removed.';
      await outbox.markFailed(d.id, workerId, error);
      return { ok: false, error };
    }
    try {
      const target = await deps.targetOf(d.orgId, d.channelId);
      await sendToChannel(
        target,
        event.message,
        { deliveryId: d.id, eventId: event.id, orgId: d.orgId, occurredAt: event.createdAt },
        () => clock.now(),
      );
    } catch (err) {
      const final =
        once || !(err instanceof DeliveryError && err.retryable) || d.attempts >= settings.maxAttempts;
      const message =
        err instanceof DeliveryError ? err.message : 'The channel could not be used (see the server log).';
      if (!(err instanceof DeliveryError))
        log.error({ err, deliveryId: d.id }, 'notification delivery failed');
      if (final) {
        const shown = once
          ? `Test: ${message}`
          : `${message} (gave up after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'})`;
        await outbox.markFailed(d.id, workerId, once ? message : shown);
        await channels.recordError(d.orgId, d.channelId, shown, clock.now());
        log.warn(
          { deliveryId: d.id, channelId: d.channelId, attempts: d.attempts, error: message },
          'notification given up',
        );
      } else {
        const next = new Date(clock.now().getTime() + backoffMs(d.attempts, settings.retryBaseMs));
        await outbox.markRetry(d.id, workerId, message, next);
        log.info(
          { deliveryId: d.id, attempts: d.attempts, next: next.toISOString(), error: message },
          'notification retry',
        );
      }
      return { ok: false, error: message };
    }
    const now = clock.now();
    await outbox.markSent(d.id, workerId, now);
    await channels.recordSuccess(d.orgId, d.channelId, now);
    log.info({ deliveryId: d.id, channelId: d.channelId, eventId: d.eventId }, 'notification sent');
    return { ok: true, error: null };
  }

  /** Claims and sends due deliveries until none is left; returns how many were handled. */
  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const now = clock.now();
      const batch = await outbox.claim({
        workerId,
        now,
        leaseUntil: new Date(now.getTime() + settings.leaseMs),
        limit: settings.batchSize ?? 10,
      });
      if (batch.length === 0) return handled;
      await Promise.all(
        batch.map((d) => deliver(d).catch((err: unknown) => log.error({ err }, 'notification delivery'))),
      );
      handled += batch.length;
      if (stopped) return handled;
    }
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => log.error({ err }, 'notification outbox'))
      .then(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          tick();
        }
      });
  }

  return {
    workerId,
    drain,
    /**
     * Sends one queued delivery now, once (a test message), and says how it went; the outcome is recorded on the
     * delivery and the channel like any other's.
     */
    async sendNow(orgId: string, deliveryId: string): Promise<{ ok: boolean; error: string | null }> {
      const d = await outbox.getDelivery(orgId, deliveryId);
      if (!d) return { ok: false, error: 'The delivery is gone.' };
      return deliver(d, true);
    },
    /** How long a lease lasts from now (a delivery written already leased by this worker). */
    leaseFrom(now: Date): { workerId: string; until: Date } {
      return { workerId, until: new Date(now.getTime() + settings.leaseMs) };
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(tick, settings.pollMs);
      timer.unref();
      tick();
    },
    /** Looks at the outbox now (after this process queued something). */
    kick(): void {
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
