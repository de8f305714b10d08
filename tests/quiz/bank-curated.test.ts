/**
 * Curated question files as the person editing them meets them: a broken file or question
 * is named (file, question number, id) with what is wrong, left out of the bank, and the
 * rest of the bank still builds; a good question is used, with its options shuffled.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { buildQuestionBank } from '../../src/quiz/bank.ts';
import { loadCuratedQuestions } from '../../src/quiz/curated.ts';
import { makeMeta, tempDir } from '../kb/helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A knowledge folder with one document (id T) and the given curated files. */
function knowledge(files: Record<string, string>): string {
  const { dir, cleanup } = tempDir('quiz-curated-');
  cleanups.push(cleanup);
  mkdirSync(join(dir, 'quiz'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'quiz', name), text);
  return dir;
}

const DOC = makeMeta({ id: 'T', file: 't.txt', shortName: 'Kế hoạch thử T', title: 'Kế hoạch thử nghiệm T', date: '01/2024' });
const LINES = ['KẾ HOẠCH THỬ T', 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%.', 'Sở Thông tin và Truyền thông chủ trì, Sở Tài chính phối hợp.'];

const GOOD = `questions:
  - id: ho-so-truc-tuyen
    stem: Theo Kế hoạch thử T, tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến phải đạt bao nhiêu?
    answer: Trên 70%
    distractors: [Trên 50%, Trên 60%, Trên 80%]
    explanation: Kế hoạch ghi “Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%”.
    source: { doc: "T", section: "Mục tiêu", lines: [2, 2] }
    topic: chinh-quyen-so
    difficulty: easy
`;

function build(dir: string): ReturnType<typeof buildQuestionBank> {
  return buildQuestionBank({ knowledgeDir: dir, documents: [DOC], sourceLines: (id) => (id === 'T' ? LINES : []) });
}

describe('curated loader errors name the file and the question', () => {
  test.each([
    { what: 'YAML that does not parse', text: 'questions:\n  - id: a\n    stem: [unclosed\n', message: /bad\.yaml: YAML không đọc được \/ cannot parse YAML/ },
    { what: 'a file without questions', text: 'cau_hoi: []\n', message: /bad\.yaml: .*questions/ },
    { what: 'an unknown topic', text: GOOD.replace('chinh-quyen-so', 'thoi-tiet'), message: /bad\.yaml, câu 1 \(id "ho-so-truc-tuyen"\): topic/ },
    { what: 'a missing answer', text: GOOD.replace('    answer: Trên 70%\n', ''), message: /bad\.yaml, câu 1 \(id "ho-so-truc-tuyen"\): answer/ },
    { what: 'an id that is not kebab-case', text: GOOD.replace('ho-so-truc-tuyen', 'Hồ sơ'), message: /bad\.yaml, câu 1 \(id "Hồ sơ"\): id/ },
    { what: 'an unknown field', text: GOOD.replace('    topic:', '    dap_an: 2\n    topic:'), message: /bad\.yaml, câu 1 .*dap_an/ },
    { what: 'four wrong options', text: GOOD.replace('[Trên 50%, Trên 60%, Trên 80%]', '[Trên 50%, Trên 60%, Trên 80%, Trên 90%]'), message: /câu 1 .*distractors/ },
    { what: 'a wrong option equal to the answer', text: GOOD.replace('Trên 50%', 'Trên 70%'), message: /câu 1 .*a distractor equals the answer/ },
    { what: 'lines given backwards', text: GOOD.replace('[2, 2]', '[3, 2]'), message: /câu 1 .*end before start/ },
  ])('$what', ({ text, message }) => {
    const dir = knowledge({ 'bad.yaml': text });
    const { questions, problems } = loadCuratedQuestions(join(dir, 'quiz'));
    expect(questions).toEqual([]);
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  test('a duplicate id in one file: the second is reported, the first kept', () => {
    const dir = knowledge({ 'dup.yaml': GOOD + GOOD.replace('questions:\n', '') });
    const { questions, problems } = loadCuratedQuestions(join(dir, 'quiz'));
    expect(questions).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/dup\.yaml, câu 2 \(id "ho-so-truc-tuyen"\): .*duplicate id/);
  });

  test('a missing quiz folder is no questions and no problem', () => {
    expect(loadCuratedQuestions('/nonexistent/quiz')).toEqual({ questions: [], problems: [] });
  });
});

describe('curated questions in the bank', () => {
  test('a good question is used, with a bank id from the file and the id, and its answer tracked through the shuffle', () => {
    const bank = build(knowledge({ 'muc-tieu.yaml': GOOD }));
    const q = bank.questions.find((x) => x.id === 'cur-muc-tieu-ho-so-truc-tuyen');
    expect(q).toBeDefined();
    expect(q?.options[q.correct]).toBe('Trên 70%');
    expect(q?.origin).toBe('curated');
    expect(bank.byOrigin.curated).toBe(1);
  });

  test('a broken file does not stop the others; its problem is in rejected', () => {
    const bank = build(knowledge({ 'a-good.yaml': GOOD, 'b-bad.yaml': 'questions: [' }));
    expect(bank.questions.map((q) => q.id)).toContain('cur-a-good-ho-so-truc-tuyen');
    expect(bank.rejected).toContainEqual({ id: 'b-bad.yaml', reason: expect.stringMatching(/^b-bad\.yaml: YAML không đọc được/) });
  });

  test.each([
    { what: 'an answer the cited lines do not print', text: GOOD.replace('answer: Trên 70%', 'answer: Trên 75%'), reason: /correct option not found in the cited lines/ },
    { what: 'an explanation quoting words that are not there', text: GOOD.replace('đạt trên 70%”', 'đạt trên 70% vào năm 2025”'), reason: /quoted text not found/ },
    { what: 'a wrong option the cited lines print, not declared', text: GOOD.replace('lines: [2, 2]', 'lines: [1, 3]').replace('Trên 50%', 'Sở Tài chính'), reason: /a wrong option is printed in the cited lines/ },
  ])('rejects $what, and never uses it', ({ text, reason }) => {
    const bank = build(knowledge({ 'q.yaml': text }));
    expect(bank.questions.filter((q) => q.origin === 'curated')).toEqual([]);
    expect(bank.rejected.find((r) => r.id === 'cur-q-ho-so-truc-tuyen')?.reason).toMatch(reason);
  });

  test('a wrong option declared as printed (about something else) is accepted', () => {
    const text = GOOD.replace('lines: [2, 2]', 'lines: [1, 3]').replace('Trên 50%', 'Sở Tài chính').replace('    topic:', '    printedDistractors: [Sở Tài chính]\n    topic:');
    const bank = build(knowledge({ 'q.yaml': text }));
    expect(bank.questions.filter((q) => q.origin === 'curated').map((q) => q.id)).toEqual(['cur-q-ho-so-truc-tuyen']);
  });
});
