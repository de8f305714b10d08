/**
 * Answers what the webhooks stored, after they acknowledged it: takes pending inbox rows in
 * order, asks the dialogue, stores the rendered replies in the outbox (in the same
 * transaction that closes the inbox row) and sends them — one user at a time, in order,
 * several users in parallel — retrying with exponential backoff when a retry can help.
 * Everything it needs to resume after a crash is in SQLite.
 */
import type { Logger } from '../../core/logger.ts';
import type { Channel, IncomingMessage, Reply } from '../../core/messages.ts';
import { PARKED_UNTIL_OPERATOR, type InboxItem, type OutboxItem, type ZaloQueue } from '../../storage/zalo-queue.ts';
import { rateLimitedReply, type RateLimiter } from '../../http/rate-limit.ts';
import { backoffDelay, DeliveryError, type ChannelSender } from './delivery.ts';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
  /** Attempts for an error code not in the documented table (default 5, at most maxAttempts). */
  unknownCodeMaxAttempts?: number;
}

/**
 * When an exhausted OA quota (-211) is tried again: Zalo's daily quotas reset at midnight,
 * Vietnam time (UTC+7). Parked rows come back then without spending an attempt.
 */
export function nextQuotaReset(now: number): number {
  const offset = 7 * 3_600_000;
  const day = 86_400_000;
  return Math.floor((now + offset) / day) * day + day - offset;
}

export interface MessageWorkerOptions {
  queue: ZaloQueue;
  dialogue: { handle(message: IncomingMessage): Promise<Reply> };
  senders: ReadonlyMap<Channel, ChannelSender>;
  logger: Logger;
  retry: RetryPolicy;
  /** Sends in flight at once (each to a different user). */
  concurrency: number;
  /** Users answered at once, each user's messages in order (default 1: one answer at a time). */
  answerConcurrency?: number;
  rateLimiter?: RateLimiter;
  /** Safety net: how often to look for due work even when nothing kicked the worker. */
  pollMs?: number;
  now?: () => number;
  /**
   * Acknowledgements first: during a burst of webhook requests each answer waits (up to
   * `maxDeferMs`) until the burst pauses, so answering never queues up acknowledgements.
   */
  ackFirst?: { burstWindowMs: number; maxDeferMs: number };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const yieldToIo = () => new Promise<void>((ok) => setImmediate(ok));
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

export class MessageWorker {
  private readonly now: () => number;
  private inboxRunning = false;
  private stopped = true;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly busyUsers = new Set<string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private pollTimer: NodeJS.Timeout | undefined;
  private inboxDone: Promise<void> = Promise.resolve();
  /** A pump is already scheduled: many kicks in one event-loop turn make one query. */
  private pumpScheduled = false;
  /** When a webhook last handed over a message (see `ackFirst`). */
  private lastArrival = 0;
  /** Failed attempts to get an answer, per inbox row (the dialogue being unavailable, not a bad message). */
  private readonly answerFailures = new Map<number, number>();

  constructor(private readonly options: MessageWorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Resumes pending work left by a previous run, then keeps going. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.pollTimer = setInterval(() => {
      this.kick();
    }, this.options.pollMs ?? 1000);
    this.pollTimer.unref();
    this.kick();
  }

  /**
   * New inbox rows (or due outbox rows) may be waiting: look on the next turn of the event
   * loop, so the webhook that called this has sent its acknowledgement first.
   */
  kick(): void {
    this.lastArrival = this.now();
    if (this.stopped) return;
    if (!this.inboxRunning) {
      this.inboxRunning = true;
      this.inboxDone = yieldToIo().then(() => this.drainInbox());
    }
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pumpOutbox();
      });
    }
  }

  /** Stops taking work and waits (up to `graceMs`) for sends in flight; unfinished work stays pending. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    const pending = Promise.allSettled([this.inboxDone, ...this.inFlight.values()]);
    await Promise.race([pending, new Promise<void>((ok) => setTimeout(ok, graceMs).unref())]);
  }

  /** Nothing pending in this process's view: no inbox run and no send in flight. */
  get busy(): boolean {
    return this.inboxRunning || this.inFlight.size > 0;
  }

  private async drainInbox(): Promise<void> {
    const lanes = Math.max(1, this.options.answerConcurrency ?? 1);
    try {
      for (;;) {
        if (this.stopped) return;
        const items = this.options.queue.pendingInbox(Math.max(20, 4 * lanes));
        if (items.length === 0) return;
        // One lane per user keeps each user's order; up to `lanes` users are answered at once.
        const byUser = new Map<string, InboxItem[]>();
        for (const item of items) {
          const key = `${item.channel}:${item.userId}`;
          byUser.set(key, [...(byUser.get(key) ?? []), item]);
        }
        let unavailable = false;
        await runLimited([...byUser.values()], lanes, async (userItems) => {
          for (const item of userItems) {
            if (this.stopped || unavailable) return;
            // The dialogue is unavailable: leave the rest pending; the next poll tries again.
            if (!(await this.answer(item))) {
              unavailable = true;
              return;
            }
            this.pumpOutbox();
            // Let webhook requests that arrived meanwhile be acknowledged before the next answer.
            await yieldToIo();
            await this.waitForBurstToPause();
          }
        });
        if (unavailable) return;
      }
    } catch (error) {
      this.options.logger.error('outbox: inbox processing failed; will retry', describe(error));
    } finally {
      this.inboxRunning = false;
    }
  }

  private async waitForBurstToPause(): Promise<void> {
    const policy = this.options.ackFirst;
    if (!policy) return;
    const start = this.now();
    while (!this.stopped && this.now() - this.lastArrival < policy.burstWindowMs && this.now() - start < policy.maxDeferMs) {
      await sleep(policy.burstWindowMs);
    }
  }

  /** Answers one inbox row; false when the dialogue could not be reached (the row stays pending). */
  private async answer(item: InboxItem): Promise<boolean> {
    const { queue, logger, senders, rateLimiter } = this.options;
    const sender = senders.get(item.channel);
    if (!sender) {
      queue.end(item.id, 'failed', `channel ${item.channel} is off`);
      logger.warn(`outbox: message for ${item.channel} left unanswered: the channel is off`);
      return true;
    }
    try {
      const verdict = rateLimiter?.hit(`${item.channel}:${item.userId}`, item.receivedAt) ?? 'ok';
      if (verdict === 'silenced') {
        queue.end(item.id, 'rate_limited');
        return true;
      }
      if (verdict === 'limited') {
        queue.complete(item, sender.render(rateLimitedReply(rateLimiter!.perMinute), item.userId), this.now());
        logger.info(`rate limit: ${item.channel} user over ${rateLimiter!.perMinute}/min, told once`);
        return true;
      }
      if (sender.typing) {
        sender.typing(item.userId).catch((error: unknown) => logger.debug('typing indicator failed', describe(error)));
      }
      let reply: Reply;
      try {
        reply = await this.options.dialogue.handle(item.message);
      } catch (error) {
        // Dialogue.handle never throws for a bad message: this is the dialogue itself being unavailable.
        const failures = (this.answerFailures.get(item.id) ?? 0) + 1;
        this.answerFailures.set(item.id, failures);
        if (failures < 3) {
          logger.warn(`outbox: the dialogue is unavailable (${failures}/3), will retry`, describe(error));
          return false;
        }
        throw error;
      }
      this.answerFailures.delete(item.id);
      queue.complete(item, sender.render(reply, item.userId), this.now());
    } catch (error) {
      // A bug while answering this one message: record it and move on, never loop on it.
      this.answerFailures.delete(item.id);
      queue.end(item.id, 'failed', error instanceof Error ? error.message : String(error));
      logger.error('outbox: could not answer a message', describe(error));
    }
    return true;
  }

  private pumpOutbox(): void {
    if (this.stopped) return;
    const { queue, concurrency } = this.options;
    const free = concurrency - this.inFlight.size;
    if (free > 0) {
      const now = this.now();
      for (const item of queue.dueOutbox(now, free + this.inFlight.size)) {
        if (this.inFlight.size >= concurrency) break;
        const userKey = `${item.channel}:${item.userId}`;
        if (this.inFlight.has(item.id) || this.busyUsers.has(userKey)) continue;
        this.busyUsers.add(userKey);
        const done = this.deliver(item).finally(() => {
          this.inFlight.delete(item.id);
          this.busyUsers.delete(userKey);
          this.pumpOutbox();
        });
        this.inFlight.set(item.id, done);
      }
    }
    this.scheduleWake();
  }

  /** Wakes up when the earliest retry is due (work already due is driven by kicks and finished sends). */
  private scheduleWake(): void {
    const due = this.options.queue.nextDueAfter(this.now());
    if (due === undefined || this.stopped) return;
    if (due >= this.wakeAt && this.wakeTimer) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = due;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.pumpOutbox();
      },
      // setTimeout overflows above 2^31-1 ms (and would fire at once).
      Math.min(2_147_483_647, Math.max(0, due - this.now())),
    );
    this.wakeTimer.unref();
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { queue, logger, retry } = this.options;
    const sender = this.options.senders.get(item.channel);
    try {
      if (!sender) throw new DeliveryError(`channel ${item.channel} is off`, true);
      await sender.send(item.userId, item.payload);
      queue.markSent(item.id, this.now());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      const attempts = item.attempts + 1;
      const unknownCode = error instanceof DeliveryError && error.unknownCode;
      const maxAttempts = unknownCode ? Math.min(retry.maxAttempts, retry.unknownCodeMaxAttempts ?? 5) : retry.maxAttempts;
      if (error instanceof DeliveryError && error.park) {
        // Waiting for an operator (token) or the quota's reset: no attempt is spent.
        const until = error.park === 'quota' ? nextQuotaReset(this.now()) : PARKED_UNTIL_OPERATOR;
        queue.park(item.id, error.park, until, message);
        const parked = queue.parked(this.now());
        logger.warn(
          `outbox: ${item.channel} reply #${item.id} parked (${error.park === 'token' ? 'waiting for a new OA token' : `quota exhausted, until ${new Date(until).toISOString()}`}); ` +
            `parked now: ${parked.token} for the token, ${parked.quota} for the quota: ${message}`,
        );
      } else if (!retryable) {
        queue.markFailed(item.id, message);
        logger.warn(`outbox: ${item.channel} reply #${item.id} not sent and not retried: ${message}`);
      } else if (attempts >= maxAttempts) {
        queue.markFailed(item.id, `gave up after ${attempts} attempts: ${message}`);
        logger.error(`outbox: ${item.channel} reply #${item.id} given up after ${attempts} attempts: ${message}`);
      } else {
        const delay = backoffDelay(attempts, retry);
        queue.reschedule(item.id, attempts, this.now() + delay, message);
        const line = `outbox: ${item.channel} reply #${item.id} failed (attempt ${attempts}/${maxAttempts}), retry in ${delay} ms: ${message}`;
        if (unknownCode) logger.error(`${line} — UNKNOWN Zalo error code: retried at most ${maxAttempts} times; please report it`);
        else logger.warn(line);
      }
    }
  }
}

function describe(error: unknown): { error: string; stack?: string } {
  return error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) };
}
