/**
 * Messages pushed to a web chat user outside a request (a trainer session's next question,
 * its result), kept in SQLite until the page polls for them, so a restart loses none.
 */
import type { OutgoingMessage } from '../core/messages.ts';
import type { Db } from './database.ts';

export interface InboxItem {
  id: number;
  messages: OutgoingMessage[];
  createdAt: number;
}

export class QuizWebInbox {
  constructor(private readonly db: Db) {}

  push(userId: string, messages: OutgoingMessage[], at: number): void {
    this.db.prepare('INSERT INTO quiz_web_inbox (user_id, payload_json, created_at) VALUES (?, ?, ?)').run(userId, JSON.stringify(messages), at);
  }

  /** Returns and removes everything waiting for this user, oldest first. */
  take(userId: string): InboxItem[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT id, payload_json, created_at FROM quiz_web_inbox WHERE user_id = ? ORDER BY id').all(userId) as Array<{
        id: number;
        payload_json: string;
        created_at: number;
      }>;
      if (rows.length > 0) this.db.prepare('DELETE FROM quiz_web_inbox WHERE user_id = ? AND id <= ?').run(userId, rows[rows.length - 1]!.id);
      return rows.map((r) => ({ id: r.id, messages: JSON.parse(r.payload_json) as OutgoingMessage[], createdAt: r.created_at }));
    })();
  }

  /** Drops what nobody collected (a closed tab) after `maxAgeMs`. */
  prune(maxAgeMs: number, now: number): number {
    return this.db.prepare('DELETE FROM quiz_web_inbox WHERE created_at < ?').run(now - maxAgeMs).changes;
  }
}
