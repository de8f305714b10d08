/**
 * A small bank of valid QuizQuestion fixtures (schema-checked) and an in-memory quiz service
 * on a fresh SQLite file, for the quiz unit tests. The facts are made up for the tests only;
 * the real bank comes from src/quiz/bank.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/core/logger.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { FakeClock } from '../../src/quiz/clock.ts';
import { QuizQuestionSchema, QUIZ_TOPICS, type QuizQuestion } from '../../src/quiz/schema.ts';
import { createQuizService, type QuizService } from '../../src/quiz/session-service.ts';

export const FIXTURE_DOCUMENTS = new Map([
  ['001', { shortName: 'Kế hoạch thử nghiệm A', date: '12/2023' }],
  ['002', { shortName: 'Kế hoạch thử nghiệm B', date: '03/2022' }],
]);

/** `count` questions: question i has options "Phương án i.0" … and option 1 correct. */
export function fixtureBank(count = 16): QuizQuestion[] {
  return Array.from({ length: count }, (_, i) =>
    QuizQuestionSchema.parse({
      id: `fx-${i}`,
      stem: `Câu hỏi thử nghiệm số ${i}: chỉ tiêu nào đúng?`,
      options: [0, 1, 2, 3].map((k) => `Phương án ${i}.${k}`),
      correct: 1,
      explanation: `Giải thích của câu ${i}.`,
      source: { doc: i % 2 === 0 ? '001' : '002', section: `Mục ${i}`, lines: [10 + i, 11 + i] },
      topic: QUIZ_TOPICS[i % 4]!,
      difficulty: 'easy',
      origin: 'curated',
      kind: 'fact',
    }),
  );
}

/** The text of the correct option of a bank question, to find it after shuffling. */
export const correctText = (q: QuizQuestion) => q.options[q.correct]!;

export function tempDbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bg-quiz-')), 'assistant.db');
}

export interface QuizFixture {
  db: Db;
  file: string;
  clock: FakeClock;
  quiz: QuizService;
  bank: QuizQuestion[];
  close(): void;
}

/** A quiz service with the fixture bank, a fake clock and a SQLite file (reopen it with `file`). */
export function quizFixture(opts: { file?: string; clock?: FakeClock; bank?: QuizQuestion[] } = {}): QuizFixture {
  const file = opts.file ?? tempDbFile();
  const db = openDatabase(file);
  const clock = opts.clock ?? new FakeClock();
  const bank = opts.bank ?? fixtureBank();
  const quiz = createQuizService({ db, questions: bank, documents: FIXTURE_DOCUMENTS, logger: createLogger('silent'), clock });
  return {
    db,
    file,
    clock,
    quiz,
    bank,
    close: () => {
      quiz.stop();
      db.close();
    },
  };
}
