/**
 * The persisted inbox and outbox of the Zalo channels. The webhook only writes an inbox
 * row (deduplicated on the channel's message id) and acknowledges; a worker answers each
 * pending inbox row, storing the rendered replies as outbox rows in the same transaction,
 * and sends outbox rows one user at a time. A process killed at any point resumes from
 * these tables, so no accepted message is lost or answered twice.
 */
import type { Db } from './database.ts';
import type { Channel, IncomingMessage } from '../core/messages.ts';

export interface InboxItem {
  id: number;
  channel: Channel;
  userId: string;
  message: IncomingMessage;
  receivedAt: number;
}

export interface OutboxItem {
  id: number;
  inboxId: number | null;
  channel: Channel;
  userId: string;
  /** The channel's request body, rendered when the reply was composed. */
  payload: unknown;
  attempts: number;
  nextAttemptAt: number;
}

export type InboxEnd = 'failed' | 'rate_limited';

/**
 * A parked outbox row stays `pending` (no schema change) with `last_error` starting
 * `parked:<reason>:` and `next_attempt_at` at the time it may go again: this far-future
 * value for "when an operator acts" (token), the quota's reset time for `quota`.
 */
export const PARKED_UNTIL_OPERATOR = 8_640_000_000_000_000;
export type ParkedReason = 'token' | 'quota';

export interface QueueCounts {
  inboxPending: number;
  inboxDone: number;
  inboxFailed: number;
  inboxRateLimited: number;
  outboxPending: number;
  outboxSent: number;
  outboxFailed: number;
  /** Pending replies parked until an operator acts (token) or the quota resets. */
  outboxParked: number;
}

interface InboxRow {
  id: number;
  channel: Channel;
  user_id: string;
  message_json: string;
  received_at: number;
}

interface OutboxRow {
  id: number;
  inbox_id: number | null;
  channel: Channel;
  user_id: string;
  payload_json: string;
  attempts: number;
  next_attempt_at: number;
}

export class ZaloQueue {
  private readonly acceptStmt;
  private readonly pendingStmt;
  private readonly insertOutStmt;
  private readonly endInboxStmt;
  private readonly dueStmt;
  private readonly sentStmt;
  private readonly failStmt;
  private readonly retryStmt;
  private readonly nextDueStmt;
  private readonly completeTx;
  private readonly acceptTx;
  /** Messages waiting for the next group commit (see `acceptSoon`). */
  private pendingAccepts: Array<{ eventKey: string; message: IncomingMessage; done: (r: 'accepted' | 'duplicate') => void; fail: (e: unknown) => void }> = [];

  constructor(private readonly db: Db) {
    this.acceptStmt = db.prepare(
      'INSERT OR IGNORE INTO zalo_inbox (channel, event_key, user_id, message_json, received_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.pendingStmt = db.prepare(
      "SELECT id, channel, user_id, message_json, received_at FROM zalo_inbox WHERE status = 'pending' ORDER BY id LIMIT ?",
    );
    this.insertOutStmt = db.prepare(
      'INSERT INTO zalo_outbox (inbox_id, channel, user_id, payload_json, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.endInboxStmt = db.prepare("UPDATE zalo_inbox SET status = ?, error = ?, processed_at = ? WHERE id = ? AND status = 'pending'");
    // The head of each user's pending queue, when due: a user's replies go out in order.
    this.dueStmt = db.prepare(`
      SELECT o.id, o.inbox_id, o.channel, o.user_id, o.payload_json, o.attempts, o.next_attempt_at
      FROM zalo_outbox o
      WHERE o.status = 'pending' AND o.next_attempt_at <= ?
        AND o.id = (SELECT MIN(p.id) FROM zalo_outbox p WHERE p.status = 'pending' AND p.channel = o.channel AND p.user_id = o.user_id)
      ORDER BY o.next_attempt_at, o.id LIMIT ?`);
    this.sentStmt = db.prepare("UPDATE zalo_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?");
    this.failStmt = db.prepare("UPDATE zalo_outbox SET status = 'failed', last_error = ?, attempts = attempts + 1 WHERE id = ?");
    this.retryStmt = db.prepare('UPDATE zalo_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?');
    // Rows parked until an operator acts are not "due later": only `unpark` brings them back.
    this.nextDueStmt = db.prepare(`SELECT MIN(next_attempt_at) FROM zalo_outbox WHERE status = 'pending' AND next_attempt_at > ? AND next_attempt_at < ${PARKED_UNTIL_OPERATOR}`).pluck();
    this.acceptTx = db.transaction((batch: ReadonlyArray<{ eventKey: string; message: IncomingMessage }>) =>
      batch.map(({ eventKey, message }) => this.insertInbox(eventKey, message)),
    );
    this.completeTx = db.transaction((inboxId: number, channel: Channel, userId: string, payloads: readonly unknown[], now: number) => {
      const ended = this.endInboxStmt.run('done', null, now, inboxId);
      // Already answered (e.g. by another worker before a restart): do not enqueue twice.
      if (ended.changes === 0) return false;
      for (const p of payloads) this.insertOutStmt.run(inboxId, channel, userId, JSON.stringify(p), now, now);
      return true;
    });
  }

  /**
   * Like `accept`, but all the messages that arrive in one turn of the event loop are stored
   * in one transaction (a group commit), which keeps acknowledgements fast under load. The
   * promise settles once the message is stored, so a webhook still answers 200 only after that.
   */
  acceptSoon(eventKey: string, message: IncomingMessage): Promise<'accepted' | 'duplicate'> {
    return new Promise((done, fail) => {
      this.pendingAccepts.push({ eventKey, message, done, fail });
      if (this.pendingAccepts.length === 1) setImmediate(() => this.flushAccepts());
    });
  }

  private flushAccepts(): void {
    const batch = this.pendingAccepts;
    this.pendingAccepts = [];
    let results: Array<'accepted' | 'duplicate'>;
    try {
      results = this.durably(() => this.acceptTx(batch) as Array<'accepted' | 'duplicate'>);
    } catch (error) {
      for (const item of batch) item.fail(error);
      return;
    }
    batch.forEach((item, i) => item.done(results[i]!));
  }

  /**
   * Stores an accepted message once. A retry of the same event (same channel and key) is
   * reported as a duplicate, even after a restart.
   */
  accept(eventKey: string, message: IncomingMessage): 'accepted' | 'duplicate' {
    if (!this.db.inTransaction) return this.durably(() => this.insertInbox(eventKey, message));
    return this.insertInbox(eventKey, message);
  }

  private insertInbox(eventKey: string, message: IncomingMessage): 'accepted' | 'duplicate' {
    const result = this.acceptStmt.run(message.channel, eventKey, message.userId, JSON.stringify(message), message.receivedAt);
    return result.changes === 1 ? 'accepted' : 'duplicate';
  }

  /**
   * Runs a write with `synchronous = FULL`: the inbox row backs the 200 Zalo gets, so its
   * commit is synced to disk before the webhook answers (WAL with NORMAL, the connection's
   * default, may lose the last commits on power loss). Other writes stay NORMAL. The cost is
   * one fsync per group commit (measured in the README's Durability note).
   */
  private durably<T>(write: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Pending inbox rows, oldest first. */
  pendingInbox(limit = 50): InboxItem[] {
    return (this.pendingStmt.all(limit) as InboxRow[]).map((r) => ({
      id: r.id,
      channel: r.channel,
      userId: r.user_id,
      message: JSON.parse(r.message_json) as IncomingMessage,
      receivedAt: r.received_at,
    }));
  }

  /** Marks the inbox row answered and queues its rendered replies, atomically. */
  complete(item: Pick<InboxItem, 'id' | 'channel' | 'userId'>, payloads: readonly unknown[], now = Date.now()): boolean {
    return this.completeTx(item.id, item.channel, item.userId, payloads, now) as boolean;
  }

  /**
   * Queues messages no one asked for just now (a quiz session pushing its next question), after
   * the user's replies already queued. Returns the ids of the rows added (a staff reply follows them).
   */
  enqueue(channel: Channel, userId: string, payloads: readonly unknown[], now = Date.now()): number[] {
    return this.db.transaction(() => payloads.map((p) => Number(this.insertOutStmt.run(null, channel, userId, JSON.stringify(p), now, now).lastInsertRowid)))();
  }

  /** Ends an inbox row without (further) replies: a bug while answering, or a user over the rate limit. */
  end(inboxId: number, status: InboxEnd, error?: string, now = Date.now()): void {
    this.endInboxStmt.run(status, error ?? null, now, inboxId);
  }

  /** Outbox rows that may be sent now: the oldest pending row of each user, if due. */
  dueOutbox(now: number, limit: number): OutboxItem[] {
    return (this.dueStmt.all(now, limit) as OutboxRow[]).map((r) => ({
      id: r.id,
      inboxId: r.inbox_id,
      channel: r.channel,
      userId: r.user_id,
      payload: JSON.parse(r.payload_json) as unknown,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  markSent(id: number, now = Date.now()): void {
    this.sentStmt.run(now, id);
  }

  /** A non-retryable failure: recorded with its reason, never sent again. */
  markFailed(id: number, error: string): void {
    this.failStmt.run(error, id);
  }

  /** Parks a row without spending an attempt: it waits for `until` (or `unpark`). */
  park(id: number, reason: ParkedReason, until: number, error: string): void {
    this.db.prepare('UPDATE zalo_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?').run(until, `parked:${reason}: ${error}`, id);
  }

  /** Makes the rows parked for `reason` due now (a new token stored; the quota reset). Returns how many. */
  unpark(reason: ParkedReason, now = Date.now()): number {
    return this.db
      .prepare("UPDATE zalo_outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ? AND last_error LIKE ?")
      .run(now, now, `parked:${reason}:%`).changes;
  }

  /** Rows parked now, by reason. */
  parked(now = Date.now()): Record<ParkedReason, number> {
    const rows = this.db
      .prepare("SELECT substr(last_error, 8, instr(substr(last_error, 8), ':') - 1) AS reason, COUNT(*) AS n FROM zalo_outbox WHERE status = 'pending' AND next_attempt_at > ? AND last_error LIKE 'parked:%' GROUP BY reason")
      .all(now) as Array<{ reason: string; n: number }>;
    const out: Record<ParkedReason, number> = { token: 0, quota: 0 };
    for (const r of rows) if (r.reason === 'token' || r.reason === 'quota') out[r.reason] = r.n;
    return out;
  }

  reschedule(id: number, attempts: number, nextAttemptAt: number, error: string): void {
    this.retryStmt.run(attempts, nextAttemptAt, error, id);
  }

  /** When the next pending outbox row waiting for a retry becomes due (undefined: none after `now`). */
  nextDueAfter(now: number): number | undefined {
    const v = this.nextDueStmt.get(now) as number | null;
    return v ?? undefined;
  }

  counts(): QueueCounts {
    const inbox = new Map(
      (this.db.prepare('SELECT status, COUNT(*) AS n FROM zalo_inbox GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]),
    );
    const outbox = new Map(
      (this.db.prepare('SELECT status, COUNT(*) AS n FROM zalo_outbox GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]),
    );
    return {
      inboxPending: inbox.get('pending') ?? 0,
      inboxDone: inbox.get('done') ?? 0,
      inboxFailed: inbox.get('failed') ?? 0,
      inboxRateLimited: inbox.get('rate_limited') ?? 0,
      outboxPending: outbox.get('pending') ?? 0,
      outboxSent: outbox.get('sent') ?? 0,
      outboxFailed: outbox.get('failed') ?? 0,
      outboxParked: Object.values(this.parked()).reduce((a, b) => a + b, 0),
    };
  }

  /**
   * Forgets finished rows older than `keepMs` (Zalo retries an event for up to 12 hours,
   * so keep at least a day for deduplication). Pending rows are never pruned.
   */
  prune(keepMs: number, now = Date.now()): number {
    const cutoff = now - keepMs;
    return this.db.transaction(() => {
      const out = this.db
        .prepare("DELETE FROM zalo_outbox WHERE status != 'pending' AND created_at < ? AND (inbox_id IS NULL OR inbox_id IN (SELECT id FROM zalo_inbox WHERE status != 'pending' AND received_at < ?))")
        .run(cutoff, cutoff).changes;
      const inbox = this.db
        .prepare("DELETE FROM zalo_inbox WHERE status != 'pending' AND received_at < ? AND id NOT IN (SELECT inbox_id FROM zalo_outbox WHERE inbox_id IS NOT NULL)")
        .run(cutoff).changes;
      return out + inbox;
    })();
  }
}
