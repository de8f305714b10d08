/**
 * The quiz over HTTP.
 *
 * Learners (no login; a join-page learner holds the secret token `POST /api/quiz/join` gave):
 *   GET  /api/quiz/topics                       topics and question counts
 *   POST /api/quiz/join      {code, name}       → {token, name, code, title}
 *   GET  /api/quiz/play?token=…                 the learner's view (no correct option before a question closes)
 *   GET  /api/quiz/play/events?token=…          the same view as server-sent events, on every change
 *   POST /api/quiz/answer    {token, choice, number?}  → {status: accepted|late|duplicate|…}
 *   GET  /api/quiz/join-qr/:code                the join link as an SVG QR code
 *   GET  /api/quiz/inbox?userId=…               messages pushed to a web chat user (next question, results)
 *
 * Trainers (TRAINER_TOKEN as `Authorization: Bearer …`, or the HTTP-only cookie a Bearer-authenticated
 * `GET /api/quiz/trainer` sets — for event streams and downloads; never `?token=`, which ends up in
 * logs and browser history). With no TRAINER_TOKEN: only when the server listens on a loopback
 * HOST, and only for requests from this machine that carry no proxy header (X-Forwarded-*,
 * Forwarded, X-Real-IP); with a non-loopback HOST the trainer API is off (see `trainerAccessMode`).
 *   GET  /api/quiz/trainer                      checks access (and sets the cookie)
 *   POST /api/quiz/trainer/logout               clears the cookie
 *   GET  /api/quiz/sessions | POST /api/quiz/sessions {title?, topic, questionCount, secondsPerQuestion, speedWeighted?, streakBonus?}
 *   GET  /api/quiz/sessions/:id                 the console's view
 *   POST /api/quiz/sessions/:id/start | next | close | finish
 *   GET  /api/quiz/sessions/:id/events          the console's view as server-sent events
 *   GET  /api/quiz/sessions/:id/results.csv     learner × question, UTF-8 with BOM
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { timingSafeEqual, createHash, createHmac } from 'node:crypto';
import type { OutgoingMessage } from '../core/messages.ts';
import type { Logger } from '../core/logger.ts';
import { QUIZ_TOPICS } from '../quiz/schema.ts';
import { MAX_NAME_CHARS, MAX_QUESTIONS, MAX_SECONDS, MIN_SECONDS, QuizError, type SessionEvent, type SessionSnapshot, type TrainerView } from '../quiz/session-engine.ts';
import { sessionCsv } from '../quiz/session-csv.ts';
import { qrSvg } from '../quiz/session-qr.ts';
import type { QuizService } from '../quiz/session-service.ts';
import { RESERVED_ID_ERROR, type WebIdentity } from './web-identity.ts';
import { MissLockout, WindowCounter, clientIp, tooMany } from './ip-limits.ts';

export interface QuizApiDeps {
  /** Undefined until the assistant is loaded (503 meanwhile). */
  quiz: () => QuizService | undefined;
  trainerToken?: string;
  /** The listen address (HOST): without a token, a non-loopback one turns the trainer API off. Default 127.0.0.1. */
  host?: string;
  /** The address learners open, for the join link; default: the address the request came to. */
  publicBaseUrl?: string;
  logger: Logger;
  /** Per-IP limits on anonymous joins and code checks (defaults: QUIZ_LIMITS). */
  limits?: Partial<QuizLimits>;
  /** The clock of the limits (tests). */
  now?: () => number;
  /** The web chat's server-issued identity: the inbox of a browser is its cookie's, not any `userId`. */
  webIdentity?: WebIdentity;
}

export interface QuizLimits {
  /** Page joins per IP per minute (a classroom behind one NAT address joins within minutes). */
  joinsPerMinute: number;
  /** Page joins per IP into one session: the rest of MAX_PARTICIPANTS stays for others. */
  joinsPerSession: number;
  /** Wrong codes (join or QR) per IP within `missWindowMs` before the IP is locked out of code checks. */
  missesBeforeLockout: number;
  missWindowMs: number;
  lockoutMs: number;
}

/** 10 wrong codes in 10 minutes lock an IP out of code checks for 15 minutes: 900k codes stay out of reach. */
export const QUIZ_LIMITS: QuizLimits = { joinsPerMinute: 60, joinsPerSession: 200, missesBeforeLockout: 10, missWindowMs: 10 * 60_000, lockoutMs: 15 * 60_000 };

/** Answer events are batched for this long before a view is pushed; closes and starts go at once. */
const ANSWER_BATCH_MS = 150;
const HEARTBEAT_MS = 15_000;
/** How often a stream checks for changes made outside this process's engine. */
const WATCH_MS = 1000;

const JoinSchema = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'code: 6 chữ số'), name: z.string().max(200) });
const AnswerSchema = z.strictObject({
  token: z.string().min(1).max(100),
  choice: z.number().int().min(0).max(3),
  number: z.number().int().min(1).max(MAX_QUESTIONS).optional(),
});
const CreateSchema = z.strictObject({
  title: z.string().max(120).optional(),
  topic: z.union([z.enum(QUIZ_TOPICS), z.literal('all'), z.null()]).default('all'),
  questionCount: z.number().int().min(1).max(MAX_QUESTIONS),
  secondsPerQuestion: z.number().int().min(MIN_SECONDS).max(MAX_SECONDS),
  speedWeighted: z.boolean().default(true),
  streakBonus: z.boolean().default(false),
});

function problem(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Any header a reverse proxy adds (X-Forwarded-For/-Host/-Proto…, Forwarded, X-Real-IP). */
export function hasProxyHeader(req: Request): boolean {
  return Object.keys(req.headers).some((h) => h.startsWith('x-forwarded-') || h === 'forwarded' || h === 'x-real-ip');
}

/** A loopback listen address: 127.x, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.startsWith('::ffff:127.');
}

/**
 * How trainers are let in: `token` (TRAINER_TOKEN set), `localhost` (no token, loopback HOST:
 * requests from this machine without proxy headers) or `off` (no token and a HOST reachable
 * from elsewhere — the socket address cannot be trusted when a proxy may relay requests).
 */
export function trainerAccessMode(trainerToken: string | undefined, host = '127.0.0.1'): 'token' | 'localhost' | 'off' {
  if (trainerToken) return 'token';
  return isLoopbackHost(host) ? 'localhost' : 'off';
}

/** A request made on this machine directly (not relayed by a reverse proxy). */
function isLocal(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '127.0.0.1' || address === '::1' || address.startsWith('::ffff:127.') || address.startsWith('127.');
  return loopback && !hasProxyHeader(req);
}

export const TRAINER_COOKIE = 'bg_trainer';

/** The cookie's value: derived from the token, so the token itself never sits in the browser's cookie jar. */
function cookieValue(token: string): string {
  return createHmac('sha256', token).update('bg-trainer-cookie-v1').digest('base64url');
}

/** One cookie's value from the Cookie header (no dependency needed for one name). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** HTTPS as the browser sees it (directly or through a proxy that says so). */
export function isHttps(req: Request): boolean {
  return req.secure || req.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

function apiMessages(messages: OutgoingMessage[]) {
  return messages.map((m) =>
    m.type === 'buttons'
      ? { text: m.text, buttons: m.buttons.flatMap((b) => (b.kind === 'postback' ? [{ title: b.title, payload: b.payload }] : b.kind === 'url' ? [{ title: b.title, payload: b.url }] : [])) }
      : { text: m.text, buttons: [] },
  );
}

const STATUS_OF: Record<QuizError['code'], number> = { not_found: 404, invalid: 400, bad_state: 409, full: 409, no_questions: 422 };

export function createQuizRouter(deps: QuizApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });
  const joinUrl = (req: Request, code: string) => `${(deps.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '')}/join.html?code=${code}`;

  // The service, or 503 while the assistant loads.
  const service = (res: Response): QuizService | undefined => {
    const quiz = deps.quiz();
    if (!quiz) res.status(503).json({ error: 'đang khởi động, vui lòng thử lại sau ít giây (starting)' });
    return quiz;
  };

  const mode = trainerAccessMode(deps.trainerToken, deps.host);
  const trainerOnly = (req: Request, res: Response, next: NextFunction) => {
    if (deps.trainerToken) {
      const header = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
      if (header !== undefined && sameSecret(header, deps.trainerToken)) {
        // The console's event stream and CSV link cannot send a header: they ride on this cookie.
        res.cookie(TRAINER_COOKIE, cookieValue(deps.trainerToken), { httpOnly: true, sameSite: 'strict', path: '/api/quiz', secure: isHttps(req), maxAge: 12 * 3600_000 });
        return next();
      }
      const cookie = readCookie(req, TRAINER_COOKIE);
      if (header === undefined && cookie !== undefined && sameSecret(cookie, cookieValue(deps.trainerToken))) return next();
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'cần mã giảng viên (TRAINER_TOKEN) hợp lệ' });
      return;
    }
    if (mode === 'localhost' && isLocal(req)) return next();
    res.status(403).json({
      error:
        mode === 'off'
          ? 'chưa đặt TRAINER_TOKEN: máy chủ nghe trên một địa chỉ công khai (HOST), nên bảng điều khiển tắt — hãy đặt TRAINER_TOKEN'
          : 'chưa đặt TRAINER_TOKEN: bảng điều khiển chỉ dùng được ngay trên máy chủ (localhost), không qua proxy',
    });
  };

  const withView = (req: Request, view: TrainerView) => ({ ...view, joinUrl: joinUrl(req, view.code) });

  // ---------- learners ----------

  router.get('/api/quiz/topics', (_req, res) => {
    const quiz = service(res);
    if (quiz) res.json({ topics: quiz.topics(), total: quiz.questions().length });
  });

  // ---------- limits on anonymous code checks and joins ----------
  const limits = { ...QUIZ_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const lockout = new MissLockout({ max: limits.missesBeforeLockout, windowMs: limits.missWindowMs, lockMs: limits.lockoutMs });
  const joins = new WindowCounter({ max: limits.joinsPerMinute, windowMs: 60_000 });
  const joinsIntoSession = new WindowCounter({ max: limits.joinsPerSession, windowMs: 24 * 3600_000 });
  /** False (answered 429) when this IP is locked out of code checks. */
  const mayCheckCode = (req: Request, res: Response): boolean => {
    const wait = lockout.locked(clientIp(req), now());
    if (wait === undefined) return true;
    tooMany(res, wait, 'Nhập sai mã quá nhiều lần: vui lòng thử lại sau ít phút (too many wrong codes).');
    return false;
  };

  router.post('/api/quiz/join', json, (req, res) => {
    const parsed = JoinSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: problem(parsed.error) });
    const quiz = service(res);
    if (!quiz) return;
    if (parsed.data.name.trim().length === 0 || parsed.data.name.trim().length > MAX_NAME_CHARS) {
      return void res.status(400).json({ error: `Tên hiển thị cần từ 1 đến ${MAX_NAME_CHARS} ký tự.` });
    }
    if (!mayCheckCode(req, res)) return;
    const ip = clientIp(req);
    const session0 = quiz.engine.findByCode(parsed.data.code);
    if (!session0) {
      lockout.miss(ip, now());
      return void res.status(404).json({ error: `Không tìm thấy phiên thi đang mở có mã ${parsed.data.code}.`, code: 'not_found' });
    }
    const wait = joins.check(ip, now()) ?? joinsIntoSession.check(`${ip} ${session0.id}`, now());
    if (wait !== undefined) return void tooMany(res, wait, 'Quá nhiều lượt tham gia từ cùng một địa chỉ: vui lòng thử lại sau (too many joins).');
    joins.add(ip, now());
    joinsIntoSession.add(`${ip} ${session0.id}`, now());
    const p = quiz.engine.joinFromPage(parsed.data.code, parsed.data.name);
    const session = quiz.engine.findByCode(parsed.data.code);
    res.status(201).json({ token: p.token, name: p.name, code: parsed.data.code, title: session?.title ?? '' });
  });

  router.get('/api/quiz/play', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const p = quiz.engine.participantByToken(String(req.query.token ?? ''));
    if (!p) return void res.status(404).json({ error: 'không tìm thấy người tham gia (token)' });
    res.json(quiz.engine.participantView(p.id));
  });

  router.post('/api/quiz/answer', json, (req, res) => {
    const parsed = AnswerSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: problem(parsed.error) });
    const quiz = service(res);
    if (!quiz) return;
    const p = quiz.engine.participantByToken(parsed.data.token);
    if (!p) return void res.status(404).json({ error: 'không tìm thấy người tham gia (token)' });
    const outcome = quiz.engine.answer(p.id, parsed.data.choice, parsed.data.number);
    res.status(outcome.status === 'accepted' ? 200 : 409).json(outcome);
  });

  router.get('/api/quiz/play/events', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const p = quiz.engine.participantByToken(String(req.query.token ?? ''));
    if (!p) return void res.status(404).json({ error: 'không tìm thấy người tham gia (token)' });
    stream(req, res, quiz, p.sessionId, (snap) => quiz.engine.participantView(p.id, snap), { skipAnswers: true });
  });

  router.get('/api/quiz/join-qr/:code', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const code = String(req.params.code);
    if (!mayCheckCode(req, res)) return;
    if (!quiz.engine.findByCode(code)) {
      lockout.miss(clientIp(req), now());
      return void res.status(404).json({ error: 'không có phiên thi đang mở với mã này' });
    }
    const url = joinUrl(req, code);
    res.type('image/svg+xml').setHeader('Cache-Control', 'no-store');
    res.send(qrSvg(url, { title: `Mã QR tham gia phiên thi ${code}: ${url}` }));
  });

  router.get('/api/quiz/inbox', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const given = String(req.query.userId ?? '').trim();
    if (!given || given.length > 128) return void res.status(400).json({ error: 'userId is required (max 128)' });
    const userId = deps.webIdentity ? deps.webIdentity.resolve(req, given) : given;
    if (userId === undefined) return void res.status(400).json({ error: RESERVED_ID_ERROR });
    const items = quiz.webInbox.take(userId);
    res.json({ replies: apiMessages(items.flatMap((i) => i.messages)), active: quiz.engine.participationOf('web', userId) !== undefined });
  });

  // ---------- trainers ----------

  router.post('/api/quiz/trainer/logout', (req, res) => {
    res.clearCookie(TRAINER_COOKIE, { path: '/api/quiz' });
    res.json({ ok: true });
  });

  router.use(['/api/quiz/trainer', '/api/quiz/sessions'], trainerOnly);

  router.get('/api/quiz/trainer', (req, res) => {
    res.json({ ok: true, access: mode });
  });

  router.get('/api/quiz/sessions', (req, res) => {
    const quiz = service(res);
    if (quiz) res.json({ sessions: quiz.engine.listSessions().map((v) => withView(req, v)) });
  });

  router.post('/api/quiz/sessions', json, (req, res) => {
    const parsed = CreateSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: problem(parsed.error) });
    const quiz = service(res);
    if (!quiz) return;
    const d = parsed.data;
    const view = quiz.engine.create({
      title: d.title,
      topic: d.topic === 'all' || d.topic === null ? null : d.topic,
      questionCount: d.questionCount,
      secondsPerQuestion: d.secondsPerQuestion,
      scoring: { speedWeighted: d.speedWeighted, streakBonus: d.streakBonus },
    });
    res.status(201).json(withView(req, view));
  });

  router.get('/api/quiz/sessions/:id', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const view = quiz.engine.trainerView(String(req.params.id));
    if (!view) return void res.status(404).json({ error: 'không tìm thấy phiên thi' });
    res.json(withView(req, view));
  });

  for (const action of ['start', 'next', 'close', 'finish'] as const) {
    router.post(`/api/quiz/sessions/:id/${action}`, (req, res) => {
      const quiz = service(res);
      if (!quiz) return;
      const id = String(req.params.id);
      const engine = quiz.engine;
      if (action === 'close') {
        const current = engine.trainerView(id);
        if (!current) throw new QuizError('not_found', 'Không tìm thấy phiên thi.');
        if (current.current) engine.closeQuestion(id, current.current.position);
        return void res.json(withView(req, engine.trainerView(id)!));
      }
      const view = action === 'start' ? engine.start(id) : action === 'next' ? engine.next(id) : engine.finish(id);
      res.json(withView(req, view));
    });
  }

  router.get('/api/quiz/sessions/:id/events', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const id = String(req.params.id);
    if (!quiz.engine.trainerView(id)) return void res.status(404).json({ error: 'không tìm thấy phiên thi' });
    stream(req, res, quiz, id, (snap) => {
      const view = quiz.engine.trainerView(id, snap);
      return view && withView(req, view);
    });
  });

  router.get('/api/quiz/sessions/:id/results.csv', (req, res) => {
    const quiz = service(res);
    if (!quiz) return;
    const rows = quiz.engine.exportRows(String(req.params.id));
    if (!rows) return void res.status(404).json({ error: 'không tìm thấy phiên thi' });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="ket-qua-${rows.session.code}.csv"`);
    res.send(sessionCsv(rows));
  });

  // Refusals the engine explains become 4xx with its Vietnamese message.
  router.use('/api/quiz', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof QuizError) return void res.status(STATUS_OF[error.code]).json({ error: error.message, code: error.code });
    next(error);
  });

  /** A snapshot per engine event, shared by every stream that renders it. */
  const snapshots = new WeakMap<SessionEvent, SessionSnapshot>();

  function stream(req: Request, res: Response, quiz: QuizService, sessionId: string, render: (snap: SessionSnapshot) => unknown, opts: { skipAnswers?: boolean } = {}): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    let batch: NodeJS.Timeout | undefined;
    let sentVersion = '';
    const send = (event?: SessionEvent) => {
      batch = undefined;
      sentVersion = quiz.engine.version(sessionId);
      let snap = event && snapshots.get(event);
      if (!snap) {
        snap = quiz.engine.snapshot(sessionId);
        if (snap && event) snapshots.set(event, snap);
      }
      if (!snap) return;
      res.write(`event: ${event?.type ?? 'state'}\ndata: ${JSON.stringify(render(snap))}\n\n`);
    };
    const unsubscribe = quiz.engine.subscribe(sessionId, (event) => {
      if (event.type === 'answer') {
        if (opts.skipAnswers || batch) return;
        batch = setTimeout(() => send(), ANSWER_BATCH_MS);
        return;
      }
      if (batch) clearTimeout(batch);
      send(event);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    // Changes made elsewhere (the Zalo answer thread, another process) raise no event here.
    const watch = setInterval(() => {
      if (!batch && quiz.engine.version(sessionId) !== sentVersion) send();
    }, WATCH_MS);
    req.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(watch);
      if (batch) clearTimeout(batch);
    });
    send();
  }

  return router;
}
