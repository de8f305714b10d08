/**
 * Trainer sessions under a fake clock: 30 participants (join page and web chat), answers
 * counted and scored as specified, leaderboard order, late and duplicate answers refused,
 * the correct option hidden until a question closes, a restart mid-question, the CSV.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { QuizSessionRepository } from '../../src/storage/quiz-session-repository.ts';
import { scoreAnswer } from '../../src/quiz/scoring.ts';
import { QuizError } from '../../src/quiz/session-engine.ts';
import { sessionCsv, CSV_HEADER } from '../../src/quiz/session-csv.ts';
import { quizFixture, type QuizFixture } from './session-fixtures.ts';

let open: QuizFixture[] = [];
const fixture = (opts: Parameters<typeof quizFixture>[0] = {}) => {
  const f = quizFixture(opts);
  open.push(f);
  return f;
};
afterEach(() => {
  for (const f of open) f.close();
  open = [];
});

const correctOf = (f: QuizFixture, sessionId: string, position: number) => new QuizSessionRepository(f.db).questions(sessionId)[position]!.question.correct;

describe('trainer session', () => {
  test('30 participants: every answer counted, speed-weighted points with streak bonus, leaderboard order', () => {
    const f = fixture();
    const { engine } = f.quiz;
    const created = engine.create({ topic: null, questionCount: 3, secondsPerQuestion: 20, scoring: { speedWeighted: true, streakBonus: true } });
    expect(created.code).toMatch(/^\d{6}$/);
    expect(created.status).toBe('lobby');
    expect(created.total).toBe(3);

    const people = Array.from({ length: 30 }, (_, i) =>
      i < 20 ? engine.joinFromPage(created.code, `Học viên ${i + 1}`) : engine.join(created.code, { channel: 'web', userId: `chat-${i}`, name: `Học viên ${i + 1}` }),
    );
    expect(engine.trainerView(created.id)!.participants).toHaveLength(30);

    engine.start(created.id);
    const expected = new Map<number, number>(people.map((p) => [p.id, 0]));
    const streak = new Map<number, number>(people.map((p) => [p.id, 0]));
    for (let position = 0; position < 3; position++) {
      const view = engine.trainerView(created.id)!;
      expect(view.current?.position).toBe(position);
      expect(view.current?.correct).toBeUndefined(); // hidden while open
      expect(view.current?.distribution).toBeUndefined();
      const correct = correctOf(f, created.id, position);
      const wrong = (correct + 1) % 4;
      for (const [i, p] of people.entries()) {
        f.clock.advance(position === 0 ? 400 : 300); // i-th answer after (i+1)·step ms
        const right = (i + position) % 3 !== 0;
        const outcome = engine.answer(p.id, right ? correct : wrong);
        expect(outcome.status).toBe('accepted');
        const elapsed = (i + 1) * (position === 0 ? 400 : 300);
        const scored = scoreAnswer({ correct: right, elapsedMs: elapsed, limitMs: 20_000, previousStreak: streak.get(p.id)! }, { speedWeighted: true, streakBonus: true, maxPoints: 1000 });
        expected.set(p.id, expected.get(p.id)! + scored.points);
        streak.set(p.id, scored.streak);
      }
      // Everyone answered: the question closed at once, with its distribution.
      const closed = engine.trainerView(created.id)!;
      expect(closed.current?.closed).toBe(true);
      expect(closed.current?.correct).toBe(correct);
      expect(closed.current?.distribution?.reduce((a, b) => a + b, 0)).toBe(30);
      expect(closed.current?.distribution?.[correct]).toBe(people.filter((_, i) => (i + position) % 3 !== 0).length);
      if (position < 2) engine.next(created.id);
    }
    const finished = engine.next(created.id);
    expect(finished.status).toBe('finished');

    const repo = new QuizSessionRepository(f.db);
    expect(repo.answers(created.id)).toHaveLength(90);
    const board = finished.leaderboard;
    expect(board).toHaveLength(30);
    for (const entry of board) expect(entry.score).toBe(expected.get(entry.participantId));
    const scores = board.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(board[0]!.rank).toBe(1);
    const best = [...expected.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(board[0]!.participantId).toBe(best[0]);
  });

  test('late and duplicate answers are refused; the clock closes the question at its deadline', () => {
    const f = fixture();
    const { engine } = f.quiz;
    const s = engine.create({ topic: null, questionCount: 2, secondsPerQuestion: 10 });
    const a = engine.joinFromPage(s.code, 'An');
    const b = engine.joinFromPage(s.code, 'Bình');
    expect(engine.answer(a.id, 0).status).toBe('not_running');
    engine.start(s.id);
    f.clock.advance(2000);
    expect(engine.answer(a.id, 1)).toEqual({ status: 'accepted', position: 0 });
    expect(engine.answer(a.id, 2).status).toBe('duplicate');
    expect(engine.answer(a.id, 9).status).toBe('invalid');
    f.clock.advance(8001); // past the deadline: the timer closed it
    expect(engine.trainerView(s.id)!.current?.closed).toBe(true);
    expect(engine.answer(b.id, 1).status).toBe('late');
    engine.next(s.id);
    // A tap on question 1's button while question 2 is open is late, not an answer to question 2.
    expect(engine.answer(b.id, 1, 1).status).toBe('late');
    expect(engine.answer(b.id, 1, 2).status).toBe('accepted');
    const repo = new QuizSessionRepository(f.db);
    expect(repo.answers(s.id).map((x) => [x.participantId, x.position])).toEqual([
      [a.id, 0],
      [b.id, 1],
    ]);
  });

  test('a join page learner never sees the correct option before the question closes', () => {
    const f = fixture();
    const { engine } = f.quiz;
    const s = engine.create({ topic: null, questionCount: 1, secondsPerQuestion: 30 });
    const a = engine.joinFromPage(s.code, 'An');
    engine.joinFromPage(s.code, 'Bình');
    engine.start(s.id);
    engine.answer(a.id, 0);
    const during = engine.participantView(a.id)!;
    expect(during.question?.result).toBeUndefined();
    expect(JSON.stringify(during)).not.toMatch(/"correct"|explanation/);
    expect(during.question?.myChoice).toBe(0);
    expect(during.me.score).toBe(0); // points show only once the question closes
    expect(engine.trainerView(s.id)!.leaderboard.every((e) => e.score === 0)).toBe(true);
    f.clock.advance(30_001);
    const after = engine.participantView(a.id)!;
    expect(after.question?.result?.correct).toBe(correctOf(f, s.id, 0));
    expect(after.question?.result?.source.title).toMatch(/Kế hoạch thử nghiệm/);
  });

  test('options are shuffled per session and the mapping stays consistent', () => {
    const f = fixture();
    const { engine } = f.quiz;
    const s = engine.create({ topic: null, questionCount: 16, secondsPerQuestion: 5 });
    const rows = new QuizSessionRepository(f.db).questions(s.id);
    for (const r of rows) {
      const bankQ = f.bank.find((q) => q.id === r.question.id)!;
      expect(r.question.options[r.question.correct]).toBe(bankQ.options[bankQ.correct]);
      expect([...r.question.options].sort()).toEqual([...bankQ.options].sort());
    }
    expect(rows.some((r) => r.question.correct !== 1)).toBe(true);
  });

  test('settings are checked: seconds 5–600, at least one question, a known code', () => {
    const { engine } = fixture().quiz;
    expect(() => engine.create({ topic: null, questionCount: 5, secondsPerQuestion: 4 })).toThrow(QuizError);
    expect(() => engine.create({ topic: null, questionCount: 5, secondsPerQuestion: 601 })).toThrow(QuizError);
    expect(() => engine.create({ topic: null, questionCount: 0, secondsPerQuestion: 20 })).toThrow(QuizError);
    expect(() => engine.create({ topic: 'nhan-luc-so', questionCount: 5, secondsPerQuestion: 20 })).toThrow(/chưa có câu hỏi/i);
    expect(() => engine.joinFromPage('000000', 'An')).toThrow(/Không tìm thấy/);
    const s = engine.create({ topic: 'kinh-te-so', questionCount: 50, secondsPerQuestion: 600 });
    expect(s.total).toBe(4); // all the topic has
  });

  test('chat participants get the question, their result and the final ranking pushed', () => {
    const f = fixture();
    const { engine, webInbox } = f.quiz;
    const s = engine.create({ topic: null, questionCount: 1, secondsPerQuestion: 20 });
    const p = engine.join(s.code, { channel: 'web', userId: 'w1', name: 'Chị Hoa' });
    engine.start(s.id);
    const asked = webInbox.take('w1').flatMap((i) => i.messages);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.type).toBe('buttons');
    expect(asked[0]!.text).toContain('Câu 1/1');
    expect(JSON.stringify(asked)).toContain('#quiz:answer:A:1');
    engine.answer(p.id, correctOf(f, s.id, 0));
    const result = webInbox.take('w1').flatMap((i) => i.messages.map((m) => m.text)).join('\n');
    expect(result).toContain('Đúng rồi');
    expect(result).toContain('Nguồn: Kế hoạch thử nghiệm');
    engine.next(s.id);
    const final = webInbox.take('w1').flatMap((i) => i.messages.map((m) => m.text)).join('\n');
    expect(final).toContain('đã kết thúc');
    expect(final).toContain('xếp hạng 1/1');
  });

  test('a restarted service resumes the open question from its stored deadline', () => {
    const first = fixture();
    const s = first.quiz.engine.create({ topic: null, questionCount: 2, secondsPerQuestion: 20 });
    const a = first.quiz.engine.joinFromPage(s.code, 'An');
    const b = first.quiz.engine.joinFromPage(s.code, 'Bình');
    first.quiz.engine.start(s.id);
    first.clock.advance(5000);
    first.quiz.engine.answer(a.id, 0);
    first.close();
    open = open.filter((x) => x !== first);

    // 5 s later a new instance opens the same file: the question is still open with 10 s left.
    first.clock.advance(5000);
    const second = fixture({ file: first.file, clock: first.clock });
    const view = second.quiz.engine.trainerView(s.id)!;
    expect(view.status).toBe('running');
    expect(view.current?.closed).toBe(false);
    expect(view.current?.remainingMs).toBe(10_000);
    expect(second.quiz.engine.answer(a.id, 1).status).toBe('duplicate');
    second.clock.advance(10_001);
    expect(second.quiz.engine.trainerView(s.id)!.current?.closed).toBe(true);
    expect(second.quiz.engine.answer(b.id, 0).status).toBe('late');

    // Down through a deadline: the next start closes it at once.
    second.quiz.engine.next(s.id);
    second.close();
    open = open.filter((x) => x !== second);
    second.clock.advance(60_000);
    const third = fixture({ file: first.file, clock: second.clock });
    expect(third.quiz.engine.trainerView(s.id)!.current).toMatchObject({ position: 1, closed: true });
  });

  test('the CSV has a BOM, the header and a row per learner × question', () => {
    const f = fixture();
    const { engine } = f.quiz;
    const s = engine.create({ topic: null, questionCount: 2, secondsPerQuestion: 20 });
    const a = engine.joinFromPage(s.code, 'Nguyễn Văn "An"');
    engine.joinFromPage(s.code, '=Bình');
    engine.start(s.id);
    f.clock.advance(2500);
    engine.answer(a.id, correctOf(f, s.id, 0));
    engine.next(s.id);
    engine.next(s.id);
    const csv = sessionCsv(engine.exportRows(s.id)!);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines[1]).toMatch(/^"Nguyễn Văn ""An""",Trang tham gia,1,/);
    expect(lines[1]).toMatch(/,có,2\.5,\d+$/);
    expect(lines[2]).toMatch(/,không trả lời,,0$/);
    expect(lines[3]).toMatch(/^'=Bình,/);
  });
});
