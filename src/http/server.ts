/**
 * The HTTP surface (design.md §4): health, the chat API and the web chat page.
 * Bad input gets a 4xx with a clear message; a bug gets a 500 and a log line.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Answering } from '../core/dialogue.ts';
import type { Logger } from '../core/logger.ts';
import type { Button, Reply } from '../core/messages.ts';
import { rateLimitedReply, type RateLimiter } from './rate-limit.ts';
import { RESERVED_ID_ERROR, type WebIdentity } from './web-identity.ts';
import { securityHeaders } from './security-headers.ts';
import { WindowCounter, clientIp, type WindowLimit } from './ip-limits.ts';

export interface ServerDeps {
  /** Undefined until the index is loaded; /healthz and /api/chat answer 503 meanwhile. */
  dialogue: () => Answering | undefined;
  logger: Logger;
  messageMaxChars: number;
  /** Mounted first, before any body parser: the Zalo webhooks need the raw body. Also the admin API. */
  routers?: Router[];
  /** Per-user limit on /api/chat (429 with the polite reply over it). */
  rateLimiter?: RateLimiter;
  /**
   * Per-IP limit on /api/chat (a rotating userId does not get around it). Loopback clients —
   * this machine's scripts, `npm run eval` — are exempt; behind a proxy set TRUST_PROXY so the
   * client's own address counts.
   */
  ipLimit?: WindowLimit;
  /** The clock of the limits (tests). */
  now?: () => number;
  /** Server-issued browser identity (signed HTTP-only cookie); without it the client's userId is used as sent. */
  webIdentity?: WebIdentity;
  /** Extra fields for /healthz (the outbox: pending and parked replies). */
  health?: () => Record<string, unknown> | undefined;
  /** Express `trust proxy` (TRUST_PROXY): which proxies may say who the client is. */
  trustProxy?: string | number;
}

const ChatRequestSchema = z.strictObject({
  userId: z.string().trim().min(1, 'userId is required').max(128, 'userId is too long (max 128)'),
  text: z.string(),
});

/** Buttons as the API shows them: postbacks carry their payload; links and phones theirs. */
function apiButton(b: Button): { title: string; payload: string } {
  if (b.kind === 'postback') return { title: b.title, payload: b.payload };
  if (b.kind === 'url') return { title: b.title, payload: b.url };
  return { title: b.title, payload: `tel:${b.phone}` };
}

export function chatResponse(reply: Reply) {
  return {
    replies: reply.messages.map((m) => (m.type === 'buttons' ? { text: m.text, buttons: m.buttons.map(apiButton) } : { text: m.text, buttons: [] })),
    intent: reply.intent,
    sources: reply.sources.map((s) => ({ doc: s.doc, title: s.title, section: s.section, date: s.date, lines: s.lines })),
    confidence: Math.round(reply.confidence * 1000) / 1000,
    // Additive (the staff side): the logged turn, for POST /api/feedback; a reply that is no
    // turn of the dialogue (the rate-limit notice) still gets an id, which no feedback can rate.
    messageId: reply.messageId ?? `m-${randomUUID()}`,
    askFeedback: reply.askFeedback ?? false,
  };
}

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'channels', 'web', 'public');

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');

export function createServer(deps: ServerDeps): express.Express {
  const app = express();
  const now = deps.now ?? Date.now;
  const ipCounter = deps.ipLimit && deps.ipLimit.max > 0 ? new WindowCounter(deps.ipLimit) : undefined;
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(securityHeaders);
  for (const router of deps.routers ?? []) app.use(router);

  app.get('/healthz', (_req, res) => {
    if (deps.dialogue()) res.json({ status: 'ok', ...deps.health?.() });
    else res.status(503).json({ status: 'starting' });
  });

  // The chat page asks for its identity cookie when it loads (see web-identity.ts).
  app.post('/api/session', (req, res) => {
    const issued = deps.webIdentity?.issue(req, res) ?? false;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, issued });
  });

  // Room for a maximal message in multi-byte UTF-8 plus JSON overhead.
  const jsonBody = express.json({ limit: Math.max(16_384, deps.messageMaxChars * 4 + 1024) });
  app.post('/api/chat', jsonBody, async (req: Request, res: Response) => {
    const parsed = ChatRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `Yêu cầu không hợp lệ (invalid request): ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}` });
      return;
    }
    const { text } = parsed.data;
    const userId = deps.webIdentity ? deps.webIdentity.resolve(req, parsed.data.userId) : parsed.data.userId;
    if (userId === undefined) {
      res.status(400).json({ error: RESERVED_ID_ERROR });
      return;
    }
    if (text.trim().length === 0) {
      res.status(400).json({ error: 'text is empty: hãy nhập câu hỏi (type a question)' });
      return;
    }
    if (text.length > deps.messageMaxChars) {
      res.status(400).json({ error: `text is too long: ${text.length} characters, at most ${deps.messageMaxChars}` });
      return;
    }
    const ip = clientIp(req);
    const ipWait = ipCounter && !isLoopback(ip) ? ipCounter.hit(ip, now()) : undefined;
    if (ipWait !== undefined || (deps.rateLimiter && deps.rateLimiter.hit(`web:${userId}`, now()) !== 'ok')) {
      // 429 for HTTP clients, with the same polite reply the chat shows and when to come back.
      const perMinute = ipWait !== undefined ? ipCounter!.limit.max : deps.rateLimiter!.perMinute;
      const reply = chatResponse(rateLimitedReply(perMinute));
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((ipWait ?? 60_000) / 1000))));
      res.status(429).json({ error: reply.replies[0]!.text, ...reply });
      return;
    }
    const dialogue = deps.dialogue();
    if (!dialogue) {
      res.status(503).json({ error: 'the assistant is still loading its knowledge index; try again in a few seconds' });
      return;
    }
    const reply = await dialogue.handle({ type: 'text', channel: 'web', userId, text, receivedAt: Date.now() });
    res.json(chatResponse(reply));
  });

  app.use(express.static(publicDir, { index: 'index.html', maxAge: '1h' }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  // One top-level error handler: malformed JSON and oversized bodies are the client's fault.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : 500;
    const type = typeof error === 'object' && error !== null && 'type' in error ? String((error as { type: unknown }).type) : '';
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: 'body is too large' });
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: error instanceof Error ? error.message : 'bad request' });
      return;
    }
    deps.logger.error('request failed', error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) });
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}
