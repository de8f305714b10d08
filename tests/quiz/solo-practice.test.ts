/**
 * Solo practice on its own (fixture bank, fake clock, SQLite): a quiz of N questions from a
 * topic, grading in the shuffled order shown, stale button taps ignored, the score, resume
 * from SQLite, "stop", the recently-seen window, and the fallback when a topic runs short.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { RECENT_WINDOW } from '../../src/quiz/solo-practice.ts';
import { quizFixture, type QuizFixture } from './session-fixtures.ts';

let fixtures: QuizFixture[] = [];
const make = (opts: Parameters<typeof quizFixture>[0] = {}) => {
  const f = quizFixture(opts);
  fixtures.push(f);
  return f;
};
afterEach(() => {
  for (const f of fixtures) f.close();
  fixtures = [];
});

const user = { channel: 'web', userId: 'hoc-vien' };

describe('solo practice', () => {
  test('N questions of one topic, graded in the order shown, with the score at the end', () => {
    const { quiz } = make();
    let q = quiz.solo.start(user, { topic: 'kinh-te-so', count: 3 })!;
    expect(q).toMatchObject({ number: 1, total: 3, topic: 'kinh-te-so' });
    const asked: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect(q.question.topic).toBe('kinh-te-so');
      expect(q.options[q.correct]).toBe(q.question.options[q.question.correct]);
      asked.push(q.question.id);
      const result = quiz.solo.answer(user, i === 1 ? (q.correct + 1) % 4 : q.correct);
      if (result.status !== 'graded') throw new Error(result.status);
      expect(result.correct).toBe(i !== 1);
      if (i < 2) q = result.next!;
      else {
        expect(result.next).toBeUndefined();
        expect(result.score).toEqual({ correct: 2, answered: 3, total: 3 });
      }
    }
    expect(new Set(asked).size).toBe(3);
    expect(quiz.solo.current(user)).toBeUndefined();
  });

  test('a stale tap on an earlier question changes nothing', () => {
    const { quiz } = make();
    const first = quiz.solo.start(user, { topic: null, count: 2 })!;
    quiz.solo.answer(user, first.correct, 1);
    const stale = quiz.solo.answer(user, 0, 1);
    expect(stale.status).toBe('stale');
    expect(quiz.solo.progress(user)).toEqual({ correct: 1, answered: 1, total: 2 });
  });

  test('the quiz in progress survives a restart (same SQLite file) and "stop" ends it', () => {
    const first = make();
    const q = first.quiz.solo.start(user, { topic: null, count: 4 })!;
    first.quiz.solo.answer(user, q.correct);
    const file = first.file;
    first.close();
    fixtures = fixtures.filter((f) => f !== first);

    const second = make({ file, clock: first.clock });
    expect(second.quiz.solo.current(user)?.number).toBe(2);
    expect(second.quiz.solo.stop(user)).toEqual({ correct: 1, answered: 1, total: 4 });
    expect(second.quiz.solo.current(user)).toBeUndefined();
  });

  test(`the last ${RECENT_WINDOW} questions seen are not asked again while others remain`, () => {
    const { quiz, bank } = make();
    const seen: string[] = [];
    for (let round = 0; round < 2; round++) {
      let q = quiz.solo.start(user, { topic: null, count: 8 });
      while (q) {
        seen.push(q.question.id);
        const r = quiz.solo.answer(user, 0);
        q = r.status === 'graded' ? r.next : undefined;
      }
    }
    expect(new Set(seen).size).toBe(16); // the 16-question bank, each once
    expect(bank).toHaveLength(16);
    // A third quiz must reuse some: the longest-ago seen come first.
    const third = quiz.solo.start(user, { topic: null, count: 1 })!;
    expect(third.question.id).toBe(seen[0]);
  });

  test('a topic without questions gives nothing to start', () => {
    const { quiz } = make();
    expect(quiz.solo.start(user, { topic: 'nhan-luc-so' })).toBeUndefined();
    expect(quiz.solo.available('chinh-quyen-so')).toBe(4);
  });
});
