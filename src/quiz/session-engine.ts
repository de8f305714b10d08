/**
 * Trainer sessions, Kahoot-style: a trainer creates a session (topic, number of questions,
 * seconds per question, scoring), learners join with its 6-digit code from the chat or the
 * web join page, the trainer starts it and moves from question to question. Grading happens
 * here only: each session shuffles the options of its questions and keeps the mapping in
 * SQLite; clients get the correct option only once a question has closed. An answer after
 * the deadline, to another question or a second time is refused.
 *
 * Time comes from an injectable `Clock`; deadlines are stored, so `resume()` after a restart
 * closes what expired meanwhile and re-arms the timer of the question still open.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import type { OutgoingMessage, SourceRef } from '../core/messages.ts';
import type {
  AnswerRow,
  ParticipantRow,
  QuestionRow,
  QuizSessionRepository,
  SessionQuestion,
  SessionRow,
  SessionSettings,
} from '../storage/quiz-session-repository.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { QUIZ_TOPIC_NAMES, type QuizQuestion, type QuizTopic } from './schema.ts';
import { DEFAULT_SCORING, scoreAnswer, type ScoringRules } from './scoring.ts';
import type { Notifier } from './session-notify.ts';
import { explanationLines, LETTERS, questionMessage, type SourceDescriber } from './session-messages.ts';

export const MIN_SECONDS = 5;
export const MAX_SECONDS = 600;
export const MAX_QUESTIONS = 50;
export const MAX_PARTICIPANTS = 1000;
export const MAX_NAME_CHARS = 40;
/** The channel name of learners who joined from the web join page (they poll; nothing is pushed). */
export const JOIN_PAGE_CHANNEL = 'join';

/** A refusal the caller can show: `code` for programs, `message` in Vietnamese for people. */
export class QuizError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'bad_state' | 'full' | 'no_questions',
    message: string,
  ) {
    super(message);
    this.name = 'QuizError';
  }
}

export interface CreateSessionInput {
  title?: string;
  topic: QuizTopic | null;
  questionCount: number;
  secondsPerQuestion: number;
  scoring?: Partial<Pick<ScoringRules, 'speedWeighted' | 'streakBonus'>>;
}

export type SessionEventType = 'created' | 'joined' | 'started' | 'question_opened' | 'answer' | 'question_closed' | 'finished';

export interface SessionEvent {
  type: SessionEventType;
  sessionId: string;
  at: number;
  position?: number;
}

export type AnswerOutcome =
  | { status: 'accepted'; position: number }
  | { status: 'late' | 'duplicate' | 'not_running' | 'invalid' | 'not_current'; position?: number };

export interface LeaderboardEntry {
  rank: number;
  participantId: number;
  name: string;
  score: number;
  correctCount: number;
}

export interface QuestionSummary {
  position: number;
  number: number;
  stem: string;
  options: string[];
  /** Only for closed questions. */
  correct?: number;
  /** Answers per option, only for closed questions. */
  distribution?: number[];
  answered: number;
  closed: boolean;
}

/** What the trainer's console shows. The open question comes without its correct option. */
export interface TrainerView {
  id: string;
  code: string;
  title: string;
  status: SessionRow['status'];
  topic: QuizTopic | null;
  topicName: string;
  settings: SessionSettings;
  total: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  now: number;
  participants: Array<{ id: number; name: string; channel: string }>;
  current?: QuestionSummary & { openedAt?: number; deadline?: number; remainingMs: number; explanation?: string; source?: SourceRef };
  history: QuestionSummary[];
  leaderboard: LeaderboardEntry[];
}

/** A session read once for its views (see `SessionEngine.snapshot`). */
export interface SessionSnapshot {
  session: SessionRow;
  questions: QuestionRow[];
  answers: AnswerRow[];
  /** With settled scores. */
  participants: ParticipantRow[];
  board: LeaderboardEntry[];
  rankOf: Map<number, LeaderboardEntry>;
  now: number;
}

/** What one learner's join page shows. */
export interface ParticipantView {
  session: { code: string; title: string; status: SessionRow['status']; total: number };
  me: { name: string; score: number; correctCount: number; rank?: number; of: number };
  now: number;
  question?: {
    position: number;
    number: number;
    total: number;
    stem: string;
    options: string[];
    deadline?: number;
    remainingMs: number;
    closed: boolean;
    myChoice?: number;
    /** Once closed: the correct option, the learner's points, the explanation and source. */
    result?: { correct: number; myCorrect: boolean; points: number; explanation: string; source: SourceRef };
  };
  leaderboard: LeaderboardEntry[];
}

export interface SessionEngineDeps {
  repo: QuizSessionRepository;
  /** The question bank as it is now (questions are copied into the session when it is created). */
  questions: () => readonly QuizQuestion[];
  clock: Clock;
  notifier: Notifier;
  describeSource: SourceDescriber;
  logger: Logger;
  /** Random integer in [0, n) (crypto by default; a seeded one in tests). */
  randomIndex?: (n: number) => number;
}

const defaultRandom = (n: number) => randomInt(n);

/** Options that point at other options ("Cả A và B", "Tất cả các phương án trên") keep their order. */
const ORDER_BOUND = /(\b[A-D]\s*(và|,|hoặc)\s*[A-D]\b)|tất cả|cả (hai|ba|bốn)|các (phương án|đáp án) trên|đều (đúng|sai)/i;

export class SessionEngine {
  private readonly timers = new Map<string, ClockTimer>();
  private readonly listeners = new Map<string, Set<(event: SessionEvent) => void>>();
  private readonly random: (n: number) => number;

  constructor(private readonly deps: SessionEngineDeps) {
    this.random = deps.randomIndex ?? defaultRandom;
  }

  // ---------- trainer actions ----------

  /** Creates a session in the lobby with a fresh 6-digit join code and its own option order. */
  create(input: CreateSessionInput): TrainerView {
    const count = Math.trunc(input.questionCount);
    const seconds = Math.trunc(input.secondsPerQuestion);
    if (!Number.isFinite(count) || count < 1 || count > MAX_QUESTIONS) throw new QuizError('invalid', `Số câu hỏi phải từ 1 đến ${MAX_QUESTIONS}.`);
    if (!Number.isFinite(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw new QuizError('invalid', `Thời gian mỗi câu phải từ ${MIN_SECONDS} đến ${MAX_SECONDS} giây.`);
    }
    const pool = this.deps.questions().filter((q) => input.topic === null || q.topic === input.topic);
    if (pool.length === 0) throw new QuizError('no_questions', 'Chưa có câu hỏi nào cho chủ đề này.');
    const picked = this.sample(pool, count).map((q) => this.copyQuestion(q));
    const settings: SessionSettings = {
      topic: input.topic,
      questionCount: picked.length,
      secondsPerQuestion: seconds,
      scoring: { ...DEFAULT_SCORING, ...pickScoring(input.scoring) },
    };
    const now = this.deps.clock.now();
    const title = (input.title ?? '').trim().slice(0, 120) || `Trắc nghiệm ${input.topic ? QUIZ_TOPIC_NAMES[input.topic] : 'chuyển đổi số'}`;
    const session: SessionRow = { id: randomUUID(), code: this.freshCode(), title, settings, status: 'lobby', currentPosition: -1, createdAt: now };
    this.deps.repo.insertSession(session, picked);
    this.emit({ type: 'created', sessionId: session.id, at: now });
    return this.trainerView(session.id)!;
  }

  /** Opens the first question. */
  start(sessionId: string): TrainerView {
    const session = this.mustGet(sessionId);
    if (session.status !== 'lobby') throw new QuizError('bad_state', 'Phiên thi đã bắt đầu rồi.');
    this.emit({ type: 'started', sessionId, at: this.deps.clock.now() });
    this.openQuestion(session, 0);
    return this.trainerView(sessionId)!;
  }

  /** Closes the open question if any, then opens the next one or finishes after the last. */
  next(sessionId: string): TrainerView {
    const session = this.mustGet(sessionId);
    if (session.status === 'lobby') return this.start(sessionId);
    if (session.status === 'finished') throw new QuizError('bad_state', 'Phiên thi đã kết thúc.');
    this.closeQuestion(sessionId, session.currentPosition);
    const total = this.deps.repo.questions(sessionId).length;
    if (session.currentPosition + 1 >= total) this.finish(sessionId);
    else this.openQuestion(this.mustGet(sessionId), session.currentPosition + 1);
    return this.trainerView(sessionId)!;
  }

  /** Ends the session now: closes the open question and sends everyone their result. */
  finish(sessionId: string): TrainerView {
    const session = this.mustGet(sessionId);
    if (session.status !== 'finished') {
      if (session.currentPosition >= 0) this.closeQuestion(sessionId, session.currentPosition);
      const now = this.deps.clock.now();
      this.deps.repo.updateSession(sessionId, { status: 'finished', finishedAt: now });
      this.timers.get(sessionId)?.cancel();
      this.timers.delete(sessionId);
      this.sendFinalResults(sessionId);
      this.emit({ type: 'finished', sessionId, at: now });
    }
    return this.trainerView(sessionId)!;
  }

  /**
   * Closes question `position` (at its deadline, when everyone answered, or on the trainer's
   * "next"): breaks the streaks of those who missed it and tells chat participants how they did.
   */
  closeQuestion(sessionId: string, position: number): void {
    const now = this.deps.clock.now();
    if (position < 0 || !this.deps.repo.closeQuestion(sessionId, position, now)) return;
    this.timers.get(sessionId)?.cancel();
    this.timers.delete(sessionId);
    this.deps.repo.breakStreaks(sessionId, position);
    this.emit({ type: 'question_closed', sessionId, at: now, position });
    this.sendQuestionResults(sessionId, position);
  }

  /** Re-arms timers after a restart: closes questions whose deadline passed, schedules the others. */
  resume(): number {
    let resumed = 0;
    for (const session of this.deps.repo.openSessions()) {
      if (session.status !== 'running' || session.currentPosition < 0) continue;
      const row = this.deps.repo.questions(session.id)[session.currentPosition];
      if (!row || row.closedAt !== undefined || row.deadline === undefined) continue;
      resumed++;
      if (row.deadline <= this.deps.clock.now()) this.closeQuestion(session.id, row.position);
      else this.arm(session.id, row.position, row.deadline);
    }
    return resumed;
  }

  /** Cancels every timer (the server is stopping; `resume` picks up from SQLite). */
  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  // ---------- learners ----------

  /** The open session with this join code, if any. */
  findByCode(code: string): SessionRow | undefined {
    return /^\d{6}$/.test(code) ? this.deps.repo.openSessionByCode(code) : undefined;
  }

  /**
   * Adds a learner (a chat user, or a join-page visitor with `channel` "join"). A chat user
   * already in this session keeps their place; one in another open session leaves it.
   */
  join(code: string, who: { channel: string; userId: string; name: string }): ParticipantRow {
    const session = this.findByCode(code);
    if (!session) throw new QuizError('not_found', `Không tìm thấy phiên thi đang mở có mã ${code}.`);
    const existing = this.deps.repo.participantInSession(session.id, who.channel, who.userId);
    if (existing) return existing;
    const name = cleanName(who.name);
    if (!name) throw new QuizError('invalid', `Tên hiển thị cần từ 1 đến ${MAX_NAME_CHARS} ký tự.`);
    if (this.deps.repo.participantCount(session.id) >= MAX_PARTICIPANTS) throw new QuizError('full', 'Phiên thi đã đủ số người tham gia.');
    const other = this.deps.repo.activeParticipation(who.channel, who.userId);
    const now = this.deps.clock.now();
    if (other && other.sessionId !== session.id) this.deps.repo.leave(other.id, now);
    const participant = this.deps.repo.addParticipant({
      sessionId: session.id,
      name: this.uniqueName(session.id, name),
      channel: who.channel,
      userId: who.userId,
      token: randomBytes(18).toString('base64url'),
      joinedAt: now,
    });
    this.emit({ type: 'joined', sessionId: session.id, at: now });
    return participant;
  }

  /** A new join-page learner: a private user id and the token they answer with. */
  joinFromPage(code: string, name: string): ParticipantRow {
    return this.join(code, { channel: JOIN_PAGE_CHANNEL, userId: `join-${randomUUID()}`, name });
  }

  participantByToken(token: string): ParticipantRow | undefined {
    return token ? this.deps.repo.participantByToken(token) : undefined;
  }

  /** The chat user's current participation (session not finished, not left). */
  participationOf(channel: string, userId: string): ParticipantRow | undefined {
    return this.deps.repo.activeParticipation(channel, userId);
  }

  participantInSession(sessionId: string, channel: string, userId: string): ParticipantRow | undefined {
    return this.deps.repo.participantInSession(sessionId, channel, userId);
  }

  /** Remembers that a chat user typed "thamgia <code>" and is asked for a display name. */
  askNameFor(channel: string, userId: string, sessionId: string): void {
    this.deps.repo.setPendingJoin(channel, userId, sessionId, this.deps.clock.now());
  }

  /** The session a chat user is giving a display name for, if that session is still open. */
  pendingJoinOf(channel: string, userId: string): { sessionId: string; code: string; title: string; askedAt: number } | undefined {
    const pending = this.deps.repo.pendingJoin(channel, userId);
    const session = pending && this.deps.repo.session(pending.sessionId);
    if (!pending || !session || session.status === 'finished') {
      if (pending) this.deps.repo.clearPendingJoin(channel, userId);
      return undefined;
    }
    return { sessionId: session.id, code: session.code, title: session.title, askedAt: pending.askedAt };
  }

  clearPendingJoin(channel: string, userId: string): void {
    this.deps.repo.clearPendingJoin(channel, userId);
  }

  leave(participantId: number): void {
    this.deps.repo.leave(participantId, this.deps.clock.now());
  }

  /**
   * Records an answer to the open question. `number` (1-based, from a button) guards against
   * a tap on an earlier question; without it the answer goes to the question open now.
   */
  answer(participantId: number, choice: number, number?: number): AnswerOutcome {
    const participant = this.deps.repo.participant(participantId);
    if (!participant) return { status: 'invalid' };
    const session = this.deps.repo.session(participant.sessionId);
    if (!session || session.status !== 'running') return { status: 'not_running' };
    const position = session.currentPosition;
    if (number !== undefined && number - 1 !== position) return { status: number - 1 < position ? 'late' : 'not_current', position: number - 1 };
    const row = this.deps.repo.question(session.id, position);
    if (!row || row.openedAt === undefined || row.deadline === undefined) return { status: 'not_running' };
    const now = this.deps.clock.now();
    if (row.closedAt !== undefined || now > row.deadline) return { status: 'late', position };
    if (!Number.isInteger(choice) || choice < 0 || choice >= row.question.options.length) return { status: 'invalid', position };

    const limitMs = session.settings.secondsPerQuestion * 1000;
    const elapsedMs = Math.max(0, Math.min(limitMs, now - row.openedAt));
    const correct = choice === row.question.correct;
    const scored = scoreAnswer({ correct, elapsedMs, limitMs, previousStreak: participant.streak }, session.settings.scoring);
    const answer: AnswerRow = { sessionId: session.id, participantId, position, choice, correct, elapsedMs, points: scored.points, answeredAt: now };
    const stored = this.deps.repo.recordAnswer(answer, {
      score: participant.score + scored.points,
      streak: scored.streak,
      correctCount: participant.correctCount + (correct ? 1 : 0),
      correctMs: participant.correctMs + (correct ? elapsedMs : 0),
    });
    if (!stored) return { status: 'duplicate', position };
    this.emit({ type: 'answer', sessionId: session.id, at: now, position });
    if (this.deps.repo.answerCount(session.id, position) >= this.deps.repo.activeCount(session.id)) this.closeQuestion(session.id, position);
    return { status: 'accepted', position };
  }

  // ---------- views ----------

  listSessions(): TrainerView[] {
    return this.deps.repo.listSessions().map((s) => this.trainerView(s.id)!);
  }

  /**
   * Everything the views need, read once: one snapshot serves the console and every learner
   * after a change. Scores are "settled" (see `settled`).
   */
  snapshot(sessionId: string): SessionSnapshot | undefined {
    const session = this.deps.repo.session(sessionId);
    if (!session) return undefined;
    const questions = this.deps.repo.questions(sessionId);
    const answers = this.deps.repo.answers(sessionId);
    const participants = settled(this.deps.repo.participants(sessionId), questions[session.currentPosition], answers);
    const board = leaderboard(participants);
    return { session, questions, answers, participants, board, rankOf: new Map(board.map((e) => [e.participantId, e])), now: this.deps.clock.now() };
  }

  trainerView(sessionId: string, snap = this.snapshot(sessionId)): TrainerView | undefined {
    if (!snap) return undefined;
    const { session, questions, answers, participants, now } = snap;
    const summary = (row: QuestionRow): QuestionSummary => summarize(row, answers.filter((a) => a.position === row.position));
    const currentRow = session.currentPosition >= 0 ? questions[session.currentPosition] : undefined;
    const current = currentRow && {
      ...summary(currentRow),
      openedAt: currentRow.openedAt,
      deadline: currentRow.deadline,
      remainingMs: remaining(currentRow, now),
      explanation: currentRow.closedAt !== undefined ? currentRow.question.explanation : undefined,
      source: currentRow.closedAt !== undefined ? this.deps.describeSource(currentRow.question.source) : undefined,
    };
    return {
      id: session.id,
      code: session.code,
      title: session.title,
      status: session.status,
      topic: session.settings.topic,
      topicName: session.settings.topic ? QUIZ_TOPIC_NAMES[session.settings.topic] : 'Tất cả chủ đề',
      settings: session.settings,
      total: questions.length,
      createdAt: session.createdAt,
      startedAt: session.startedAt,
      finishedAt: session.finishedAt,
      now,
      participants: participants.filter((p) => p.leftAt === undefined).map((p) => ({ id: p.id, name: p.name, channel: p.channel })),
      current,
      history: questions.filter((q) => q.closedAt !== undefined).map(summary),
      leaderboard: snap.board,
    };
  }

  /** One learner's view; pass the session's snapshot when serving many learners at once. */
  participantView(participantId: number, snap?: SessionSnapshot): ParticipantView | undefined {
    const me = this.deps.repo.participant(participantId);
    if (!me) return undefined;
    const s = snap && snap.session.id === me.sessionId ? snap : this.snapshot(me.sessionId);
    if (!s) return undefined;
    const { session, questions, board, now } = s;
    const mine = s.rankOf.get(me.id);
    const row = session.currentPosition >= 0 ? questions[session.currentPosition] : undefined;
    let question: ParticipantView['question'];
    if (row) {
      const myAnswer = s.answers.find((a) => a.position === row.position && a.participantId === me.id);
      const closed = row.closedAt !== undefined;
      question = {
        position: row.position,
        number: row.position + 1,
        total: questions.length,
        stem: row.question.stem,
        options: row.question.options,
        deadline: row.deadline,
        remainingMs: remaining(row, now),
        closed,
        myChoice: myAnswer?.choice,
        result: closed
          ? {
              correct: row.question.correct,
              myCorrect: myAnswer?.correct ?? false,
              points: myAnswer?.points ?? 0,
              explanation: row.question.explanation,
              source: this.deps.describeSource(row.question.source),
            }
          : undefined,
      };
    }
    const showBoard = session.status === 'finished' || row?.closedAt !== undefined;
    return {
      session: { code: session.code, title: session.title, status: session.status, total: questions.length },
      me: { name: me.name, score: mine?.score ?? 0, correctCount: mine?.correctCount ?? 0, rank: showBoard ? mine?.rank : undefined, of: board.length },
      now,
      question,
      leaderboard: showBoard ? board.slice(0, 10) : [],
    };
  }

  /** The open question as a chat message (for a chat participant who asks again). */
  currentQuestionMessage(sessionId: string): OutgoingMessage | undefined {
    const session = this.deps.repo.session(sessionId);
    if (!session || session.status !== 'running') return undefined;
    const row = this.deps.repo.questions(sessionId)[session.currentPosition];
    if (!row || row.closedAt !== undefined) return undefined;
    return this.chatQuestion(session, row, this.deps.repo.questions(sessionId).length);
  }

  /** Answers, for the CSV export. */
  exportRows(sessionId: string): { session: SessionRow; questions: QuestionRow[]; participants: ParticipantRow[]; answers: AnswerRow[] } | undefined {
    const session = this.deps.repo.session(sessionId);
    if (!session) return undefined;
    return {
      session,
      questions: this.deps.repo.questions(sessionId),
      participants: this.deps.repo.participants(sessionId),
      answers: this.deps.repo.answers(sessionId),
    };
  }

  /** Changes whenever the session's state does, whoever changed it (see the repository). */
  version(sessionId: string): string {
    return this.deps.repo.version(sessionId);
  }

  /** Calls `listener` on every change of the session; returns the unsubscribe function. */
  subscribe(sessionId: string, listener: (event: SessionEvent) => void): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(sessionId);
    };
  }

  // ---------- internals ----------

  private openQuestion(session: SessionRow, position: number): void {
    const now = this.deps.clock.now();
    const deadline = now + session.settings.secondsPerQuestion * 1000;
    this.deps.repo.openQuestion(session.id, position, now, deadline);
    this.arm(session.id, position, deadline);
    this.emit({ type: 'question_opened', sessionId: session.id, at: now, position });
    const questions = this.deps.repo.questions(session.id);
    const message = this.chatQuestion(session, questions[position]!, questions.length);
    for (const p of this.chatParticipants(session.id)) this.deps.notifier.notify(p, [message]);
  }

  private arm(sessionId: string, position: number, deadline: number): void {
    this.timers.get(sessionId)?.cancel();
    // Close a hair after the deadline, so an answer stamped exactly at it still counts.
    this.timers.set(
      sessionId,
      this.deps.clock.schedule(deadline - this.deps.clock.now() + 1, () => {
        this.timers.delete(sessionId);
        try {
          this.closeQuestion(sessionId, position);
        } catch (error) {
          this.deps.logger.error('closing a quiz question failed', { sessionId, position, error: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }

  private chatQuestion(session: SessionRow, row: QuestionRow, total: number): OutgoingMessage {
    const q = { stem: row.question.stem, options: row.question.options, number: row.position + 1, total };
    return questionMessage(
      q,
      `Câu ${q.number}/${total} (${session.settings.secondsPerQuestion} giây):`,
      `Nhắn ${LETTERS.slice(0, q.options.length).join(', ')} để trả lời.`,
    );
  }

  private chatParticipants(sessionId: string): ParticipantRow[] {
    return this.deps.repo.participants(sessionId).filter((p) => p.leftAt === undefined && p.channel !== JOIN_PAGE_CHANNEL);
  }

  private sendQuestionResults(sessionId: string, position: number): void {
    const chat = this.chatParticipants(sessionId);
    if (chat.length === 0) return;
    const row = this.deps.repo.questions(sessionId)[position]!;
    const answers = new Map(this.deps.repo.answers(sessionId, position).map((a) => [a.participantId, a]));
    const board = leaderboard(this.deps.repo.participants(sessionId));
    const explain = explanationLines(row.question.options, row.question.correct, row.question.explanation, this.deps.describeSource(row.question.source));
    for (const p of chat) {
      const a = answers.get(p.id);
      const verdict = !a
        ? `Hết giờ câu ${position + 1}. Anh/chị chưa trả lời câu này.`
        : a.correct
          ? `Hết giờ câu ${position + 1}. Đúng rồi ạ! +${a.points} điểm.`
          : `Hết giờ câu ${position + 1}. Chưa đúng ạ.`;
      const entry = board.find((e) => e.participantId === p.id);
      const standing = entry ? `Tổng điểm: ${entry.score} — hạng ${entry.rank}/${board.length}.` : '';
      this.deps.notifier.notify(p, [{ type: 'text', text: [verdict, ...explain, standing].filter(Boolean).join('\n') }]);
    }
  }

  private sendFinalResults(sessionId: string): void {
    const session = this.deps.repo.session(sessionId)!;
    const total = this.deps.repo.questions(sessionId).length;
    const board = leaderboard(this.deps.repo.participants(sessionId));
    const podium = board.slice(0, 3).map((e) => `${e.rank}. ${e.name} — ${e.score} điểm`);
    for (const p of this.chatParticipants(sessionId)) {
      const entry = board.find((e) => e.participantId === p.id);
      const text = [
        `Phiên thi "${session.title}" đã kết thúc.`,
        entry ? `Anh/chị đạt ${entry.score} điểm, đúng ${entry.correctCount}/${total} câu, xếp hạng ${entry.rank}/${board.length}.` : '',
        podium.length > 0 ? `Dẫn đầu:\n${podium.join('\n')}` : '',
        'Cảm ơn anh/chị đã tham gia! Nhắn "thi thử" để tự luyện thêm ạ.',
      ];
      this.deps.notifier.notify(p, [{ type: 'text', text: text.filter(Boolean).join('\n') }]);
    }
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners.get(event.sessionId) ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger.error('quiz session listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private mustGet(sessionId: string): SessionRow {
    const session = this.deps.repo.session(sessionId);
    if (!session) throw new QuizError('not_found', 'Không tìm thấy phiên thi.');
    return session;
  }

  private freshCode(): string {
    for (let i = 0; i < 1000; i++) {
      const code = String(100_000 + this.random(900_000));
      if (!this.deps.repo.codeInUse(code)) return code;
    }
    throw new Error('no free join code after 1000 tries');
  }

  /**
   * The name, or "name (n)" with the first free n. One pass over the session's names (the
   * old loop asked SQLite once per taken suffix: quadratic, 105 s for 1000 "An").
   */
  private uniqueName(sessionId: string, name: string): string {
    const taken = new Set(this.deps.repo.participantNames(sessionId).map((n) => n.toLowerCase()));
    if (!taken.has(name.toLowerCase())) return name;
    const base = name.slice(0, MAX_NAME_CHARS - 4);
    for (let n = 2; ; n++) {
      const candidate = `${base} (${n})`;
      if (!taken.has(candidate.toLowerCase())) return candidate;
    }
  }

  private sample<T>(pool: readonly T[], count: number): T[] {
    const copy = [...pool];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.random(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }

  /** Copies a bank question into the session with its options shuffled (unless they refer to each other). */
  private copyQuestion(q: QuizQuestion): SessionQuestion {
    const order = optionOrder(q, this.random);
    return {
      id: q.id,
      stem: q.stem,
      options: order.map((i) => q.options[i]!),
      correct: order.indexOf(q.correct),
      explanation: q.explanation,
      source: q.source,
      topic: q.topic,
      difficulty: q.difficulty,
    };
  }
}

/**
 * A shuffled order of a question's options (shown position → original index), or the
 * original order when an option points at others ("Cả A và B", "Tất cả các phương án trên").
 */
export function optionOrder(q: Pick<QuizQuestion, 'options'>, random: (n: number) => number): number[] {
  const order = q.options.map((_, i) => i);
  if (q.options.some((o) => ORDER_BOUND.test(o))) return order;
  for (let i = order.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function pickScoring(s: CreateSessionInput['scoring']): Partial<ScoringRules> {
  const out: Partial<ScoringRules> = {};
  if (s?.speedWeighted !== undefined) out.speedWeighted = s.speedWeighted;
  if (s?.streakBonus !== undefined) out.streakBonus = s.streakBonus;
  return out;
}

/** Trims, drops control characters and collapses spaces; undefined when nothing is left. */
export function cleanName(raw: string): string | undefined {
  const name = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length === 0 || name.length > MAX_NAME_CHARS) return undefined;
  return name;
}

/**
 * Totals as of the last closed question: while a question is open its points are left out,
 * so neither the console nor a learner can tell from a score whether an answer was right.
 */
function settled(participants: ParticipantRow[], open: QuestionRow | undefined, answers: readonly AnswerRow[]): ParticipantRow[] {
  if (!open || open.closedAt !== undefined) return participants;
  const pending = new Map(answers.filter((a) => a.position === open.position).map((a) => [a.participantId, a]));
  return participants.map((p) => {
    const a = pending.get(p.id);
    if (!a) return p;
    return { ...p, score: p.score - a.points, correctCount: p.correctCount - (a.correct ? 1 : 0), correctMs: p.correctMs - (a.correct ? a.elapsedMs : 0) };
  });
}

function remaining(row: QuestionRow, now: number): number {
  if (row.closedAt !== undefined || row.deadline === undefined) return 0;
  return Math.max(0, row.deadline - now);
}

function summarize(row: QuestionRow, answers: readonly AnswerRow[]): QuestionSummary {
  const closed = row.closedAt !== undefined;
  const distribution = row.question.options.map(() => 0);
  for (const a of answers) if (a.choice >= 0 && a.choice < distribution.length) distribution[a.choice]!++;
  return {
    position: row.position,
    number: row.position + 1,
    stem: row.question.stem,
    options: row.question.options,
    correct: closed ? row.question.correct : undefined,
    distribution: closed ? distribution : undefined,
    answered: answers.length,
    closed,
  };
}

/**
 * Ranked by score, then correct answers, then the time spent on them (faster first);
 * people equal on all three share a rank.
 */
export function leaderboard(participants: readonly ParticipantRow[]): LeaderboardEntry[] {
  const sorted = [...participants].sort((a, b) => b.score - a.score || b.correctCount - a.correctCount || a.correctMs - b.correctMs || a.id - b.id);
  const out: LeaderboardEntry[] = [];
  sorted.forEach((p, i) => {
    const prev = sorted[i - 1];
    const same = prev && prev.score === p.score && prev.correctCount === p.correctCount && prev.correctMs === p.correctMs;
    out.push({ rank: same ? out[i - 1]!.rank : i + 1, participantId: p.id, name: p.name, score: p.score, correctCount: p.correctCount });
  });
  return out;
}
