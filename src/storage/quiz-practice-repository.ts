/**
 * SQLite rows of solo practice (migration 4): one quiz in progress per chat user, so a
 * practice interrupted by another question, a closed app or a restarted server resumes where
 * it stopped; and the questions each user saw recently, so a new quiz does not repeat them.
 */
import type { Db } from './database.ts';

export class QuizPracticeRepository {
  constructor(private readonly db: Db) {}

  load<T>(channel: string, userId: string): { state: T; updatedAt: number } | undefined {
    const row = this.db.prepare('SELECT state_json, updated_at FROM quiz_practice WHERE channel = ? AND user_id = ?').get(channel, userId) as
      | { state_json: string; updated_at: number }
      | undefined;
    return row && { state: JSON.parse(row.state_json) as T, updatedAt: row.updated_at };
  }

  save(channel: string, userId: string, state: unknown, at: number): void {
    this.db
      .prepare(
        'INSERT INTO quiz_practice (channel, user_id, state_json, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at',
      )
      .run(channel, userId, JSON.stringify(state), at);
  }

  remove(channel: string, userId: string): void {
    this.db.prepare('DELETE FROM quiz_practice WHERE channel = ? AND user_id = ?').run(channel, userId);
  }

  /** Ids of the questions this user saw last, most recent first. */
  recentlySeen(channel: string, userId: string, limit: number): string[] {
    return this.db
      .prepare('SELECT question_id FROM quiz_seen WHERE channel = ? AND user_id = ? ORDER BY seen_at DESC, rowid DESC LIMIT ?')
      .pluck()
      .all(channel, userId, limit) as string[];
  }

  /** Records questions as seen and keeps only the `keep` most recent per user. */
  markSeen(channel: string, userId: string, questionIds: readonly string[], at: number, keep: number): void {
    const upsert = this.db.prepare(
      'INSERT INTO quiz_seen (channel, user_id, question_id, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id, question_id) DO UPDATE SET seen_at = excluded.seen_at',
    );
    const prune = this.db.prepare(
      'DELETE FROM quiz_seen WHERE channel = ? AND user_id = ? AND question_id NOT IN (SELECT question_id FROM quiz_seen WHERE channel = ? AND user_id = ? ORDER BY seen_at DESC, rowid DESC LIMIT ?)',
    );
    this.db.transaction(() => {
      for (const id of questionIds) upsert.run(channel, userId, id, at);
      prune.run(channel, userId, channel, userId, keep);
    })();
  }
}
