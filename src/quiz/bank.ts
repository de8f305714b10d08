/**
 * The question bank: curated questions from `knowledge/quiz/*.yaml` plus questions
 * generated from the plans' records (target values, monitoring agencies, lead units,
 * budgets) and from the document catalog (dates, signers, issuers, periods, numbers).
 * Every question passes {@link checkQuestion} or is reported in `rejected` with the reason
 * and never used.
 *
 * Deterministic: the same documents, records and curated files give the same questions in
 * the same order with the same option order (shuffles are seeded by the question id).
 */
import { join } from 'node:path';
import type { DocumentMeta } from '../kb/types.ts';
import type { AgencyDirectory } from '../records/agencies.ts';
import type { RecordSet } from '../records/schema.ts';
import { checkQuestion, type QuizCheckContext } from './bank-check.ts';
import { keyContains, linesText, textKey } from './bank-text.ts';
import { curatedDraft, loadCuratedQuestions, type LoadedCuratedQuestion } from './curated.ts';
import { generateBudgetQuestions } from './generators/budgets.ts';
import { finalizeDraft, type GeneratorOutput, type QuestionDraft } from './generators/common.ts';
import { generateDocumentFactQuestions } from './generators/document-facts.ts';
import { generateLeadQuestions } from './generators/leads.ts';
import { generateMonitorQuestions, generateTargetQuestions } from './generators/targets.ts';
import { QUIZ_TOPICS, type QuizQuestion } from './schema.ts';

export { checkQuestion, type QuizCheckContext } from './bank-check.ts';

/** What the bank is built from. */
export interface BuildQuestionBankOptions {
  /** The knowledge folder; curated questions are read from its `quiz/` subfolder. */
  knowledgeDir: string;
  /** The plans' records; without them only curated and document-fact questions are built. */
  records?: RecordSet;
  /** The agency directory; lead and monitor questions need it. */
  agencies?: AgencyDirectory;
  documents: DocumentMeta[];
  sourceLines: (docId: string) => readonly string[];
}

/** The checked bank and what was left out. */
export interface QuestionBank {
  questions: QuizQuestion[];
  /** Questions (or candidates, or curated files) left out, with the reason. */
  rejected: Array<{ id: string; reason: string }>;
  /** Questions per topic; every topic is present, 0 when none. */
  byTopic: Record<string, number>;
  /** Questions per source document; every document is present, 0 when none. */
  byDoc: Record<string, number>;
  /** Questions per origin ("curated", "generated"). */
  byOrigin: Record<string, number>;
  /** Questions per kind ("target-value", "lead-unit", "budget", "document-fact", "fact", …). */
  byKind: Record<string, number>;
}

/**
 * Builds and checks the whole bank.
 *
 * @example
 * const bank = buildQuestionBank({ knowledgeDir: 'knowledge', records, agencies, documents, sourceLines });
 * bank.questions.length // ≥ 150; bank.rejected lists what was left out and why
 */
export function buildQuestionBank(opts: BuildQuestionBankOptions): QuestionBank {
  const ctx: QuizCheckContext = {
    documents: opts.documents,
    sourceLines: opts.sourceLines,
    ...(opts.records !== undefined ? { records: opts.records } : {}),
    ...(opts.agencies !== undefined ? { agencies: opts.agencies } : {}),
  };
  const rejected: QuestionBank['rejected'] = [];
  const drafts: QuestionDraft[] = [];

  const curated = loadCuratedQuestions(join(opts.knowledgeDir, 'quiz'));
  for (const p of curated.problems) rejected.push({ id: p.id, reason: p.message });
  for (const loaded of curated.questions) {
    const problems = printedDistractorProblems(loaded, opts.sourceLines);
    if (problems.length > 0) rejected.push({ id: loaded.bankId, reason: problems.join('; ') });
    else drafts.push(curatedDraft(loaded));
  }

  const outputs: GeneratorOutput[] = [];
  if (opts.records !== undefined) {
    const base = { records: opts.records, documents: opts.documents };
    outputs.push(generateTargetQuestions(base));
    if (opts.agencies !== undefined) {
      outputs.push(generateMonitorQuestions({ ...base, agencies: opts.agencies }));
      outputs.push(generateLeadQuestions({ ...base, agencies: opts.agencies }));
    }
    outputs.push(generateBudgetQuestions({ ...base, sourceLines: opts.sourceLines }));
  }
  outputs.push(
    generateDocumentFactQuestions({ documents: opts.documents, sourceLines: opts.sourceLines, ...(opts.agencies !== undefined ? { agencies: opts.agencies } : {}) }),
  );
  for (const out of outputs) {
    drafts.push(...out.drafts);
    rejected.push(...out.skipped);
  }

  const questions: QuizQuestion[] = [];
  const ids = new Set<string>();
  const stems = new Map<string, string>();
  for (const draft of drafts) {
    const q = finalizeDraft(draft);
    const problems = checkQuestion(q, ctx);
    if (ids.has(q.id)) problems.push('id bị trùng / duplicate id');
    const stemKey = textKey(q.stem);
    const sameStem = stems.get(stemKey);
    if (sameStem !== undefined) problems.push(`cùng câu hỏi với ${sameStem} / same stem as another question`);
    if (problems.length > 0) {
      rejected.push({ id: q.id, reason: problems.join('; ') });
      continue;
    }
    ids.add(q.id);
    stems.set(stemKey, q.id);
    questions.push(q);
  }
  return { questions, rejected, ...counts(questions, opts.documents) };
}

/**
 * A curated wrong option that the cited lines print must be declared in
 * `printedDistractors` (the author confirms it is printed about something else), and a
 * declared one must really be printed there.
 */
function printedDistractorProblems(loaded: LoadedCuratedQuestion, sourceLines: (docId: string) => readonly string[]): string[] {
  const q = loaded.question;
  let lines: readonly string[];
  try {
    lines = sourceLines(q.source.doc);
  } catch {
    return [];
  }
  const cited = linesText(lines, q.source.lines);
  if (cited === '') return [];
  const out: string[] = [];
  for (const d of q.distractors) {
    const printed = keyContains(cited, d);
    const declared = q.printedDistractors.includes(d);
    if (printed && !declared) out.push(`${loaded.file}, câu ${loaded.index} (id "${q.id}"): phương án sai “${d}” có in trong dòng trích dẫn; nếu nó nói về điều khác, ghi vào printedDistractors / a wrong option is printed in the cited lines`);
    if (!printed && declared) out.push(`${loaded.file}, câu ${loaded.index} (id "${q.id}"): “${d}” khai trong printedDistractors nhưng không có trong dòng trích dẫn / declared printed but not in the cited lines`);
  }
  return out;
}

function counts(questions: readonly QuizQuestion[], documents: readonly DocumentMeta[]): Omit<QuestionBank, 'questions' | 'rejected'> {
  const byTopic: Record<string, number> = Object.fromEntries(QUIZ_TOPICS.map((t) => [t, 0]));
  const byDoc: Record<string, number> = Object.fromEntries(documents.map((d) => [d.id, 0]));
  const byOrigin: Record<string, number> = { curated: 0, generated: 0 };
  const byKind: Record<string, number> = {};
  for (const q of questions) {
    byTopic[q.topic] = (byTopic[q.topic] ?? 0) + 1;
    byDoc[q.source.doc] = (byDoc[q.source.doc] ?? 0) + 1;
    byOrigin[q.origin] = (byOrigin[q.origin] ?? 0) + 1;
    byKind[q.kind] = (byKind[q.kind] ?? 0) + 1;
  }
  return { byTopic, byDoc, byOrigin, byKind };
}
