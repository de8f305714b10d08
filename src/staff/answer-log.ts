/**
 * Every turn the assistant answers on the web or Zalo, logged with a `messageId` (returned
 * by `/api/chat`, carried by the Zalo feedback buttons): the question, the reply, intent,
 * confidence, sources, the outcome (answered / not found / declined / handed off…) and the
 * latency. Feedback (👍/👎) is stored against it; the unanswered queue and the figures read it.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/database.ts';
import { replyText, type Reply, type SourceRef } from '../core/messages.ts';
import { KNOWLEDGE_INTENTS, type IntentName } from '../core/intent-names.ts';
import { foldDiacritics } from '../nlu/vietnamese.ts';

export type Outcome = 'answered' | 'not_found' | 'declined' | 'handoff' | 'to_staff' | 'feedback' | 'other';

export interface LoggedAnswer {
  id: string;
  channel: string;
  userId: string;
  question: string;
  answer: string;
  intent: string;
  confidence: number;
  sources: SourceRef[];
  outcome: Outcome;
  latencyMs: number;
  createdAt: number;
}

/** Intents whose replies with sources are answers (worth a "was it useful?"). */
const ANSWER_INTENTS = new Set<string>([...KNOWLEDGE_INTENTS, 'more', 'curated', 'today_question']);
const DECLINE_INTENTS = new Set<IntentName | string>(['out_of_scope']);

/** How a reply ended, for the queue and the figures. */
export function outcomeOf(reply: Reply): Outcome {
  if (reply.intent === 'handoff_open') return 'to_staff';
  if (reply.intent === 'handoff') return 'handoff';
  if (reply.intent === 'feedback') return 'feedback';
  if (DECLINE_INTENTS.has(reply.intent)) return 'declined';
  const opening = foldDiacritics(replyText(reply).slice(0, 200)).toLowerCase();
  if (/chua tim thay|khong co thong tin|khong tim thay/.test(opening)) return 'not_found';
  if (ANSWER_INTENTS.has(reply.intent) && reply.sources.length > 0) return 'answered';
  if (ANSWER_INTENTS.has(reply.intent)) return 'not_found';
  return 'other';
}

interface Row {
  id: string;
  channel: string;
  user_id: string;
  question: string;
  answer: string;
  intent: string;
  confidence: number;
  sources_json: string;
  outcome: Outcome;
  latency_ms: number;
  created_at: number;
}

export class AnswerLog {
  constructor(private readonly db: Db) {}

  static newId(): string {
    return `m-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
  }

  record(entry: LoggedAnswer): void {
    this.db
      .prepare(
        'INSERT INTO answer_log (id, channel, user_id, question, answer, intent, confidence, sources_json, outcome, latency_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(entry.id, entry.channel, entry.userId, entry.question, entry.answer, entry.intent, entry.confidence, JSON.stringify(entry.sources), entry.outcome, Math.round(entry.latencyMs), entry.createdAt);
  }

  get(id: string): LoggedAnswer | undefined {
    const row = this.db.prepare('SELECT * FROM answer_log WHERE id = ?').get(id) as Row | undefined;
    return row && toEntry(row);
  }

  /** The outcome of the user's previous turn (before this one is recorded). */
  lastOutcome(channel: string, userId: string): Outcome | undefined {
    return this.db.prepare('SELECT outcome FROM answer_log WHERE channel = ? AND user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').pluck().get(channel, userId) as
      | Outcome
      | undefined;
  }

  since(from: number, to = Number.MAX_SAFE_INTEGER): LoggedAnswer[] {
    return (this.db.prepare('SELECT * FROM answer_log WHERE created_at >= ? AND created_at < ? ORDER BY created_at').all(from, to) as Row[]).map(toEntry);
  }

  prune(cutoff: number): number {
    return this.db.prepare('DELETE FROM answer_log WHERE created_at < ?').run(cutoff).changes;
  }
}

function toEntry(r: Row): LoggedAnswer {
  return {
    id: r.id,
    channel: r.channel,
    userId: r.user_id,
    question: r.question,
    answer: r.answer,
    intent: r.intent,
    confidence: r.confidence,
    sources: JSON.parse(r.sources_json) as SourceRef[],
    outcome: r.outcome,
    latencyMs: r.latency_ms,
    createdAt: r.created_at,
  };
}

export interface FeedbackEntry {
  messageId: string;
  channel: string;
  userId: string;
  rating: 'up' | 'down';
  comment?: string;
  question?: string;
  answer?: string;
  intent?: string;
  confidence?: number;
  sources: SourceRef[];
  createdAt: number;
}

/** 👍/👎 on an answer, one per user and answer (a second rating replaces the first). */
export class FeedbackStore {
  constructor(
    private readonly db: Db,
    private readonly log: AnswerLog,
  ) {}

  /** Undefined when the answer is not this user's (or unknown). */
  record(input: { messageId: string; userId: string; rating: 'up' | 'down'; comment?: string }, now = Date.now()): FeedbackEntry | undefined {
    const answer = this.log.get(input.messageId);
    if (!answer || answer.userId !== input.userId) return undefined;
    const comment = input.comment?.trim() ? input.comment.trim().slice(0, 1000) : undefined;
    this.db
      .prepare(
        `INSERT INTO feedback (message_id, channel, user_id, rating, comment, question, answer, intent, confidence, sources_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO UPDATE SET rating = excluded.rating, comment = COALESCE(excluded.comment, feedback.comment), created_at = excluded.created_at`,
      )
      .run(input.messageId, answer.channel, input.userId, input.rating, comment ?? null, answer.question, answer.answer, answer.intent, answer.confidence, JSON.stringify(answer.sources), now);
    return { messageId: input.messageId, channel: answer.channel, userId: input.userId, rating: input.rating, comment, question: answer.question, answer: answer.answer, intent: answer.intent, confidence: answer.confidence, sources: answer.sources, createdAt: now };
  }

  since(from: number, to = Number.MAX_SAFE_INTEGER): FeedbackEntry[] {
    return (
      this.db.prepare('SELECT * FROM feedback WHERE created_at >= ? AND created_at < ? ORDER BY created_at').all(from, to) as Array<{
        message_id: string;
        channel: string;
        user_id: string;
        rating: 'up' | 'down';
        comment: string | null;
        question: string | null;
        answer: string | null;
        intent: string | null;
        confidence: number | null;
        sources_json: string | null;
        created_at: number;
      }>
    ).map((r) => ({
      messageId: r.message_id,
      channel: r.channel,
      userId: r.user_id,
      rating: r.rating,
      comment: r.comment ?? undefined,
      question: r.question ?? undefined,
      answer: r.answer ?? undefined,
      intent: r.intent ?? undefined,
      confidence: r.confidence ?? undefined,
      sources: r.sources_json ? (JSON.parse(r.sources_json) as SourceRef[]) : [],
      createdAt: r.created_at,
    }));
  }

  prune(cutoff: number): number {
    return this.db.prepare('DELETE FROM feedback WHERE created_at < ?').run(cutoff).changes;
  }
}
