/**
 * The quiz assembled: trainer sessions, solo practice, the outbound notifier (with the web
 * chat's inbox registered as the "web" sink) and the question bank they draw from. The app,
 * the HTTP API, the chat activity and the bench all take this one object.
 */
import type { Logger } from '../core/logger.ts';
import type { Db } from '../storage/database.ts';
import { QuizSessionRepository } from '../storage/quiz-session-repository.ts';
import { QuizPracticeRepository } from '../storage/quiz-practice-repository.ts';
import { QuizWebInbox } from '../storage/quiz-web-inbox.ts';
import { systemClock, type Clock } from './clock.ts';
import { QUIZ_TOPICS, QUIZ_TOPIC_NAMES, type QuizQuestion, type QuizTopic } from './schema.ts';
import { SessionEngine } from './session-engine.ts';
import { ChannelNotifier } from './session-notify.ts';
import { sourceDescriber, type SourceDescriber } from './session-messages.ts';
import { SoloPractice } from './solo-practice.ts';

/** Pushed web messages nobody collected are dropped after a day. */
const WEB_INBOX_MAX_AGE_MS = 86_400_000;

export interface QuizService {
  engine: SessionEngine;
  solo: SoloPractice;
  /** Register the Zalo channels' sinks here (see session-notify.ts). */
  notifier: ChannelNotifier;
  webInbox: QuizWebInbox;
  clock: Clock;
  describeSource: SourceDescriber;
  /** The bank as it is now. */
  questions(): readonly QuizQuestion[];
  /** Topics with their Vietnamese names and how many questions each has. */
  topics(): Array<{ id: QuizTopic; name: string; count: number }>;
  /** Stops the question timers (open sessions resume from SQLite at the next start). */
  stop(): void;
}

export interface QuizServiceOptions {
  db: Db;
  /** The checked question bank (src/quiz/bank.ts), or a getter when it can be rebuilt. */
  questions: readonly QuizQuestion[] | (() => readonly QuizQuestion[]);
  /** Document id → short name and date, for citations. */
  documents: ReadonlyMap<string, { shortName: string; date: string }>;
  logger: Logger;
  clock?: Clock;
  randomIndex?: (n: number) => number;
}

/**
 * Builds the service and resumes the sessions left open by a previous run.
 * @example const quiz = createQuizService({ db, questions: bank.questions, documents: kb.documents, logger });
 */
export function createQuizService(options: QuizServiceOptions): QuizService {
  const clock = options.clock ?? systemClock;
  const questions = typeof options.questions === 'function' ? options.questions : () => options.questions as readonly QuizQuestion[];
  const notifier = new ChannelNotifier(options.logger);
  const webInbox = new QuizWebInbox(options.db);
  webInbox.prune(WEB_INBOX_MAX_AGE_MS, clock.now());
  notifier.register('web', (userId, messages) => webInbox.push(userId, messages, clock.now()));
  const describeSource = sourceDescriber(options.documents);
  const engine = new SessionEngine({
    repo: new QuizSessionRepository(options.db),
    questions,
    clock,
    notifier,
    describeSource,
    logger: options.logger,
    randomIndex: options.randomIndex,
  });
  const solo = new SoloPractice({ repo: new QuizPracticeRepository(options.db), questions, clock, randomIndex: options.randomIndex });
  const resumed = engine.resume();
  if (resumed > 0) options.logger.info(`Trắc nghiệm: tiếp tục ${resumed} phiên thi đang mở (resumed open quiz sessions)`);
  return {
    engine,
    solo,
    notifier,
    webInbox,
    clock,
    describeSource,
    questions,
    topics: () => {
      const all = questions();
      return QUIZ_TOPICS.map((id) => ({ id, name: QUIZ_TOPIC_NAMES[id], count: all.filter((q) => q.topic === id).length }));
    },
    stop: () => engine.stop(),
  };
}
