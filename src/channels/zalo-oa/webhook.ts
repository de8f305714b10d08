/**
 * `POST /webhooks/zalo-oa`: verify → parse → deduplicate → store → 200. Nothing else runs on
 * the request path; the answer goes out later through the outbox. A bad signature is 401,
 * malformed JSON 400, an oversized body 413 (by the server's error handler); every valid
 * event gets 200, including those deliberately ignored, so Zalo never retries them.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AppConfig } from '../../config.ts';
import type { Logger } from '../../core/logger.ts';
import type { ZaloQueue } from '../../storage/zalo-queue.ts';
import { classifyOaEvent } from './events.ts';
import { parseJsonKeepingIds } from '../json-ids.ts';
import { oaSignature, signatureMatches } from './signature.ts';

export interface OaWebhookDeps {
  config: Pick<AppConfig, 'zaloOa' | 'zaloSignature' | 'zaloDelivery'>;
  /** Undefined until storage is open: the webhook then answers 503 and Zalo retries later. */
  queue: () => ZaloQueue | undefined;
  /** Called after a new message is stored, to wake the outbox worker. */
  onAccepted: () => void;
  logger: Logger;
  /** The clock (tests); default Date.now. */
  now?: () => number;
}

export const OA_WEBHOOK_PATH = '/webhooks/zalo-oa';

/** How far ahead of our clock a signed timestamp may be (clock skew) before it is refused. */
export const REPLAY_FUTURE_MS = 15 * 60_000;

/** A Zalo timestamp (ms since the epoch as a string; seconds accepted) in ms, or undefined. */
export function timestampMs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n < 1e11 ? n * 1000 : n;
}

/**
 * Whether a signed timestamp is inside the replay window: not older than `windowMs`, not more
 * than REPLAY_FUTURE_MS ahead. A window of 0 accepts everything.
 */
export function withinReplayWindow(value: string | undefined, windowMs: number, now: number): boolean {
  if (windowMs <= 0) return true;
  const ts = timestampMs(value);
  return ts !== undefined && ts >= now - windowMs && ts <= now + REPLAY_FUTURE_MS;
}

/** Whether the OA channel has what it needs to verify webhooks. */
export function oaChannelConfigured(config: Pick<AppConfig, 'zaloOa' | 'zaloSignature'>): boolean {
  const secret = config.zaloSignature.secret === 'app-secret' ? config.zaloOa.appSecret : config.zaloOa.oaSecretKey;
  return Boolean(config.zaloOa.appId && secret);
}

export function createOaWebhookRouter(deps: OaWebhookDeps): Router {
  const { config, logger } = deps;
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: config.zaloDelivery.webhookMaxBytes });
  let loggedGoodInLogOnly = false;

  router.post(OA_WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    if (!oaChannelConfigured(config)) {
      res.status(404).json({ error: 'the Zalo OA channel is off: set ZALO_APP_ID and ZALO_OA_SECRET_KEY' });
      return;
    }
    const queue = deps.queue();
    if (!queue) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      // Ids above 2^53 sent as numbers stay exact strings (the signature is over the raw bytes anyway).
      body = parseJsonKeepingIds(rawBody.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ error: 'body is not a JSON object' });
      return;
    }

    const header = req.get('x-zevent-signature');
    const digestOf = signer(config, rawBody, body as Record<string, unknown>, req.get('x-zevent-timestamp'));
    const expected = digestOf(config.zaloSignature.secret, config.zaloSignature.timestamp);
    const valid = expected !== undefined && signatureMatches(header, expected);
    if (!valid) {
      const hint = mismatchHint(digestOf, header);
      if (config.zaloSignature.mode === 'enforce') {
        logger.warn(`zalo-oa webhook: bad signature, rejected (401)${hint}`);
        res.status(401).json({ error: 'invalid X-ZEvent-Signature' });
        return;
      }
      logger.warn(`zalo-oa webhook: BAD SIGNATURE ACCEPTED because ZALO_OA_SIGNATURE_MODE=log-only — switch to enforce once set-up is done${hint}`);
    } else if (config.zaloSignature.mode === 'log-only' && !loggedGoodInLogOnly) {
      loggedGoodInLogOnly = true;
      logger.warn('zalo-oa webhook: signatures verify with the current settings: set ZALO_OA_SIGNATURE_MODE=enforce');
    }

    // The signature covers the timestamp, so a captured request cannot be re-dated: outside the
    // window it is a replay (dedupe rows are kept longer than the window, see runtime.ts).
    const signedTs = config.zaloSignature.timestamp === 'header' ? req.get('x-zevent-timestamp') : bodyTimestamp(body as Record<string, unknown>);
    const now = (deps.now ?? Date.now)();
    if (!withinReplayWindow(signedTs, config.zaloSignature.replayWindowMs, now)) {
      logger.warn(`zalo-oa webhook: timestamp ${JSON.stringify(signedTs ?? null)} outside the replay window (ZALO_REPLAY_WINDOW_HOURS), rejected (403)`);
      res.status(403).json({ error: 'stale or missing timestamp: outside the replay window' });
      return;
    }

    const outcome = classifyOaEvent(body, now);
    if (outcome.kind === 'ignored') {
      logger.debug(`zalo-oa webhook: ignored ${outcome.reason}`);
      res.status(200).json({ status: 'ignored' });
      return;
    }
    if (outcome.kind === 'invalid') {
      // A signed event we cannot read: a 4xx would make Zalo retry it for hours and then
      // disable the webhook, so acknowledge it and say so loudly.
      logger.error(`zalo-oa webhook: event ignored: ${outcome.reason}`);
      res.status(200).json({ status: 'ignored', error: outcome.reason });
      return;
    }
    const stored = await queue.acceptSoon(outcome.eventKey, outcome.message);
    res.status(200).json({ status: stored });
    if (stored === 'accepted') deps.onAccepted();
  });
  return router;
}

type Secret = 'oa-secret-key' | 'app-secret';
type TimestampSource = 'body' | 'header';

/** The signature under a variant (undefined when its secret or timestamp is missing). */
function signer(
  config: OaWebhookDeps['config'],
  rawBody: Buffer,
  body: Record<string, unknown>,
  headerTimestamp: string | undefined,
): (secret: Secret, timestamp: TimestampSource) => string | undefined {
  const appId = config.zaloOa.appId ?? '';
  const bodyTs = bodyTimestamp(body);
  return (secret, timestamp) => {
    const key = secret === 'app-secret' ? config.zaloOa.appSecret : config.zaloOa.oaSecretKey;
    const ts = timestamp === 'body' ? bodyTs : headerTimestamp;
    return key && ts !== undefined ? oaSignature(appId, rawBody, ts, key) : undefined;
  };
}

function bodyTimestamp(body: Record<string, unknown>): string | undefined {
  return typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : undefined;
}

/** Only computed on a mismatch: tells the operator which setting would verify. */
function mismatchHint(digestOf: ReturnType<typeof signer>, header: string | undefined): string {
  if (!header) return ': no X-ZEvent-Signature header';
  for (const secret of ['oa-secret-key', 'app-secret'] as const) {
    for (const timestamp of ['body', 'header'] as const) {
      const digest = digestOf(secret, timestamp);
      if (digest !== undefined && signatureMatches(header, digest)) {
        return `: it WOULD match with ZALO_OA_SIGNATURE_SECRET=${secret} ZALO_OA_SIGNATURE_TIMESTAMP=${timestamp}`;
      }
    }
  }
  return ': no known variant matches (check ZALO_APP_ID and the secret keys)';
}
