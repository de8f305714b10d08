/**
 * Conversation messages and per-user dialogue state, with a retention setting.
 */
import type { Db } from './database.ts';
import { maskPersonalData } from './personal-data.ts';

export interface StoredMessage {
  channel: string;
  userId: string;
  direction: 'in' | 'out';
  text: string;
  intent?: string;
  createdAt: number;
}

export class ConversationRepository {
  private readonly insertStmt;
  private readonly recentStmt;
  private readonly getStateStmt;
  private readonly putStateStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO messages (channel, user_id, direction, text, intent, created_at) VALUES (@channel, @userId, @direction, @text, @intent, @createdAt)',
    );
    this.recentStmt = db.prepare(
      'SELECT channel, user_id AS userId, direction, text, intent, created_at AS createdAt FROM messages WHERE channel = ? AND user_id = ? ORDER BY id DESC LIMIT ?',
    );
    this.getStateStmt = db.prepare('SELECT state_json, updated_at FROM conversation_state WHERE channel = ? AND user_id = ?');
    this.putStateStmt = db.prepare(
      'INSERT INTO conversation_state (channel, user_id, state_json, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at',
    );
  }

  /** Stores a message with CCCD numbers, phone numbers and emails masked (see personal-data.ts). */
  append(message: StoredMessage): void {
    this.insertStmt.run({ ...message, text: maskPersonalData(message.text), intent: message.intent ?? null });
  }

  /** Most recent first. */
  recent(channel: string, userId: string, limit = 20): StoredMessage[] {
    return (this.recentStmt.all(channel, userId, limit) as Array<StoredMessage & { intent: string | null }>).map((m) => ({
      ...m,
      intent: m.intent ?? undefined,
    }));
  }

  loadState<T>(channel: string, userId: string, maxAgeMs: number, now = Date.now()): T | undefined {
    const row = this.getStateStmt.get(channel, userId) as { state_json: string; updated_at: number } | undefined;
    if (!row || now - row.updated_at > maxAgeMs) return undefined;
    return JSON.parse(row.state_json) as T;
  }

  saveState(channel: string, userId: string, state: unknown, now = Date.now()): void {
    this.putStateStmt.run(channel, userId, JSON.stringify(state), now);
  }

  /** Deletes messages older than the retention period; 0 days keeps everything. */
  prune(retentionDays: number, now = Date.now()): number {
    if (retentionDays <= 0) return 0;
    const cutoff = now - retentionDays * 86_400_000;
    return this.db.prepare('DELETE FROM messages WHERE created_at < ?').run(cutoff).changes;
  }
}
