/**
 * Personal data in SQLite: what is kept, how long, masked or verbatim, and how a user's
 * data is deleted on request. Every table that holds user text is listed in USER_TEXT_TABLES
 * (a test fails when a migration adds a table that is in neither list), so a new table must
 * say how it is retained.
 *
 * Kept verbatim, and why:
 * - `zalo_inbox.message_json` while pending: it is the message to answer after a crash.
 *   Once answered it is masked (the row stays as the dedupe key for the replay window).
 * - `handoff_requests.text/recent_json`: staff call the citizen back on the number they gave
 *   ("gặp cán bộ"); deleted with everything else after RETENTION_DAYS.
 * - `zalo_outbox.payload_json` while pending: the reply to deliver; masked once sent or failed.
 * Masked at write time: `messages.text` (CCCD, phone numbers, emails → "[CCCD]", "[SĐT]",
 * "[email]"): the conversation log is for staff statistics and context, not for identities.
 */
import type { Db } from './database.ts';

/** Tables holding user text or identities, with how the retention job treats them. */
export const USER_TEXT_TABLES = [
  'messages',
  'conversation_state',
  'zalo_inbox',
  'zalo_outbox',
  'handoff_requests',
  'quiz_participants',
  'quiz_answers',
  'quiz_pending_joins',
  'quiz_practice',
  'quiz_seen',
  'quiz_web_inbox',
  // The staff side (src/staff/): ticket messages, staff actions (reply texts), the answer log, feedback.
  'handoff_messages',
  'staff_actions',
  'answer_log',
  'feedback',
] as const;

/** Tables with no user data (the index, sessions' settings, tokens, bookkeeping). */
export const NON_USER_TABLES = ['kb_meta', 'kb_documents', 'kb_chunks', 'kb_vectors', 'kb_problems', 'kb_records', 'kb_records_report', 'quiz_sessions', 'quiz_session_questions', 'zalo_oa_tokens', 'schema_migrations', 'curated_answers'] as const;

const CCCD = /(?<![\d])(\d{3}[ .-]?\d{3}[ .-]?\d{6}|\d{9})(?![\d])/g;
const PHONE = /(?<![\d+])(?:\+?84|0)(?:[ .-]?\d){9,10}(?![\d])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Masks CCCD/CMND numbers (12 or 9 digits), Vietnamese phone numbers and emails.
 * @example maskPersonalData('CCCD 001203004567, gọi 0912 345 678') // 'CCCD [CCCD], gọi [SĐT]'
 */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[SĐT]').replace(CCCD, '[CCCD]');
}

export interface RetentionReport {
  deleted: Record<string, number>;
  masked: Record<string, number>;
}

const DAY = 86_400_000;

export class PersonalData {
  constructor(private readonly db: Db) {}

  /**
   * The retention job: everything older than `retentionDays` goes from every user table
   * (0 keeps it); answered inbox rows and sent replies are masked after a day; stale dialogue
   * state (only read for 30 minutes) goes after a day. Runs in one transaction.
   */
  retain(retentionDays: number, now = Date.now()): RetentionReport {
    const deleted: Record<string, number> = {};
    const masked: Record<string, number> = {};
    const run = (table: string, sql: string, ...args: unknown[]) => {
      deleted[table] = (deleted[table] ?? 0) + this.db.prepare(sql).run(...args).changes;
    };
    this.db.transaction(() => {
      const dayAgo = now - DAY;
      run('conversation_state', 'DELETE FROM conversation_state WHERE updated_at < ?', dayAgo);
      masked.zalo_inbox = this.maskJson('zalo_inbox', 'message_json', "status != 'pending' AND received_at < ? AND message_json NOT LIKE '%\"masked\":true%'", dayAgo);
      masked.zalo_outbox = this.maskJson('zalo_outbox', 'payload_json', "status != 'pending' AND created_at < ? AND payload_json NOT LIKE '%\"masked\":true%'", dayAgo);
      run('quiz_web_inbox', 'DELETE FROM quiz_web_inbox WHERE created_at < ?', dayAgo);
      run('quiz_pending_joins', 'DELETE FROM quiz_pending_joins WHERE asked_at < ?', dayAgo);
      if (retentionDays > 0) {
        const cutoff = now - retentionDays * DAY;
        run('messages', 'DELETE FROM messages WHERE created_at < ?', cutoff);
        run('handoff_messages', 'DELETE FROM handoff_messages WHERE handoff_id IN (SELECT id FROM handoff_requests WHERE created_at < ?)', cutoff);
        run('handoff_requests', 'DELETE FROM handoff_requests WHERE created_at < ?', cutoff);
        run('staff_actions', 'DELETE FROM staff_actions WHERE created_at < ?', cutoff);
        run('answer_log', 'DELETE FROM answer_log WHERE created_at < ?', cutoff);
        run('feedback', 'DELETE FROM feedback WHERE created_at < ?', cutoff);
        run('quiz_practice', 'DELETE FROM quiz_practice WHERE updated_at < ?', cutoff);
        run('quiz_seen', 'DELETE FROM quiz_seen WHERE seen_at < ?', cutoff);
        // Finished sessions' learners and answers (names, choices) go; the session shell stays.
        const old = "SELECT id FROM quiz_sessions WHERE status = 'finished' AND COALESCE(finished_at, created_at) < ?";
        run('quiz_answers', `DELETE FROM quiz_answers WHERE session_id IN (${old})`, cutoff);
        run('quiz_participants', `DELETE FROM quiz_participants WHERE session_id IN (${old})`, cutoff);
        // The inbox/outbox keep their own (longer than the replay window) schedule in runtime.ts.
      }
    })();
    return { deleted, masked };
  }

  /**
   * "Xoá dữ liệu của tôi": the user's conversation, dialogue state, handoff requests, solo
   * quiz progress and pushed messages are deleted; their quiz identity in trainer sessions is
   * anonymised (the row stays so other learners' rankings add up, without name or user id);
   * their Zalo inbox/outbox rows are emptied (the dedupe key stays, so a replay is not
   * answered again). A reply still waiting to be sent is left to go out.
   */
  forget(channel: string, userId: string): Record<string, number> {
    const counts: Record<string, number> = {};
    const run = (table: string, sql: string, ...args: unknown[]) => {
      counts[table] = (counts[table] ?? 0) + this.db.prepare(sql).run(...args).changes;
    };
    this.db.transaction(() => {
      run('messages', 'DELETE FROM messages WHERE channel = ? AND user_id = ?', channel, userId);
      run('conversation_state', 'DELETE FROM conversation_state WHERE channel = ? AND user_id = ?', channel, userId);
      run('handoff_messages', 'DELETE FROM handoff_messages WHERE handoff_id IN (SELECT id FROM handoff_requests WHERE channel = ? AND user_id = ?)', channel, userId);
      run('handoff_requests', 'DELETE FROM handoff_requests WHERE channel = ? AND user_id = ?', channel, userId);
      run('answer_log', 'DELETE FROM answer_log WHERE channel = ? AND user_id = ?', channel, userId);
      run('feedback', 'DELETE FROM feedback WHERE channel = ? AND user_id = ?', channel, userId);
      run('quiz_practice', 'DELETE FROM quiz_practice WHERE channel = ? AND user_id = ?', channel, userId);
      run('quiz_seen', 'DELETE FROM quiz_seen WHERE channel = ? AND user_id = ?', channel, userId);
      run('quiz_pending_joins', 'DELETE FROM quiz_pending_joins WHERE channel = ? AND user_id = ?', channel, userId);
      if (channel === 'web') run('quiz_web_inbox', 'DELETE FROM quiz_web_inbox WHERE user_id = ?', userId);
      run(
        'quiz_participants',
        "UPDATE quiz_participants SET name = 'Đã xoá #' || id, user_id = 'forgotten:' || id, token = 'forgotten:' || id || ':' || lower(hex(randomblob(12))), left_at = COALESCE(left_at, ?) WHERE channel = ? AND user_id = ?",
        Date.now(),
        channel,
        userId,
      );
      run('zalo_inbox', `UPDATE zalo_inbox SET message_json = '{"masked":true}', error = NULL WHERE channel = ? AND user_id = ? AND status != 'pending'`, channel, userId);
      run('zalo_outbox', `UPDATE zalo_outbox SET payload_json = '{"masked":true}', last_error = NULL WHERE channel = ? AND user_id = ? AND status != 'pending'`, channel, userId);
    })();
    return counts;
  }

  private maskJson(table: 'zalo_inbox' | 'zalo_outbox', column: string, where: string, ...args: unknown[]): number {
    const rows = this.db.prepare(`SELECT id, ${column} AS json FROM ${table} WHERE ${where}`).all(...args) as Array<{ id: number; json: string }>;
    const update = this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE id = ?`);
    let n = 0;
    for (const r of rows) {
      let value: unknown;
      try {
        value = JSON.parse(r.json);
      } catch {
        value = {};
      }
      const maskedValue = maskDeep(value);
      update.run(JSON.stringify(typeof maskedValue === 'object' && maskedValue !== null && !Array.isArray(maskedValue) ? { ...maskedValue, masked: true } : { value: maskedValue, masked: true }), r.id);
      n++;
    }
    return n;
  }
}

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  return value;
}

/**
 * Runs the retention job now and then every day; returns a stop function.
 * @example const stop = startRetention(db, config.retentionDays, (r) => logger.info('retention', r));
 */
export function startRetention(db: Db, retentionDays: number, report: (r: RetentionReport) => void, onError: (e: unknown) => void): () => void {
  const data = new PersonalData(db);
  const once = () => {
    try {
      report(data.retain(retentionDays));
    } catch (error) {
      onError(error);
    }
  };
  once();
  const timer = setInterval(once, DAY);
  timer.unref();
  return () => clearInterval(timer);
}
