/**
 * The Zalo channels at run time: the persisted queue, the senders of the channels that are
 * configured, the OA token manager and the worker that answers and delivers. `main.ts`
 * starts it once the assistant is ready; the webhook routers reach it through a getter so
 * they can be mounted before that (answering 503 meanwhile).
 */
import type { Router } from 'express';
import type { AppConfig } from '../../config.ts';
import type { Logger } from '../../core/logger.ts';
import type { Channel, IncomingMessage, OutgoingMessage, Reply } from '../../core/messages.ts';
import type { Db } from '../../storage/database.ts';
import { ZaloQueue } from '../../storage/zalo-queue.ts';
import { ZaloTokenStore } from '../../storage/zalo-tokens.ts';
import type { RateLimiter } from '../../http/rate-limit.ts';
import { createOaWebhookRouter, oaChannelConfigured } from '../zalo-oa/webhook.ts';
import { ZaloOaClient } from '../zalo-oa/oa-client.ts';
import { SET_REFRESH_COMMAND, ZaloTokenManager } from '../zalo-oa/token-manager.ts';
import { ZaloOaSender } from '../zalo-oa/sender.ts';
import { botChannelConfigured, createBotWebhookRouter } from '../zalo-bot/webhook.ts';
import { ZaloBotClient } from '../zalo-bot/bot-client.ts';
import { ZaloBotSender } from '../zalo-bot/sender.ts';
import type { ChannelSender } from './delivery.ts';
import { MessageWorker } from './message-worker.ts';

/**
 * Finished inbox/outbox rows (the dedupe keys) are kept this long: 7 days, and always a day
 * longer than the replay window, so an event replayed inside the window is still a duplicate.
 */
export function keepFinishedMs(replayWindowMs: number): number {
  return Math.max(7 * 86_400_000, replayWindowMs + 86_400_000);
}

export interface ZaloRuntime {
  queue: ZaloQueue;
  worker: MessageWorker;
  tokens?: ZaloTokenManager;
  channels: Channel[];
  /**
   * Sends messages to a user outside a reply (a quiz session's next question), through the same
   * persisted outbox, after what is already queued for them.
   * @example quiz.notifier.register('zalo-oa', (userId, messages) => zalo.push('zalo-oa', userId, messages));
   */
  push(channel: Channel, userId: string, messages: OutgoingMessage[]): number[];
  /** What /healthz shows: replies pending and parked (waiting for a token or the quota). */
  health(): { pending: number; parked: { token: number; quota: number } };
  stop(): Promise<void>;
}

export interface ZaloRuntimeDeps {
  config: AppConfig;
  db: Db;
  dialogue: { handle(message: IncomingMessage): Promise<Reply> };
  /** Users answered at once (the answer workers' count; 1 when answering on this thread). */
  answerConcurrency?: number;
  logger: Logger;
  rateLimiter?: RateLimiter;
}

/** Starts the worker for the configured channels; undefined when neither Zalo channel is configured. */
export function startZaloRuntime(deps: ZaloRuntimeDeps): ZaloRuntime | undefined {
  const { config, db, logger } = deps;
  const senders = new Map<Channel, ChannelSender>();
  let tokens: ZaloTokenManager | undefined;
  let tokenStore: ZaloTokenStore | undefined;

  if (oaChannelConfigured(config)) {
    const store = new ZaloTokenStore(db);
    tokenStore = store;
    if (store.seed({ accessToken: config.zaloOa.accessToken, refreshToken: config.zaloOa.refreshToken })) {
      logger.info('Zalo OA: token pair taken from ZALO_OA_ACCESS_TOKEN/ZALO_OA_REFRESH_TOKEN and stored in SQLite (refreshed there from now on)');
    }
    const pair = store.get();
    if (!pair?.accessToken && !pair?.refreshToken) {
      logger.warn(`Zalo OA: no token yet — replies wait in the outbox until you run ${SET_REFRESH_COMMAND}`);
    } else if (pair.refreshToken && !config.zaloOa.appSecret) {
      logger.warn('Zalo OA: ZALO_APP_SECRET is missing, so the access token cannot be refreshed when it expires');
    }
    if (config.zaloSignature.mode === 'log-only') {
      logger.warn('Zalo OA: ZALO_OA_SIGNATURE_MODE=log-only — webhook signatures are NOT enforced; set it to enforce once they verify');
    }
    tokens = new ZaloTokenManager({
      store,
      appId: config.zaloOa.appId,
      appSecret: config.zaloOa.appSecret,
      oauthBaseUrl: config.zaloOa.oauthBaseUrl,
      logger,
    });
    tokens.start();
    senders.set('zalo-oa', new ZaloOaSender(new ZaloOaClient({ apiBaseUrl: config.zaloOa.apiBaseUrl }), tokens));
  }
  if (botChannelConfigured(config)) {
    senders.set('zalo-bot', new ZaloBotSender(new ZaloBotClient({ token: config.zaloBot.token!, apiBaseUrl: config.zaloBot.apiBaseUrl })));
  }
  if (senders.size === 0) return undefined;

  const queue = new ZaloQueue(db);
  const KEEP_FINISHED_MS = keepFinishedMs(config.zaloSignature.replayWindowMs);
  const pruned = queue.prune(KEEP_FINISHED_MS);
  if (pruned > 0) logger.info(`outbox: forgot ${pruned} finished rows older than ${Math.round(KEEP_FINISHED_MS / 86_400_000)} days`);
  const pending = queue.counts();
  if (pending.inboxPending + pending.outboxPending > 0) {
    logger.info(`outbox: resuming ${pending.inboxPending} unanswered messages and ${pending.outboxPending} unsent replies`);
  }
  const worker = new MessageWorker({
    queue,
    dialogue: deps.dialogue,
    answerConcurrency: deps.answerConcurrency,
    senders,
    logger,
    retry: { baseMs: config.zaloDelivery.retryBaseMs, maxMs: config.zaloDelivery.retryMaxMs, maxAttempts: config.zaloDelivery.maxAttempts },
    concurrency: config.zaloDelivery.concurrency,
    rateLimiter: deps.rateLimiter,
    // Zalo wants its 200 within 2 s and answers can wait a moment: during a burst of webhook
    // requests, acknowledge first (each answer waits at most 50 ms for a pause).
    ackFirst: { burstWindowMs: 2, maxDeferMs: 50 },
  });
  // Replies parked for a dead token go again once a new pair is stored — by `npm run zalo:token
  // -- --set-refresh` (another process, hence the polling), or by a refresh of our own.
  const usable = (p: ReturnType<ZaloTokenStore['get']>) => Boolean(p && !p.refreshDead && (p.accessToken || p.refreshToken));
  const versionOf = (p: ReturnType<ZaloTokenStore['get']>) => (p ? `${p.updatedAt}:${p.refreshDead}:${p.refreshToken ?? ''}:${p.accessToken ?? ''}` : '');
  let tokenVersion = versionOf(tokenStore?.get());
  const resumeParked = (why: string) => {
    const n = queue.unpark('token');
    if (n > 0) {
      logger.info(`outbox: ${why}: resending ${n} replies parked for the OA token`);
      worker.kick();
    }
  };
  if (tokenStore && usable(tokenStore.get())) resumeParked('OA token available at start-up');
  const parkedAtStart = queue.parked();
  if (parkedAtStart.token + parkedAtStart.quota > 0) {
    logger.warn(`outbox: ${parkedAtStart.token} replies parked waiting for an OA token (${SET_REFRESH_COMMAND}), ${parkedAtStart.quota} for the quota to reset`);
  }
  const tokenWatch = setInterval(() => {
    if (!tokenStore) return;
    try {
      const pair = tokenStore.get();
      const version = versionOf(pair);
      if (version === tokenVersion) return;
      tokenVersion = version;
      if (usable(pair)) resumeParked('a new OA token was stored');
    } catch (error) {
      logger.warn('outbox: checking the OA token failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }, 2000);
  tokenWatch.unref();
  worker.start();
  // Forget finished rows once a day too, for a server that runs for months.
  const pruneTimer = setInterval(() => {
    try {
      queue.prune(KEEP_FINISHED_MS);
    } catch (error) {
      logger.warn('outbox: pruning old rows failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }, 86_400_000);
  pruneTimer.unref();
  return {
    queue,
    worker,
    tokens,
    channels: [...senders.keys()],
    push: (channel, userId, messages) => {
      const sender = senders.get(channel);
      if (!sender) throw new Error(`channel ${channel} is off`);
      const ids = queue.enqueue(channel, userId, sender.render({ messages, intent: 'push', sources: [], confidence: 1 }, userId));
      worker.kick();
      return ids;
    },
    health: () => {
      const counts = queue.counts();
      return { pending: counts.outboxPending, parked: queue.parked() };
    },
    stop: async () => {
      clearInterval(pruneTimer);
      clearInterval(tokenWatch);
      tokens?.stop();
      await worker.stop();
    },
  };
}

/** Both webhook routers; they answer 404 while their channel is off and 503 until the runtime is up. */
export function createZaloRouters(config: AppConfig, runtime: () => ZaloRuntime | undefined, logger: Logger): Router[] {
  const queue = () => runtime()?.queue;
  const onAccepted = () => runtime()?.worker.kick();
  return [createOaWebhookRouter({ config, queue, onAccepted, logger }), createBotWebhookRouter({ config, queue, onAccepted, logger })];
}
