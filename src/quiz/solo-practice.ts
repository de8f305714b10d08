/**
 * Solo practice in the chat: N questions (default 10) from one topic or all, one at a time,
 * graded at once. The quiz in progress lives in SQLite (quiz_practice), so it resumes after
 * another question, a closed app or a restart; the last ~50 questions a user saw are not
 * asked again while the bank has others.
 */
import { randomInt } from 'node:crypto';
import type { QuizPracticeRepository } from '../storage/quiz-practice-repository.ts';
import type { Clock } from './clock.ts';
import type { QuizQuestion, QuizTopic } from './schema.ts';
import { optionOrder } from './session-engine.ts';

export const DEFAULT_SOLO_QUESTIONS = 10;
export const MAX_SOLO_QUESTIONS = 30;
/** How many recently seen questions a new quiz avoids. */
export const RECENT_WINDOW = 50;
/** An unfinished quiz older than this is forgotten. */
export const SOLO_MAX_AGE_MS = 7 * 86_400_000;

interface SoloItem {
  id: string;
  /** Shown position → index in the bank question's options. */
  order: number[];
}

interface SoloState {
  topic: QuizTopic | null;
  items: SoloItem[];
  /** Index of the question waiting for an answer. */
  position: number;
  answers: Array<{ id: string; choice: number; correct: boolean }>;
  startedAt: number;
}

export interface SoloUser {
  channel: string;
  userId: string;
}

/** A question as shown to the learner: options in their shuffled order, `correct` pointing into them. */
export interface SoloQuestion {
  number: number;
  total: number;
  topic: QuizTopic | null;
  question: QuizQuestion;
  options: string[];
  correct: number;
}

export interface SoloScore {
  correct: number;
  answered: number;
  total: number;
}

export type SoloAnswerResult =
  | { status: 'graded'; correct: boolean; choice: number; answered: SoloQuestion; next?: SoloQuestion; score: SoloScore }
  | { status: 'no_quiz' }
  | { status: 'stale'; current: SoloQuestion };

export interface SoloPracticeDeps {
  repo: QuizPracticeRepository;
  questions: () => readonly QuizQuestion[];
  clock: Clock;
  randomIndex?: (n: number) => number;
}

export class SoloPractice {
  private readonly random: (n: number) => number;
  private indexed?: { source: readonly QuizQuestion[]; byId: Map<string, QuizQuestion> };

  constructor(private readonly deps: SoloPracticeDeps) {
    this.random = deps.randomIndex ?? ((n) => randomInt(n));
  }

  /** How many questions the bank has for a topic (null: all). */
  available(topic: QuizTopic | null): number {
    return this.deps.questions().filter((q) => topic === null || q.topic === topic).length;
  }

  /** Starts a new quiz (replacing an unfinished one); undefined when the topic has no question. */
  start(user: SoloUser, options: { topic: QuizTopic | null; count?: number }): SoloQuestion | undefined {
    const count = Math.max(1, Math.min(MAX_SOLO_QUESTIONS, Math.trunc(options.count ?? DEFAULT_SOLO_QUESTIONS)));
    const pool = this.deps.questions().filter((q) => options.topic === null || q.topic === options.topic);
    if (pool.length === 0) return undefined;
    const recent = this.deps.repo.recentlySeen(user.channel, user.userId, RECENT_WINDOW);
    const recentSet = new Set(recent);
    const fresh = this.shuffle(pool.filter((q) => !recentSet.has(q.id)));
    // Not enough unseen ones: the longest-ago seen come next.
    const rank = new Map(recent.map((id, i) => [id, i]));
    const seen = pool.filter((q) => recentSet.has(q.id)).sort((a, b) => rank.get(b.id)! - rank.get(a.id)!);
    const picked = [...fresh, ...seen].slice(0, count);
    const state: SoloState = {
      topic: options.topic,
      items: picked.map((q) => ({ id: q.id, order: optionOrder(q, this.random) })),
      position: 0,
      answers: [],
      startedAt: this.deps.clock.now(),
    };
    this.save(user, state);
    const first = this.questionAt(state, 0)!;
    this.deps.repo.markSeen(user.channel, user.userId, [first.question.id], this.deps.clock.now(), RECENT_WINDOW);
    return first;
  }

  /** The question waiting for an answer, if a quiz is in progress. */
  current(user: SoloUser): SoloQuestion | undefined {
    const state = this.load(user);
    return state && this.questionAt(state, state.position);
  }

  progress(user: SoloUser): SoloScore | undefined {
    const state = this.load(user);
    return state && score(state);
  }

  /**
   * Grades `choice` (shown position) for the current question. `number` (1-based, from a
   * button) must be the current question's, else the tap is stale and nothing changes.
   */
  answer(user: SoloUser, choice: number, number?: number): SoloAnswerResult {
    const state = this.load(user);
    const current = state && this.questionAt(state, state.position);
    if (!state || !current) return { status: 'no_quiz' };
    if ((number !== undefined && number !== current.number) || choice < 0 || choice >= current.options.length) return { status: 'stale', current };
    const correct = choice === current.correct;
    state.answers.push({ id: current.question.id, choice, correct });
    state.position++;
    const next = this.questionAt(state, state.position);
    if (next) {
      this.save(user, state);
      this.deps.repo.markSeen(user.channel, user.userId, [next.question.id], this.deps.clock.now(), RECENT_WINDOW);
    } else {
      this.deps.repo.remove(user.channel, user.userId);
    }
    return { status: 'graded', correct, choice, answered: current, next, score: score(state) };
  }

  /** Ends the quiz in progress; its score so far, or undefined when there was none. */
  stop(user: SoloUser): SoloScore | undefined {
    const state = this.load(user);
    if (!state) return undefined;
    this.deps.repo.remove(user.channel, user.userId);
    return score(state);
  }

  private load(user: SoloUser): SoloState | undefined {
    const row = this.deps.repo.load<SoloState>(user.channel, user.userId);
    if (!row) return undefined;
    if (this.deps.clock.now() - row.updatedAt > SOLO_MAX_AGE_MS) {
      this.deps.repo.remove(user.channel, user.userId);
      return undefined;
    }
    return row.state;
  }

  private save(user: SoloUser, state: SoloState): void {
    this.deps.repo.save(user.channel, user.userId, state, this.deps.clock.now());
  }

  /** The question at `position`, skipping none: a question gone from a rebuilt bank ends the quiz early. */
  private questionAt(state: SoloState, position: number): SoloQuestion | undefined {
    const item = state.items[position];
    if (!item) return undefined;
    const question = this.byId().get(item.id);
    if (!question || item.order.length !== question.options.length) return undefined;
    return {
      number: position + 1,
      total: state.items.length,
      topic: state.topic,
      question,
      options: item.order.map((i) => question.options[i]!),
      correct: item.order.indexOf(question.correct),
    };
  }

  private byId(): Map<string, QuizQuestion> {
    const source = this.deps.questions();
    if (this.indexed?.source !== source) this.indexed = { source, byId: new Map(source.map((q) => [q.id, q])) };
    return this.indexed.byId;
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.random(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

function score(state: SoloState): SoloScore {
  return { correct: state.answers.filter((a) => a.correct).length, answered: state.answers.length, total: state.items.length };
}
