/**
 * `POST /webhooks/zalo-bot`: checks `X-Bot-Api-Secret-Token` in constant time, then parses,
 * deduplicates on the message id, stores and answers 200. Replies go out through the outbox.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AppConfig } from '../../config.ts';
import type { Logger } from '../../core/logger.ts';
import type { ZaloQueue } from '../../storage/zalo-queue.ts';
import { constantTimeEqual } from '../zalo-oa/signature.ts';
import { classifyBotUpdate } from './updates.ts';
import { parseJsonKeepingIds } from '../json-ids.ts';

export const BOT_WEBHOOK_PATH = '/webhooks/zalo-bot';

export interface BotWebhookDeps {
  config: Pick<AppConfig, 'zaloBot' | 'zaloDelivery'>;
  queue: () => ZaloQueue | undefined;
  onAccepted: () => void;
  logger: Logger;
}

export function botChannelConfigured(config: Pick<AppConfig, 'zaloBot'>): boolean {
  return Boolean(config.zaloBot.token && config.zaloBot.secretToken);
}

export function createBotWebhookRouter(deps: BotWebhookDeps): Router {
  const { config, logger } = deps;
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: config.zaloDelivery.webhookMaxBytes });
  const formsSeen = new Set<string>();

  router.post(BOT_WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    if (!botChannelConfigured(config)) {
      res.status(404).json({ error: 'the Zalo Bot channel is off: set ZALO_BOT_TOKEN and ZALO_BOT_SECRET_TOKEN' });
      return;
    }
    if (!constantTimeEqual(req.get('x-bot-api-secret-token'), config.zaloBot.secretToken)) {
      logger.warn('zalo-bot webhook: wrong or missing X-Bot-Api-Secret-Token, rejected (401)');
      res.status(401).json({ error: 'invalid X-Bot-Api-Secret-Token' });
      return;
    }
    const queue = deps.queue();
    if (!queue) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    let body: unknown;
    try {
      body = parseJsonKeepingIds((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString('utf8'));
    } catch {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    const outcome = classifyBotUpdate(body, Date.now());
    if (outcome.kind === 'invalid') {
      logger.warn(`zalo-bot webhook: ${outcome.reason}`);
      res.status(400).json({ error: outcome.reason });
      return;
    }
    if (!formsSeen.has(outcome.form)) {
      formsSeen.add(outcome.form);
      logger.info(`zalo-bot webhook: updates arrive ${outcome.form === 'wrapped' ? 'wrapped as {ok,result}' : 'bare'} (both accepted)`);
    }
    if (outcome.kind === 'ignored') {
      logger.debug(`zalo-bot webhook: ignored ${outcome.reason}`);
      res.status(200).json({ status: 'ignored' });
      return;
    }
    const stored = await queue.acceptSoon(outcome.eventKey, outcome.message);
    res.status(200).json({ status: stored });
    if (stored === 'accepted') deps.onAccepted();
  });
  return router;
}
