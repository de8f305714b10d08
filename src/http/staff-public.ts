/**
 * The citizen-facing half of the staff side: `POST /api/feedback` (👍/👎 on an answer, with an
 * optional comment) and `GET /api/chat/inbox?userId=&after=` (what staff and the assistant
 * sent a web chat user outside a reply: staff replies, "the ticket is closed", the hotline
 * notice), which the web chat polls while a handoff is open.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { StaffSide } from '../staff/index.ts';
import { RESERVED_ID_ERROR, type WebIdentity } from './web-identity.ts';

const FeedbackSchema = z.strictObject({
  userId: z.string().trim().min(1).max(128),
  messageId: z.string().trim().min(1).max(64),
  rating: z.enum(['up', 'down']),
  comment: z.string().max(1000, 'comment is too long (max 1000)').optional(),
});
const InboxSchema = z.object({ userId: z.string().trim().min(1).max(128), after: z.coerce.number().int().min(0).optional() });

/**
 * @param webIdentity the web chat's cookie identity: a browser's feedback and inbox are its
 *   cookie's conversation (as `POST /api/chat` is), whatever `userId` it sends.
 */
export function createStaffPublicRouter(staff: () => StaffSide | undefined, webIdentity?: WebIdentity): Router {
  const router = express.Router();
  /** The user a request speaks for; undefined when the client claims the browsers' reserved id space. */
  const speaksFor = (req: Request, given: string) => (webIdentity ? webIdentity.resolve(req, given) : given);
  router.post('/api/feedback', express.json({ limit: '16kb' }), (req: Request, res: Response) => {
    const body = FeedbackSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
      return;
    }
    const side = staff();
    if (!side) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    const userId = speaksFor(req, body.data.userId);
    if (userId === undefined) {
      res.status(400).json({ error: RESERVED_ID_ERROR });
      return;
    }
    const stored = side.feedback.record({ ...body.data, userId });
    if (!stored) {
      res.status(404).json({ error: 'no answer with this messageId for this userId' });
      return;
    }
    res.json({ status: 'ok', rating: stored.rating });
  });

  router.get('/api/chat/inbox', (req: Request, res: Response) => {
    const query = InboxSchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    const side = staff();
    if (!side) {
      res.status(503).json({ error: 'starting: try again shortly' });
      return;
    }
    const userId = speaksFor(req, query.data.userId);
    if (userId === undefined) {
      res.status(400).json({ error: RESERVED_ID_ERROR });
      return;
    }
    const active = side.tickets.activeFor('web', userId);
    const messages = side.tickets.webMessagesFor(userId, query.data.after ?? 0).map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
    res.json({ handoff: active ?? null, messages });
  });
  return router;
}
