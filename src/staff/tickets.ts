/**
 * Handoff tickets: a "gặp cán bộ" request (table handoff_requests) with its status
 * (open → claimed → closed), the conversation before it and every message exchanged while it
 * is open (table handoff_messages: the user's messages, the staff's replies, the assistant's
 * notices), with how each reply was delivered.
 */
import type { Db } from '../storage/database.ts';
import type { HandoffLine } from '../handlers/handoff-requests.ts';

export type TicketStatus = 'open' | 'claimed' | 'closed';
export type Delivery = 'none' | 'pending' | 'sent' | 'failed' | 'web';

export interface TicketMessage {
  id?: number;
  from: 'user' | 'assistant' | 'staff' | 'system';
  text: string;
  at: number;
  staff?: string;
  delivery?: Delivery;
  error?: string;
}

export interface Ticket {
  id: number;
  channel: string;
  userId: string;
  status: TicketStatus;
  /** What the user wrote when asking for an official. */
  text: string;
  /** The conversation before the request, oldest first. */
  recent: HandoffLine[];
  createdAt: number;
  claimedBy?: string;
  claimedAt?: number;
  closedBy?: string;
  closedAt?: number;
  firstReplyAt?: number;
  timeoutNotifiedAt?: number;
  /** Why replies could not reach the user (e.g. outside Zalo's 7-day consultation window). */
  deliveryProblem?: string;
  /** The conversation so far, then the ticket's own messages, oldest first. */
  messages: TicketMessage[];
}

interface TicketRow {
  id: number;
  channel: string;
  user_id: string;
  text: string;
  recent_json: string;
  status: string;
  created_at: number;
  claimed_by: string | null;
  claimed_at: number | null;
  closed_by: string | null;
  closed_at: number | null;
  first_reply_at: number | null;
  timeout_notified_at: number | null;
  delivery_problem: string | null;
}

interface MessageRow {
  id: number;
  handoff_id: number;
  author: 'user' | 'staff' | 'system';
  staff: string | null;
  text: string;
  delivery: Delivery;
  outbox_ids: string | null;
  delivery_error: string | null;
  created_at: number;
}

export interface PendingDelivery {
  messageId: number;
  ticketId: number;
  outboxIds: number[];
}

const ACTIVE = "status IN ('open', 'claimed')";

export class TicketStore {
  constructor(private readonly db: Db) {}

  /** The user's open or claimed ticket, if any (one indexed lookup per turn). */
  activeFor(channel: string, userId: string): { id: number; status: TicketStatus } | undefined {
    return this.db.prepare(`SELECT id, status FROM handoff_requests WHERE channel = ? AND user_id = ? AND ${ACTIVE} ORDER BY id DESC LIMIT 1`).get(channel, userId) as
      | { id: number; status: TicketStatus }
      | undefined;
  }

  get(id: number): Ticket | undefined {
    const row = this.db.prepare('SELECT * FROM handoff_requests WHERE id = ?').get(id) as TicketRow | undefined;
    return row && this.toTicket(row);
  }

  /** Newest first. */
  list(options: { status?: string; limit?: number } = {}): Ticket[] {
    const limit = Math.max(1, Math.min(500, options.limit ?? 100));
    const rows = (
      options.status
        ? this.db.prepare('SELECT * FROM handoff_requests WHERE status = ? ORDER BY id DESC LIMIT ?').all(options.status, limit)
        : this.db.prepare('SELECT * FROM handoff_requests ORDER BY id DESC LIMIT ?').all(limit)
    ) as TicketRow[];
    return rows.map((r) => this.toTicket(r));
  }

  addMessage(ticketId: number, m: { author: 'user' | 'staff' | 'system'; text: string; staff?: string; delivery?: Delivery; outboxIds?: number[]; error?: string }, now = Date.now()): number {
    const result = this.db
      .prepare('INSERT INTO handoff_messages (handoff_id, author, staff, text, delivery, outbox_ids, delivery_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ticketId, m.author, m.staff ?? null, m.text, m.delivery ?? 'none', m.outboxIds ? JSON.stringify(m.outboxIds) : null, m.error ?? null, now);
    return Number(result.lastInsertRowid);
  }

  /** Claims an open ticket (or takes over a claimed one); false when it is closed or missing. */
  claim(id: number, staff: string, now = Date.now()): boolean {
    return this.db.prepare(`UPDATE handoff_requests SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND ${ACTIVE}`).run(staff, now, id).changes === 1;
  }

  close(id: number, by: string, now = Date.now()): boolean {
    return this.db.prepare(`UPDATE handoff_requests SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ? AND ${ACTIVE}`).run(by, now, id).changes === 1;
  }

  markFirstReply(id: number, now = Date.now()): void {
    this.db.prepare('UPDATE handoff_requests SET first_reply_at = COALESCE(first_reply_at, ?) WHERE id = ?').run(now, id);
  }

  markTimeoutNotified(id: number, now = Date.now()): boolean {
    return this.db.prepare('UPDATE handoff_requests SET timeout_notified_at = ? WHERE id = ? AND timeout_notified_at IS NULL').run(now, id).changes === 1;
  }

  markDeliveryProblem(id: number, problem: string): void {
    this.db.prepare('UPDATE handoff_requests SET delivery_problem = ? WHERE id = ?').run(problem, id);
  }

  /** Open tickets no staff member has answered within `timeoutMs`, not yet told so. */
  overdue(now: number, timeoutMs: number): Array<{ id: number; channel: string; userId: string }> {
    return this.db
      .prepare(`SELECT id, channel, user_id AS userId FROM handoff_requests WHERE ${ACTIVE} AND first_reply_at IS NULL AND timeout_notified_at IS NULL AND created_at <= ? ORDER BY id LIMIT 50`)
      .all(now - timeoutMs) as Array<{ id: number; channel: string; userId: string }>;
  }

  pendingDeliveries(): PendingDelivery[] {
    return (this.db.prepare("SELECT id, handoff_id, outbox_ids FROM handoff_messages WHERE delivery = 'pending' ORDER BY id LIMIT 200").all() as MessageRow[]).map((r) => ({
      messageId: r.id,
      ticketId: r.handoff_id,
      outboxIds: r.outbox_ids ? (JSON.parse(r.outbox_ids) as number[]) : [],
    }));
  }

  setDelivery(messageId: number, delivery: Delivery, error?: string): void {
    this.db.prepare('UPDATE handoff_messages SET delivery = ?, delivery_error = ? WHERE id = ?').run(delivery, error ?? null, messageId);
  }

  /** Staff replies and notices for a web chat user after message `afterId`, oldest first. */
  webMessagesFor(userId: string, afterId: number): Array<{ id: number; from: 'staff' | 'system'; text: string; staff?: string; at: number }> {
    return (
      this.db
        .prepare(
          `SELECT m.id, m.author, m.staff, m.text, m.created_at FROM handoff_messages m JOIN handoff_requests h ON h.id = m.handoff_id
           WHERE h.channel = 'web' AND h.user_id = ? AND m.delivery = 'web' AND m.id > ? ORDER BY m.id LIMIT 100`,
        )
        .all(userId, afterId) as MessageRow[]
    ).map((r) => ({ id: r.id, from: r.author as 'staff' | 'system', text: r.text, staff: r.staff ?? undefined, at: r.created_at }));
  }

  /** Time to the first staff reply of the tickets created since `since` (ms each). */
  firstReplyDelays(since: number): number[] {
    return this.db.prepare('SELECT first_reply_at - created_at FROM handoff_requests WHERE first_reply_at IS NOT NULL AND created_at >= ?').pluck().all(since) as number[];
  }

  countByStatus(): Record<TicketStatus, number> {
    const out: Record<TicketStatus, number> = { open: 0, claimed: 0, closed: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM handoff_requests GROUP BY status').all() as Array<{ status: string; n: number }>) {
      if (r.status in out) out[r.status as TicketStatus] = r.n;
    }
    return out;
  }

  /** Retention: closed tickets (and their messages) older than the cutoff. */
  prune(cutoff: number): number {
    return this.db.transaction(() => {
      const old = `SELECT id FROM handoff_requests WHERE status = 'closed' AND created_at < ?`;
      const messages = this.db.prepare(`DELETE FROM handoff_messages WHERE handoff_id IN (${old})`).run(cutoff).changes;
      const tickets = this.db.prepare(`DELETE FROM handoff_requests WHERE status = 'closed' AND created_at < ?`).run(cutoff).changes;
      return messages + tickets;
    })();
  }

  private toTicket(r: TicketRow): Ticket {
    // Silent turns of an earlier handoff left empty replies in the conversation.
    const recent = (JSON.parse(r.recent_json) as HandoffLine[]).filter((l) => l.text.trim() !== '');
    const own = this.db.prepare('SELECT * FROM handoff_messages WHERE handoff_id = ? ORDER BY id').all(r.id) as MessageRow[];
    const messages: TicketMessage[] = [
      ...recent.map((l) => ({ from: l.direction === 'in' ? ('user' as const) : ('assistant' as const), text: l.text, at: l.at })),
      ...(r.text ? [{ from: 'user' as const, text: r.text, at: r.created_at }] : []),
      ...own.map((m) => ({
        id: m.id,
        from: m.author,
        text: m.text,
        at: m.created_at,
        ...(m.staff ? { staff: m.staff } : {}),
        ...(m.delivery !== 'none' ? { delivery: m.delivery } : {}),
        ...(m.delivery_error ? { error: m.delivery_error } : {}),
      })),
    ];
    return {
      id: r.id,
      channel: r.channel,
      userId: r.user_id,
      status: r.status as TicketStatus,
      text: r.text,
      recent,
      createdAt: r.created_at,
      claimedBy: r.claimed_by ?? undefined,
      claimedAt: r.claimed_at ?? undefined,
      closedBy: r.closed_by ?? undefined,
      closedAt: r.closed_at ?? undefined,
      firstReplyAt: r.first_reply_at ?? undefined,
      timeoutNotifiedAt: r.timeout_notified_at ?? undefined,
      deliveryProblem: r.delivery_problem ?? undefined,
      messages,
    };
  }
}
