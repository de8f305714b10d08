/**
 * Requests to talk to an official ("gặp cán bộ"), kept in SQLite with the recent
 * conversation so the officer who calls back knows what was asked. Listed for staff at
 * `GET /api/admin/handoffs`.
 */
import type { Db } from '../storage/database.ts';

export interface HandoffLine {
  direction: 'in' | 'out';
  text: string;
  at: number;
}

export interface HandoffRequest {
  id: number;
  channel: string;
  userId: string;
  /** What the user wrote when asking for an official. */
  text: string;
  /** The conversation before it, oldest first. */
  recent: HandoffLine[];
  status: string;
  createdAt: number;
}

/** What the dialogue needs: record one request and get its number back. */
export interface HandoffRecorder {
  record(request: { channel: string; userId: string; text: string; recent: HandoffLine[] }, now?: number): number;
}

export class HandoffRepository implements HandoffRecorder {
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO handoff_requests (channel, user_id, text, recent_json, created_at) VALUES (?, ?, ?, ?, ?)');
  }

  /** A user with an open (or claimed) request keeps it: asking again returns its number. */
  record(request: { channel: string; userId: string; text: string; recent: HandoffLine[] }, now = Date.now()): number {
    const open = this.db
      .prepare("SELECT id FROM handoff_requests WHERE channel = ? AND user_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1")
      .pluck()
      .get(request.channel, request.userId) as number | undefined;
    if (open !== undefined) return open;
    const result = this.insertStmt.run(request.channel, request.userId, request.text, JSON.stringify(request.recent), now);
    return Number(result.lastInsertRowid);
  }

  /** Newest first. */
  list(options: { status?: string; limit?: number } = {}): HandoffRequest[] {
    const limit = Math.max(1, Math.min(500, options.limit ?? 100));
    const rows = (
      options.status
        ? this.db.prepare('SELECT * FROM handoff_requests WHERE status = ? ORDER BY id DESC LIMIT ?').all(options.status, limit)
        : this.db.prepare('SELECT * FROM handoff_requests ORDER BY id DESC LIMIT ?').all(limit)
    ) as Array<{ id: number; channel: string; user_id: string; text: string; recent_json: string; status: string; created_at: number }>;
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      userId: r.user_id,
      text: r.text,
      recent: JSON.parse(r.recent_json) as HandoffLine[],
      status: r.status,
      createdAt: r.created_at,
    }));
  }
}
