/**
 * SQLite rows of the trainer sessions (migration 4): the session with its settings and
 * state, a snapshot of its questions with the options in the session's shuffled order and
 * the correct index (never sent to a client before the question closes), the participants
 * and their answers. Every state change is written before it is announced, so a restarted
 * server resumes an open session from here.
 */
import type { Db } from './database.ts';
import type { QuizSource, QuizTopic } from '../quiz/schema.ts';
import type { ScoringRules } from '../quiz/scoring.ts';

export type SessionStatus = 'lobby' | 'running' | 'finished';

export interface SessionSettings {
  /** Null: questions from every topic. */
  topic: QuizTopic | null;
  questionCount: number;
  secondsPerQuestion: number;
  scoring: ScoringRules;
}

/** A question as the session asks it: options shuffled for this session, `correct` pointing into them. */
export interface SessionQuestion {
  id: string;
  stem: string;
  options: string[];
  correct: number;
  explanation: string;
  source: QuizSource;
  topic: QuizTopic;
  difficulty: string;
}

export interface SessionRow {
  id: string;
  code: string;
  title: string;
  settings: SessionSettings;
  status: SessionStatus;
  /** -1 before the first question. */
  currentPosition: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface QuestionRow {
  position: number;
  question: SessionQuestion;
  openedAt?: number;
  /** Epoch ms after which answers are refused; timers are recomputed from it after a restart. */
  deadline?: number;
  closedAt?: number;
}

export interface ParticipantRow {
  id: number;
  sessionId: string;
  name: string;
  channel: string;
  userId: string;
  /** Secret the web join page answers with. */
  token: string;
  score: number;
  streak: number;
  correctCount: number;
  /** Sum of the answer times of correct answers, the tie-breaker. */
  correctMs: number;
  joinedAt: number;
  leftAt?: number;
}

export interface AnswerRow {
  sessionId: string;
  participantId: number;
  position: number;
  choice: number;
  correct: boolean;
  elapsedMs: number;
  points: number;
  answeredAt: number;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

interface SessionDbRow {
  id: string;
  code: string;
  title: string;
  settings_json: string;
  status: SessionStatus;
  current_position: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function sessionOf(r: SessionDbRow): SessionRow {
  return {
    id: r.id,
    code: r.code,
    title: r.title,
    settings: JSON.parse(r.settings_json) as SessionSettings,
    status: r.status,
    currentPosition: r.current_position,
    createdAt: r.created_at,
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
  };
}

type ParticipantDbRow = Nullable<Pick<ParticipantRow, 'leftAt'>> & Omit<ParticipantRow, 'leftAt'>;
const PARTICIPANT_COLUMNS =
  'id, session_id AS sessionId, name, channel, user_id AS userId, token, score, streak, correct_count AS correctCount, correct_ms AS correctMs, joined_at AS joinedAt, left_at AS leftAt';
const participantOf = (r: ParticipantDbRow): ParticipantRow => ({ ...r, leftAt: opt(r.leftAt) });

export class QuizSessionRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new session and its question snapshot in one transaction. */
  insertSession(session: SessionRow, questions: SessionQuestion[]): void {
    const insertSession = this.db.prepare(
      'INSERT INTO quiz_sessions (id, code, title, settings_json, status, current_position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const insertQuestion = this.db.prepare('INSERT INTO quiz_session_questions (session_id, position, question_id, question_json) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      insertSession.run(session.id, session.code, session.title, JSON.stringify(session.settings), session.status, session.currentPosition, session.createdAt);
      questions.forEach((q, position) => insertQuestion.run(session.id, position, q.id, JSON.stringify(q)));
    })();
  }

  session(id: string): SessionRow | undefined {
    const row = this.db.prepare('SELECT * FROM quiz_sessions WHERE id = ?').get(id) as SessionDbRow | undefined;
    return row && sessionOf(row);
  }

  /** The session that is not finished and has this join code. */
  openSessionByCode(code: string): SessionRow | undefined {
    const row = this.db.prepare("SELECT * FROM quiz_sessions WHERE code = ? AND status <> 'finished'").get(code) as SessionDbRow | undefined;
    return row && sessionOf(row);
  }

  codeInUse(code: string): boolean {
    return this.db.prepare("SELECT 1 FROM quiz_sessions WHERE code = ? AND status <> 'finished'").get(code) !== undefined;
  }

  /** Newest first. */
  listSessions(limit = 50): SessionRow[] {
    return (this.db.prepare('SELECT * FROM quiz_sessions ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as SessionDbRow[]).map(sessionOf);
  }

  openSessions(): SessionRow[] {
    return (this.db.prepare("SELECT * FROM quiz_sessions WHERE status <> 'finished' ORDER BY created_at").all() as SessionDbRow[]).map(sessionOf);
  }

  updateSession(id: string, patch: Partial<Pick<SessionRow, 'status' | 'currentPosition' | 'startedAt' | 'finishedAt'>>): void {
    const current = this.session(id);
    if (!current) return;
    const next = { ...current, ...patch };
    this.db
      .prepare('UPDATE quiz_sessions SET status = ?, current_position = ?, started_at = ?, finished_at = ? WHERE id = ?')
      .run(next.status, next.currentPosition, next.startedAt ?? null, next.finishedAt ?? null, id);
  }

  questions(sessionId: string): QuestionRow[] {
    const rows = this.db
      .prepare('SELECT position, question_json, opened_at, deadline, closed_at FROM quiz_session_questions WHERE session_id = ? ORDER BY position')
      .all(sessionId) as Array<{ position: number; question_json: string; opened_at: number | null; deadline: number | null; closed_at: number | null }>;
    return rows.map((r) => ({
      position: r.position,
      question: JSON.parse(r.question_json) as SessionQuestion,
      openedAt: opt(r.opened_at),
      deadline: opt(r.deadline),
      closedAt: opt(r.closed_at),
    }));
  }

  /** One question of the session (the answer path reads only the open one). */
  question(sessionId: string, position: number): QuestionRow | undefined {
    const r = this.db
      .prepare('SELECT position, question_json, opened_at, deadline, closed_at FROM quiz_session_questions WHERE session_id = ? AND position = ?')
      .get(sessionId, position) as { position: number; question_json: string; opened_at: number | null; deadline: number | null; closed_at: number | null } | undefined;
    return (
      r && {
        position: r.position,
        question: JSON.parse(r.question_json) as SessionQuestion,
        openedAt: opt(r.opened_at),
        deadline: opt(r.deadline),
        closedAt: opt(r.closed_at),
      }
    );
  }

  /** Participants who have not left. */
  activeCount(sessionId: string): number {
    return this.db.prepare('SELECT count(*) FROM quiz_participants WHERE session_id = ? AND left_at IS NULL').pluck().get(sessionId) as number;
  }

  /** Opens question `position` and moves the session to it. */
  openQuestion(sessionId: string, position: number, openedAt: number, deadline: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE quiz_session_questions SET opened_at = ?, deadline = ?, closed_at = NULL WHERE session_id = ? AND position = ?').run(openedAt, deadline, sessionId, position);
      this.db.prepare("UPDATE quiz_sessions SET current_position = ?, status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?").run(position, openedAt, sessionId);
    })();
  }

  /** Marks a question closed; false when it already was. */
  closeQuestion(sessionId: string, position: number, closedAt: number): boolean {
    return (
      this.db.prepare('UPDATE quiz_session_questions SET closed_at = ? WHERE session_id = ? AND position = ? AND closed_at IS NULL').run(closedAt, sessionId, position)
        .changes > 0
    );
  }

  addParticipant(p: Omit<ParticipantRow, 'id' | 'score' | 'streak' | 'correctCount' | 'correctMs' | 'leftAt'>): ParticipantRow {
    const info = this.db
      .prepare('INSERT INTO quiz_participants (session_id, name, channel, user_id, token, joined_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.sessionId, p.name, p.channel, p.userId, p.token, p.joinedAt);
    return { ...p, id: Number(info.lastInsertRowid), score: 0, streak: 0, correctCount: 0, correctMs: 0 };
  }

  participants(sessionId: string): ParticipantRow[] {
    return (this.db.prepare(`SELECT ${PARTICIPANT_COLUMNS} FROM quiz_participants WHERE session_id = ? ORDER BY id`).all(sessionId) as ParticipantDbRow[]).map(participantOf);
  }

  participant(id: number): ParticipantRow | undefined {
    const row = this.db.prepare(`SELECT ${PARTICIPANT_COLUMNS} FROM quiz_participants WHERE id = ?`).get(id) as ParticipantDbRow | undefined;
    return row && participantOf(row);
  }

  participantByToken(token: string): ParticipantRow | undefined {
    const row = this.db.prepare(`SELECT ${PARTICIPANT_COLUMNS} FROM quiz_participants WHERE token = ?`).get(token) as ParticipantDbRow | undefined;
    return row && participantOf(row);
  }

  participantInSession(sessionId: string, channel: string, userId: string): ParticipantRow | undefined {
    const row = this.db
      .prepare(`SELECT ${PARTICIPANT_COLUMNS} FROM quiz_participants WHERE session_id = ? AND channel = ? AND user_id = ?`)
      .get(sessionId, channel, userId) as ParticipantDbRow | undefined;
    return row && participantOf(row);
  }

  /** The chat user's place in a session that is not finished and that they have not left. */
  activeParticipation(channel: string, userId: string): ParticipantRow | undefined {
    const row = this.db
      .prepare(
        `SELECT ${PARTICIPANT_COLUMNS.replace(/(^|, )(\w+)/g, '$1p.$2')} FROM quiz_participants p JOIN quiz_sessions s ON s.id = p.session_id
         WHERE p.channel = ? AND p.user_id = ? AND p.left_at IS NULL AND s.status <> 'finished' ORDER BY p.joined_at DESC, p.id DESC LIMIT 1`,
      )
      .get(channel, userId) as ParticipantDbRow | undefined;
    return row && participantOf(row);
  }

  leave(participantId: number, at: number): void {
    this.db.prepare('UPDATE quiz_participants SET left_at = ? WHERE id = ? AND left_at IS NULL').run(at, participantId);
  }

  /** Every display name in the session (left ones too: a name stays taken). */
  participantNames(sessionId: string): string[] {
    return this.db.prepare('SELECT name FROM quiz_participants WHERE session_id = ?').pluck().all(sessionId) as string[];
  }

  /** Everyone who ever joined the session (the MAX_PARTICIPANTS check). */
  participantCount(sessionId: string): number {
    return this.db.prepare('SELECT count(*) FROM quiz_participants WHERE session_id = ?').pluck().get(sessionId) as number;
  }

  nameTaken(sessionId: string, name: string): boolean {
    return this.db.prepare('SELECT 1 FROM quiz_participants WHERE session_id = ? AND lower(name) = lower(?)').get(sessionId, name) !== undefined;
  }

  /**
   * Stores an answer and the participant's new totals in one transaction.
   * False (and nothing written) when this participant already answered this question.
   */
  recordAnswer(answer: AnswerRow, totals: Pick<ParticipantRow, 'score' | 'streak' | 'correctCount' | 'correctMs'>): boolean {
    return this.db.transaction(() => {
      const inserted = this.db
        .prepare(
          'INSERT OR IGNORE INTO quiz_answers (session_id, participant_id, position, choice, correct, elapsed_ms, points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(answer.sessionId, answer.participantId, answer.position, answer.choice, answer.correct ? 1 : 0, answer.elapsedMs, answer.points, answer.answeredAt);
      if (inserted.changes === 0) return false;
      this.db
        .prepare('UPDATE quiz_participants SET score = ?, streak = ?, correct_count = ?, correct_ms = ? WHERE id = ?')
        .run(totals.score, totals.streak, totals.correctCount, totals.correctMs, answer.participantId);
      return true;
    })();
  }

  /** Resets the streak of everyone who did not answer `position` correctly (run when it closes). */
  breakStreaks(sessionId: string, position: number): void {
    this.db
      .prepare(
        'UPDATE quiz_participants SET streak = 0 WHERE session_id = ? AND id NOT IN (SELECT participant_id FROM quiz_answers WHERE session_id = ? AND position = ? AND correct = 1)',
      )
      .run(sessionId, sessionId, position);
  }

  answers(sessionId: string, position?: number): AnswerRow[] {
    const rows = (
      position === undefined
        ? this.db.prepare('SELECT * FROM quiz_answers WHERE session_id = ? ORDER BY position, answered_at').all(sessionId)
        : this.db.prepare('SELECT * FROM quiz_answers WHERE session_id = ? AND position = ? ORDER BY answered_at').all(sessionId, position)
    ) as Array<{ session_id: string; participant_id: number; position: number; choice: number; correct: number; elapsed_ms: number; points: number; answered_at: number }>;
    return rows.map((r) => ({
      sessionId: r.session_id,
      participantId: r.participant_id,
      position: r.position,
      choice: r.choice,
      correct: r.correct === 1,
      elapsedMs: r.elapsed_ms,
      points: r.points,
      answeredAt: r.answered_at,
    }));
  }

  answerCount(sessionId: string, position: number): number {
    return this.db.prepare('SELECT count(*) FROM quiz_answers WHERE session_id = ? AND position = ?').pluck().get(sessionId, position) as number;
  }

  /** A short fingerprint of the session's state, to notice changes made by another process or thread. */
  version(sessionId: string): string {
    const row = this.db
      .prepare(
        `SELECT s.status, s.current_position,
           (SELECT count(*) FROM quiz_answers a WHERE a.session_id = s.id) AS answers,
           (SELECT count(*) FROM quiz_participants p WHERE p.session_id = s.id AND p.left_at IS NULL) AS people,
           (SELECT q.closed_at FROM quiz_session_questions q WHERE q.session_id = s.id AND q.position = s.current_position) AS closed
         FROM quiz_sessions s WHERE s.id = ?`,
      )
      .get(sessionId) as Record<string, unknown> | undefined;
    return row ? Object.values(row).join('|') : '';
  }

  /** A chat user who typed "thamgia <code>" and is asked for a display name. */
  setPendingJoin(channel: string, userId: string, sessionId: string, at: number): void {
    this.db
      .prepare('INSERT INTO quiz_pending_joins (channel, user_id, session_id, asked_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET session_id = excluded.session_id, asked_at = excluded.asked_at')
      .run(channel, userId, sessionId, at);
  }

  pendingJoin(channel: string, userId: string): { sessionId: string; askedAt: number } | undefined {
    return this.db.prepare('SELECT session_id AS sessionId, asked_at AS askedAt FROM quiz_pending_joins WHERE channel = ? AND user_id = ?').get(channel, userId) as
      | { sessionId: string; askedAt: number }
      | undefined;
  }

  clearPendingJoin(channel: string, userId: string): void {
    this.db.prepare('DELETE FROM quiz_pending_joins WHERE channel = ? AND user_id = ?').run(channel, userId);
  }
}
