/**
 * The whole question bank, built from the four plans, their records and the curated files,
 * checked the way a trainer would before showing it to a class: every question has one
 * right option printed in the lines it cites, distinct options, an explanation quoting the
 * document, a source that exists; the bank covers all four documents and all topics; two
 * builds are identical; a broken question is reported, never used.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import type { LoadedDocument } from '../../src/kb/types.ts';
import { loadAgencyDirectory } from '../../src/records/agencies.ts';
import { extractRecords } from '../../src/records/extract.ts';
import type { RecordSet } from '../../src/records/schema.ts';
import { buildQuestionBank, checkQuestion, type QuestionBank, type QuizCheckContext } from '../../src/quiz/bank.ts';
import { optionKey, quotedPassages } from '../../src/quiz/bank-text.ts';
import { QUIZ_TOPICS, QuizQuestionSchema, type QuizQuestion } from '../../src/quiz/schema.ts';
import { looseTokens, looselyContains, REPO_ROOT, SOURCES_DIR } from '../kb/helpers.ts';

const KNOWLEDGE_DIR = join(REPO_ROOT, 'knowledge');
let documents: LoadedDocument[] = [];
let records: RecordSet;
let ctx: QuizCheckContext;
let bank: QuestionBank;
let again: QuestionBank;

beforeAll(async () => {
  documents = (await loadKnowledgeSources(SOURCES_DIR)).documents;
  records = extractRecords(documents, join(KNOWLEDGE_DIR, 'records'));
  const agencies = loadAgencyDirectory(join(KNOWLEDGE_DIR, 'agencies.yaml'));
  const lines = new Map(documents.map((d) => [d.meta.id, d.lines]));
  const sourceLines = (id: string): readonly string[] => lines.get(id) ?? [];
  const opts = { knowledgeDir: KNOWLEDGE_DIR, records, agencies, documents: documents.map((d) => d.meta), sourceLines };
  ctx = { documents: opts.documents, sourceLines, records, agencies };
  bank = buildQuestionBank(opts);
  again = buildQuestionBank(opts);
});

function cited(q: QuizQuestion): string {
  const doc = documents.find((d) => d.meta.id === q.source.doc);
  return (doc?.lines ?? []).slice(q.source.lines[0] - 1, q.source.lines[1]).join('\n');
}

/** Tokens of `needle` in order among `haystack`'s (the 2024 plan's tables interleave columns line by line). */
function inOrder(haystack: string, needle: string): boolean {
  const hay = looseTokens(haystack);
  let at = 0;
  for (const t of looseTokens(needle)) {
    const found = hay.indexOf(t, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

describe('every question in the bank (property test)', () => {
  test('passes the bank check', () => {
    const failing = bank.questions.map((q) => ({ id: q.id, problems: checkQuestion(q, ctx) })).filter((r) => r.problems.length > 0);
    expect(failing).toEqual([]);
  });

  test('has the schema’s shape, 2–4 distinct options (ignoring case, accents and spaces) and its right option in range', () => {
    for (const q of bank.questions) {
      expect(QuizQuestionSchema.safeParse(q).success, q.id).toBe(true);
      expect(q.options.length, q.id).toBeGreaterThanOrEqual(2);
      expect(q.options.length, q.id).toBeLessThanOrEqual(4);
      expect(new Set(q.options.map(optionKey)).size, q.id).toBe(q.options.length);
      expect(q.correct, q.id).toBeLessThan(q.options.length);
    }
  });

  test('cites a document that exists and lines inside its file', () => {
    for (const q of bank.questions) {
      const doc = documents.find((d) => d.meta.id === q.source.doc);
      expect(doc, `${q.id}: ${q.source.doc}`).toBeDefined();
      expect(q.source.lines[0], q.id).toBeGreaterThanOrEqual(1);
      expect(q.source.lines[0], q.id).toBeLessThanOrEqual(q.source.lines[1]);
      expect(q.source.lines[1], q.id).toBeLessThanOrEqual(doc?.lines.length ?? 0);
    }
  });

  test('its right option (or the words that support it) is printed within the cited lines, ignoring accents and line breaks', () => {
    const missing = bank.questions.filter((q) => {
      const key = q.evidence ?? (q.options[q.correct] as string);
      if (looselyContains(cited(q), key)) return false;
      // A reviewed field of a 2024-plan table row, printed in pieces between other columns.
      return !(q.source.recordId !== undefined && inOrder(cited(q), key));
    });
    expect(missing.map((q) => q.id)).toEqual([]);
  });

  test('has an explanation that quotes the document', () => {
    for (const q of bank.questions) {
      expect(q.explanation.trim().length, q.id).toBeGreaterThan(0);
      expect(quotedPassages(q.explanation).length, q.id).toBeGreaterThan(0);
    }
  });

  test('generated questions name their document in the stem', () => {
    for (const q of bank.questions.filter((x) => x.origin === 'generated' && x.kind !== 'document-fact')) {
      const doc = documents.find((d) => d.meta.id === q.source.doc);
      expect(q.stem.startsWith(`Theo ${doc?.meta.shortName}`), q.id).toBe(true);
    }
  });
});

describe('size and coverage', () => {
  test('at least 150 checked questions, from all four documents, at least 80 of them curated from all four', () => {
    expect(bank.questions.length).toBeGreaterThanOrEqual(150);
    for (const id of ['001', '002', '003', '004']) expect(bank.byDoc[id], id).toBeGreaterThanOrEqual(20);
    expect(bank.byOrigin.curated).toBeGreaterThanOrEqual(80);
    const curatedDocs = new Set(bank.questions.filter((q) => q.origin === 'curated').map((q) => q.source.doc));
    expect([...curatedDocs].sort()).toEqual(['001', '002', '003', '004']);
  });

  test('every topic has questions, and the counts add up', () => {
    for (const topic of QUIZ_TOPICS) expect(bank.byTopic[topic], topic).toBeGreaterThanOrEqual(10);
    const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total(bank.byTopic)).toBe(bank.questions.length);
    expect(total(bank.byDoc)).toBe(bank.questions.length);
    expect(total(bank.byKind)).toBe(bank.questions.length);
  });

  test('every kind of generated question is there: target values, monitoring agencies, lead units, budgets, document facts', () => {
    for (const kind of ['target-value', 'target-monitor', 'lead-unit', 'budget', 'document-fact']) expect(bank.byKind[kind], kind).toBeGreaterThan(0);
  });

  test('no curated question is rejected; each rejected candidate says why', () => {
    expect(bank.rejected.filter((r) => r.id.startsWith('cur-') || r.id.endsWith('.yaml'))).toEqual([]);
    for (const r of bank.rejected) expect(r.reason.length, r.id).toBeGreaterThan(10);
    const ids = new Set(bank.questions.map((q) => q.id));
    for (const r of bank.rejected) expect(ids.has(r.id), r.id).toBe(false);
  });
});

describe('determinism', () => {
  test('two builds give the same questions, in the same order, with the same option order', () => {
    expect(JSON.stringify(again)).toBe(JSON.stringify(bank));
  });

  test('ids are unique and stable in shape', () => {
    expect(new Set(bank.questions.map((q) => q.id)).size).toBe(bank.questions.length);
    for (const q of bank.questions) expect(q.id, q.id).toMatch(q.origin === 'curated' ? /^cur-/ : /^gen-/);
  });
});

describe('what a trainer would catch (the check on real data)', () => {
  function question(id: string): QuizQuestion {
    const q = bank.questions.find((x) => x.id === id);
    if (q === undefined) throw new Error(`no question ${id}`);
    return q;
  }

  test('the data centre: Sở TT&TT leads it in the 2024 plan, Trung tâm CNTT&TT in the department’s plan — both asked, each naming its plan', () => {
    const provincial = question('gen-lead-001:III:3.1');
    const department = question('gen-lead-002:PL:1.12');
    expect(provincial.options[provincial.correct]).toBe('Sở Thông tin và Truyền thông');
    expect(department.options[department.correct]).toBe('Trung tâm Công nghệ thông tin và Truyền thông');
    expect(provincial.stem).toMatch(/^Theo Kế hoạch CĐS năm 2024 của UBND tỉnh/);
    expect(department.stem).toMatch(/^Theo Kế hoạch thực hiện Quy hoạch tỉnh của Sở TT&TT/);
    const unnamed = { ...department, stem: 'Đơn vị nào chủ trì nhiệm vụ đầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh Bắc Giang?' };
    expect(checkQuestion(unnamed, ctx).join(' ')).toMatch(/name the document/);
  });

  test('a curated fact two plans state differently (30-40 vs 30-50 conferences) is rejected without the plan’s name', () => {
    const q = question('cur-002-ke-hoach-quy-hoach-stttt-hoi-nghi-30-40');
    expect(checkQuestion(q, ctx)).toEqual([]);
    const unnamed = { ...q, stem: 'Nhiệm vụ tổ chức các Hội nghị, Hội thảo, Tọa đàm về chuyển đổi số, xây dựng chính quyền số, đô thị thông minh quy mô cấp tỉnh có quy mô bao nhiêu hội nghị?' };
    expect(checkQuestion(unnamed, ctx).join(' ')).toMatch(/document 001 .* name the document/);
  });

  test.each([
    {
      what: 'a wrong "right" option',
      edit: (q: QuizQuestion): QuizQuestion => ({ ...q, options: q.options.map((o, i) => (i === q.correct ? '55%' : o)), evidence: undefined }),
      problem: /not the target's value|not found in the cited lines/,
    },
    { what: 'two options that differ only in accents and case', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, options: [...q.options.slice(0, 3), (q.options[0] as string).toUpperCase()], correct: Math.min(q.correct, 2) }), problem: /not distinct/ },
    { what: 'lines outside the file', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, source: { ...q.source, lines: [10_000, 10_001] } }), problem: /outside the file/ },
    { what: 'an unknown document', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, source: { ...q.source, doc: '999' } }), problem: /unknown document/ },
    { what: 'an explanation quoting words the document does not have', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, explanation: 'Kế hoạch ghi “đạt 100% trong năm 2019”.' }), problem: /quoted text not found/ },
    { what: 'an explanation that quotes nothing', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, explanation: 'Theo Kế hoạch.' }), problem: /quotes nothing/ },
    { what: 'a wrong option equal to the target’s value', edit: (q: QuizQuestion): QuizQuestion => ({ ...q, options: q.options.map((o, i) => (i === (q.correct + 1) % q.options.length ? '70 %' : o)) }), problem: /equals the target's value|not distinct/ },
  ])('rejects $what', ({ edit, problem }) => {
    const q = edit(question('gen-target-001:target:1'));
    expect(checkQuestion(q, ctx).join(' ')).toMatch(problem);
  });

  test('rejects a wrong lead option that coordinates the row, and a stem that names the lead', () => {
    const q = question('gen-lead-001:III:4.4.2');
    const coordinating = { ...q, options: q.options.map((o, i) => (i === (q.correct + 1) % q.options.length ? 'Sở Tài chính' : o)) };
    expect(checkQuestion(coordinating, ctx).join(' ')).toMatch(/leads or coordinates the row/);
    const giveaway = { ...q, stem: `${q.stem} (gợi ý: Sở Tài nguyên và Môi trường)` };
    expect(checkQuestion(giveaway, ctx).join(' ')).toMatch(/stem names the lead unit|stem contains the answer/);
  });

  test('rejects a budget option that is not the row’s printed total', () => {
    const q = question('gen-budget-004:PL1:I.1.5');
    expect(q.options[q.correct]).toBe('1.200 triệu đồng');
    const wrong = { ...q, options: q.options.map((o, i) => (i === q.correct ? '1.250 triệu đồng' : o)), evidence: undefined };
    expect(checkQuestion(wrong, ctx).join(' ')).toMatch(/not the budget total/);
  });
});
