/**
 * The staff API behind `ADMIN_TOKEN` (a Bearer token, compared in constant time); off (404)
 * while it is not set. The staff member's name (given at sign-in) comes in `X-Staff-Name`
 * (URI-encoded) and is logged with every action.
 *
 * - `GET /api/admin/handoffs?status=open|claimed|closed&limit=` — tickets, newest first, with
 *   the conversation (phone and CCCD numbers masked); `GET /api/admin/handoffs/:id` opens one
 *   unmasked (logged); `POST …/:id/claim`, `POST …/:id/reply {"text"}`, `POST …/:id/close`
 * - `GET /api/admin/unanswered?days=` — the queue, grouped by similarity
 * - `GET|POST /api/admin/answers`, `PUT|DELETE /api/admin/answers/:id`,
 *   `POST /api/admin/answers/export|import` (knowledge/curated/*.yaml)
 * - `GET /api/admin/stats?days=&format=csv`, `GET /api/admin/actions`
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HandoffRepository } from '../handlers/handoff-requests.ts';
import { constantTimeEqual } from '../channels/zalo-oa/signature.ts';
import type { StaffSide } from '../staff/index.ts';
import type { Ticket } from '../staff/tickets.ts';
import type { DeskResult } from '../staff/desk.ts';
import { maskPersonalNumbers } from '../staff/privacy.ts';
import { CuratedInputSchema } from '../staff/curated.ts';
import { unansweredQueue } from '../staff/unanswered.ts';
import { computeStats, statsCsv } from '../staff/stats.ts';

export interface AdminDeps {
  adminToken?: string;
  /** Undefined until storage is open. */
  handoffs: () => HandoffRepository | undefined;
  staff?: () => StaffSide | undefined;
  /** Answers below this confidence join the unanswered queue. */
  minConfidence?: number;
}

const ListQuerySchema = z.object({
  status: z.enum(['open', 'claimed', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const DaysSchema = z.object({ days: z.coerce.number().int().min(1).max(3650).optional(), format: z.enum(['json', 'csv']).optional() });
const ReplySchema = z.strictObject({ text: z.string().trim().min(1, 'text is required').max(1800, 'text is too long (max 1800)') });
const UpdateSchema = CuratedInputSchema.partial().extend({ status: z.enum(['active', 'withdrawn']).optional() }).strict();

/** The ticket as the API shows it; `masked` hides phone and CCCD numbers (lists and exports). */
export function ticketJson(t: Ticket, masked: boolean) {
  const m = (s: string) => (masked ? maskPersonalNumbers(s) : s);
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    id: t.id,
    userId: t.userId,
    channel: t.channel,
    status: t.status,
    createdAt: iso(t.createdAt),
    text: m(t.text),
    recent: t.recent.map((r) => ({ ...r, text: m(r.text) })),
    messages: t.messages.map((x) => ({ ...x, text: m(x.text), at: iso(x.at) })),
    claimedBy: t.claimedBy,
    claimedAt: iso(t.claimedAt),
    closedBy: t.closedBy,
    closedAt: iso(t.closedAt),
    firstReplyAt: iso(t.firstReplyAt),
    timeoutNotifiedAt: iso(t.timeoutNotifiedAt),
    deliveryProblem: t.deliveryProblem,
    masked,
  };
}

function staffName(req: Request): string {
  const raw = req.get('x-staff-name');
  if (!raw) return 'quản trị (API)';
  try {
    return decodeURIComponent(raw).trim().slice(0, 80) || 'quản trị (API)';
  } catch {
    return raw.slice(0, 80);
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

export function createAdminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '64kb' });
  router.use('/api/admin', (req: Request, res: Response, next) => {
    if (!deps.adminToken) {
      res.status(404).json({ error: 'the admin API is off: set ADMIN_TOKEN' });
      return;
    }
    const header = req.get('authorization') ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (!constantTimeEqual(given, deps.adminToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'missing or wrong bearer token' });
      return;
    }
    next();
  });

  /** The staff side, or a 503 while starting. */
  const staffOr503 = (res: Response): StaffSide | undefined => {
    const staff = deps.staff?.();
    if (!staff) res.status(503).json({ error: 'starting: try again shortly' });
    return staff;
  };
  const ticketId = (req: Request, res: Response): number | undefined => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) {
      res.status(400).json({ error: 'id must be a positive integer' });
      return undefined;
    }
    return id;
  };
  const answerDesk = (res: Response, result: DeskResult) => {
    if (!result.ok) res.status(result.status).json({ error: result.error });
    else res.json({ handoff: ticketJson(result.ticket, false) });
  };

  router.get('/api/admin/handoffs', (req: Request, res: Response) => {
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: issues(query.error) });
      return;
    }
    const staff = deps.staff?.();
    if (staff) {
      staff.desk.followDeliveries();
      res.json({ handoffs: staff.tickets.list(query.data).map((t) => ticketJson(t, true)) });
      return;
    }
    const repo = deps.handoffs();
    if (!repo) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    res.json({ handoffs: repo.list(query.data).map((h) => ({ ...h, createdAt: new Date(h.createdAt).toISOString() })) });
  });

  router.get('/api/admin/handoffs/:id', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    const id = staff && ticketId(req, res);
    if (!staff || id === undefined) return;
    staff.desk.followDeliveries();
    const ticket = staff.tickets.get(id);
    if (!ticket) {
      res.status(404).json({ error: `no ticket ${id}` });
      return;
    }
    staff.desk.logAction(staffName(req), 'open', `handoff:${id}`);
    res.json({ handoff: ticketJson(ticket, false) });
  });

  router.post('/api/admin/handoffs/:id/claim', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    const id = staff && ticketId(req, res);
    if (!staff || id === undefined) return;
    answerDesk(res, staff.desk.claim(id, staffName(req)));
  });

  router.post('/api/admin/handoffs/:id/reply', json, (req: Request, res: Response) => {
    const staff = staffOr503(res);
    const id = staff && ticketId(req, res);
    if (!staff || id === undefined) return;
    const body = ReplySchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: issues(body.error) });
      return;
    }
    answerDesk(res, staff.desk.reply(id, staffName(req), body.data.text));
  });

  router.post('/api/admin/handoffs/:id/close', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    const id = staff && ticketId(req, res);
    if (!staff || id === undefined) return;
    answerDesk(res, staff.desk.close(id, staffName(req)));
  });

  router.get('/api/admin/actions', (_req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    res.json({ actions: staff.desk.actions().map((a) => ({ ...a, detail: a.detail && maskPersonalNumbers(a.detail), at: new Date(a.at).toISOString() })) });
  });

  router.get('/api/admin/unanswered', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const query = DaysSchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: issues(query.error) });
      return;
    }
    const since = Date.now() - (query.data.days ?? 30) * 86_400_000;
    res.json({ groups: unansweredQueue({ log: staff.log, feedback: staff.feedback, analyze: staff.analyze }, { since, minConfidence: deps.minConfidence ?? 0.48 }) });
  });

  router.get('/api/admin/answers', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const all = req.query.all === '1' || req.query.all === 'true';
    res.json({ answers: staff.curated.list({ includeWithdrawn: all }).map(curatedJson) });
  });

  router.post('/api/admin/answers', json, (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const body = CuratedInputSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: issues(body.error) });
      return;
    }
    const who = staffName(req);
    const created = staff.curated.create(body.data, who);
    staff.desk.logAction(who, 'answer.create', `answer:${created.id}`, body.data.questions[0]);
    res.status(201).json({ answer: curatedJson(created) });
  });

  router.post('/api/admin/answers/export', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const result = staff.curated.exportTo(staff.curatedDir);
    staff.desk.logAction(staffName(req), 'answer.export', result.file, String(result.count));
    res.json(result);
  });

  router.post('/api/admin/answers/import', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const who = staffName(req);
    const result = staff.curated.importFrom(staff.curatedDir, who);
    staff.desk.logAction(who, 'answer.import', staff.curatedDir, `${result.created} mới, ${result.updated} cập nhật`);
    res.status(result.problems.length > 0 && result.created + result.updated === 0 ? 400 : 200).json(result);
  });

  router.put('/api/admin/answers/:id', json, (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const body = UpdateSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: issues(body.error) });
      return;
    }
    const who = staffName(req);
    const updated = staff.curated.update(String(req.params.id), body.data, who);
    if (!updated) {
      res.status(404).json({ error: `no curated answer ${req.params.id}` });
      return;
    }
    staff.desk.logAction(who, 'answer.update', `answer:${updated.id}`);
    res.json({ answer: curatedJson(updated) });
  });

  router.delete('/api/admin/answers/:id', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const who = staffName(req);
    const withdrawn = staff.curated.withdraw(String(req.params.id), who);
    if (!withdrawn) {
      res.status(404).json({ error: `no curated answer ${req.params.id}` });
      return;
    }
    staff.desk.logAction(who, 'answer.withdraw', `answer:${withdrawn.id}`);
    res.json({ answer: curatedJson(withdrawn) });
  });

  router.get('/api/admin/stats', (req: Request, res: Response) => {
    const staff = staffOr503(res);
    if (!staff) return;
    const query = DaysSchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: issues(query.error) });
      return;
    }
    const since = Date.now() - (query.data.days ?? 30) * 86_400_000;
    const stats = computeStats({ log: staff.log, feedback: staff.feedback, tickets: staff.tickets, analyze: staff.analyze }, { since, minConfidence: deps.minConfidence ?? 0.48 });
    if (query.data.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="thong-ke.csv"');
      res.send(statsCsv(stats));
      return;
    }
    res.json(stats);
  });
  return router;
}

function curatedJson(a: ReturnType<StaffSide['curated']['list']>[number]) {
  return { ...a, createdAt: new Date(a.createdAt).toISOString(), updatedAt: new Date(a.updatedAt).toISOString() };
}
