/**
 * The quiz through the real dialogue (real intents, classifier, SQLite), with a small fixture
 * bank and a fake clock: solo practice with buttons, typed letters and numbers, feedback
 * with the source, the score, an interruption and resume, "dừng", no repeats; joining a
 * trainer session from the chat with "thamgia <code>" and answering; a new app instance on
 * the same SQLite file resuming the open session.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createAssistant, type Assistant } from '../../src/app.ts';
import { replyText, type Reply } from '../../src/core/messages.ts';
import { FakeClock } from '../../src/quiz/clock.ts';
import { foldDiacritics } from '../../src/nlu/vietnamese.ts';
import { QuizSessionRepository } from '../../src/storage/quiz-session-repository.ts';
import { freshDataDir } from '../helpers/test-assistant.ts';
import { fixtureBank } from '../quiz/session-fixtures.ts';

const bank = fixtureBank(24);
const clock = new FakeClock();
const dataDir = freshDataDir();
const open = (): Promise<Assistant> =>
  createAssistant(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), { logger: createLogger('warn'), quizQuestions: bank, quizClock: clock });

const fold = (s: string) => foldDiacritics(s).replace(/\s+/g, ' ');
const payloads = (r: Reply) => r.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : [])).flatMap((b) => (b.kind === 'postback' ? [b.payload] : []));
/** The letter of the correct option in the question shown last (the fixture's correct text is "Phương án i.1"). */
function correctLetter(reply: Reply): { letter: string; wrong: string } {
  const text = replyText(reply);
  const lines = text.split('\n').filter((l) => /^[A-D]\. Phương án/.test(l));
  const last = lines.slice(-4);
  const right = last.find((l) => /Phương án \d+\.1$/.test(l))!;
  const wrong = last.find((l) => !/Phương án \d+\.1$/.test(l))!;
  return { letter: right[0]!, wrong: wrong[0]! };
}

describe('quiz in the chat', () => {
  let assistant: Assistant;
  const say = (userId: string, text: string) => assistant.dialogue.handle({ type: 'text', channel: 'web', userId, text, receivedAt: clock.now() });

  beforeAll(async () => {
    assistant = await open();
  });
  afterAll(() => assistant?.close());

  test('"thi thử" offers topics as buttons, numbered for channels without buttons', async () => {
    const r = await say('solo-1', 'thi thử');
    expect(r.intent).toBe('quiz');
    expect(payloads(r)).toContain('#quiz:start:all:10');
    expect(payloads(r)).toContain('#quiz:start:chinh-quyen-so:10');
    expect(replyText(r)).toContain('1. Tất cả chủ đề');
  });

  test('solo practice: buttons, typed letter and number, feedback with source, score at the end', async () => {
    let r = await say('solo-2', '#quiz:start:all:3');
    expect(replyText(r)).toContain('Câu 1/3');
    expect(payloads(r)).toEqual(['#quiz:answer:A:1', '#quiz:answer:B:1', '#quiz:answer:C:1', '#quiz:answer:D:1']);
    const first = correctLetter(r);
    r = await say('solo-2', `#quiz:answer:${first.letter}:1`);
    expect(replyText(r)).toMatch(/^Đúng rồi/);
    expect(replyText(r)).toContain('Đáp án đúng');
    // The document's short name and date, from knowledge/sources/sources.yaml.
    expect(replyText(r)).toMatch(/Nguồn: (Kế hoạch CĐS năm 2024 của UBND tỉnh \(12\/2023\)|Kế hoạch thực hiện Quy hoạch tỉnh của Sở TT&TT \(03\/2022\)), Mục \d+, dòng \d+-\d+\./);
    expect(['001', '002']).toContain(r.sources[0]?.doc);
    expect(replyText(r)).toContain('Câu 2/3');

    const second = correctLetter(r);
    r = await say('solo-2', second.wrong.toLowerCase());
    expect(replyText(r)).toMatch(/^Chưa đúng/);
    expect(replyText(r)).toContain(`Đáp án đúng: ${second.letter}.`);
    expect(replyText(r)).toContain('Câu 3/3');

    const third = correctLetter(r);
    r = await say('solo-2', String('ABCD'.indexOf(third.letter) + 1));
    expect(replyText(r)).toMatch(/^Đúng rồi/);
    expect(replyText(r)).toContain('đúng 2/3 câu');
    expect(payloads(r)).toContain('#quiz:menu');
  });

  test('an interruption keeps the quiz; "thi thử" resumes it; "dừng" stops it', async () => {
    await say('solo-3', '#quiz:start:all:5');
    const detour = await say('solo-3', 'Tỷ lệ người dân sử dụng dịch vụ công trực tuyến năm 2024 đạt bao nhiêu?');
    expect(detour.intent).not.toBe('quiz');
    const resumed = await say('solo-3', 'thi thử');
    expect(fold(replyText(resumed))).toContain(fold('đang làm dở'));
    expect(replyText(resumed)).toContain('Câu 1/5');
    const { letter } = correctLetter(resumed);
    expect(replyText(await say('solo-3', letter))).toMatch(/^Đúng rồi/);
    const stop = await say('solo-3', 'dừng');
    expect(replyText(stop)).toContain('đã dừng');
    expect(replyText(stop)).toContain('1/1');
    // No quiz any more: a letter is an ordinary message again.
    expect((await say('solo-3', 'thi thử')).messages[0]!.text).toContain('chọn chủ đề');
  });

  test('recently seen questions are not asked again', async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 2; round++) {
      let r = await say('solo-4', '#quiz:start:all:10');
      for (let i = 0; i < 10; i++) {
        const stem = replyText(r).split('\n').find((l) => l.startsWith('Câu hỏi thử nghiệm số'))!;
        expect(seen.has(stem), stem).toBe(false);
        seen.add(stem);
        r = await say('solo-4', 'A');
      }
    }
    expect(seen.size).toBe(20);
  });

  test('joining a trainer session from the chat and answering; late and duplicate answers refused', async () => {
    const session = assistant.quiz.engine.create({ topic: null, questionCount: 2, secondsPerQuestion: 20 });
    let r = await say('learner-1', `thamgia ${session.code}`);
    expect(r.intent).toBe('quiz');
    expect(replyText(r)).toContain('tên hiển thị');
    r = await say('learner-1', 'Chị Lan - xã Hương Mai');
    expect(replyText(r)).toContain('Chị Lan - xã Hương Mai');
    r = await say('learner-2', `tham gia ${session.code} Anh Minh`);
    expect(replyText(r)).toContain('Anh Minh');
    expect(replyText(await say('learner-3', 'thamgia 000001'))).toContain('không tìm thấy');

    assistant.quiz.engine.start(session.id);
    const pushed = assistant.quiz.webInbox.take('learner-1').flatMap((i) => i.messages);
    expect(pushed[0]?.text).toContain('Câu 1/2');
    const correct = new QuizSessionRepository(assistant.db).questions(session.id)[0]!.question.correct;
    clock.advance(3000);
    r = await say('learner-1', 'ABCD'[correct]!);
    expect(replyText(r)).toContain('đã ghi nhận đáp án');
    expect(replyText(await say('learner-1', 'B'))).toContain('trả lời câu 1 rồi');
    clock.advance(17_001);
    expect(replyText(await say('learner-2', 'A'))).toContain('đã hết giờ');
    const result = assistant.quiz.webInbox.take('learner-1').flatMap((i) => i.messages.map((m) => m.text)).join('\n');
    expect(result).toContain('Đúng rồi');
    expect(result).toContain('Nguồn:');
    const view = assistant.quiz.engine.trainerView(session.id)!;
    expect(view.leaderboard[0]!.name).toBe('Chị Lan - xã Hương Mai');
    expect(view.leaderboard[0]!.score).toBe(925);

    // "dừng" leaves the session.
    assistant.quiz.engine.next(session.id);
    expect(replyText(await say('learner-2', 'dừng'))).toContain('rời phòng thi');
  });

  test('a new app instance on the same SQLite file resumes the open session', async () => {
    const session = assistant.quiz.engine.create({ topic: null, questionCount: 2, secondsPerQuestion: 30 });
    await say('restart-1', `thamgia ${session.code} Học viên A`);
    await say('restart-2', `thamgia ${session.code} Học viên B`);
    assistant.quiz.engine.start(session.id);
    clock.advance(5000);
    await say('restart-1', 'A');
    assistant.close();

    assistant = await open();
    expect(assistant.quiz.engine.trainerView(session.id)!.current).toMatchObject({ position: 0, closed: false, remainingMs: 25_000, answered: 1 });
    expect(replyText(await say('restart-1', 'B'))).toContain('trả lời câu 1 rồi');
    clock.advance(25_001);
    expect(assistant.quiz.engine.trainerView(session.id)!.current?.closed).toBe(true);
    expect(replyText(await say('restart-2', 'C'))).toContain('đã hết giờ');
  });
});
