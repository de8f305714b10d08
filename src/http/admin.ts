/**
 * The staff API behind `ADMIN_TOKEN` (a Bearer token, compared in constant time):
 * `GET /api/admin/handoffs` lists requests to talk to an official, newest first, with the
 * conversation that led to them. Off (404) while `ADMIN_TOKEN` is not set.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HandoffRepository } from '../handlers/handoff-requests.ts';
import { constantTimeEqual } from '../channels/zalo-oa/signature.ts';

export interface AdminDeps {
  adminToken?: string;
  /** Undefined until storage is open. */
  handoffs: () => HandoffRepository | undefined;
}

const ListQuerySchema = z.object({
  status: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export function createAdminRouter(deps: AdminDeps): Router {
  const router = express.Router();
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
  router.get('/api/admin/handoffs', (req: Request, res: Response) => {
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    const repo = deps.handoffs();
    if (!repo) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    const handoffs = repo.list(query.data).map((h) => ({ ...h, createdAt: new Date(h.createdAt).toISOString() }));
    res.json({ handoffs });
  });
  return router;
}
