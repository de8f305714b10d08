/**
 * "How much is budgeted?" from the appendix rows that print a total (Đề án 10's two
 * appendices, million VND): one question per task row and per group subtotal.
 *
 * Rows whose printed figures the records extractor found inconsistent (a total that is not
 * the sum of its years, an amount under the wrong year's column) are left out: a question
 * must never teach a figure the document itself contradicts.
 */
import type { DocumentMeta } from '../../kb/types.ts';
import type { GroupRecord, RecordSet, TaskRecord } from '../../records/schema.ts';
import { NUMBER, formatVietnameseNumber, linesText, numbersIn, parseVietnameseNumber } from '../bank-text.ts';
import { documentLabel, idPart, type GeneratorOutput } from './common.ts';
import { taskSection, taskTitle } from './leads.ts';
import { valueDistractors } from './targets.ts';
import { topicOf } from './topics.ts';

/** The unit budgets are printed in ("ĐVT: Triệu đồng"). */
export const BUDGET_UNIT = 'triệu đồng';

/** Lines, per document id, on which the records extractor reported a problem with the figures. */
export function disputedLines(records: RecordSet, documents: readonly DocumentMeta[]): Map<string, Set<number>> {
  const docByFile = new Map(documents.map((d) => [d.file, d.id]));
  const out = new Map<string, Set<number>>();
  for (const p of records.problems) {
    const docId = docByFile.get(p.file);
    if (docId === undefined) continue;
    for (const m of p.message.matchAll(/[Dd]òng (\d+)/g)) {
      const set = out.get(docId) ?? new Set<number>();
      set.add(Number(m[1]));
      out.set(docId, set);
    }
  }
  return out;
}

/** "; lộ trình: 2022: 111, 2023: 28 triệu đồng" — the yearly amounts the row prints, if any. */
function byYearText(byYear: Readonly<Record<string, number>>): string {
  const years = Object.keys(byYear).sort();
  if (years.length === 0) return '';
  return `; lộ trình: ${years.map((y) => `năm ${y}: ${formatVietnameseNumber(byYear[y] as number)}`).join(', ')} ${BUDGET_UNIT}`;
}

/** The total as printed on the row's lines ("3.200"), or undefined when it is not printed there. */
function printedTotal(lines: readonly string[], range: readonly [number, number], total: number): string | undefined {
  const text = linesText(lines, range);
  return [...text.matchAll(NUMBER)].map((m) => m[0]).find((p) => parseVietnameseNumber(p) === total);
}

/**
 * Budget questions for every task and group row with a printed total.
 *
 * @example generateBudgetQuestions({ records, documents, sourceLines }).drafts[0].answer // "3.200 triệu đồng"
 */
export function generateBudgetQuestions(opts: {
  records: RecordSet;
  documents: readonly DocumentMeta[];
  sourceLines: (docId: string) => readonly string[];
}): GeneratorOutput {
  const out: GeneratorOutput = { drafts: [], skipped: [] };
  const docs = new Map(opts.documents.map((d) => [d.id, d]));
  const disputed = disputedLines(opts.records, opts.documents);
  type Row = { kind: 'task'; record: TaskRecord } | { kind: 'group'; record: GroupRecord };
  const rows: Row[] = [
    ...opts.records.tasks.map((record) => ({ kind: 'task' as const, record })),
    ...opts.records.groups.map((record) => ({ kind: 'group' as const, record })),
  ].filter((r) => r.record.budget?.total !== undefined && r.record.budget.total > 0);
  for (const row of rows) {
    const r = row.record;
    const total = r.budget?.total as number;
    const id = `gen-budget-${idPart(r.id)}`;
    const doc = docs.get(r.docId);
    if (doc === undefined) continue;
    const lines = opts.sourceLines(r.docId);
    const disputedHere = disputed.get(r.docId);
    let disputedLine: number | undefined;
    for (let n = r.lines[0]; n <= r.lines[1]; n++) if (disputedHere?.has(n) === true) disputedLine = n;
    if (disputedLine !== undefined) {
      out.skipped.push({ id, reason: `số liệu dòng ${disputedLine} không khớp trong văn bản / the document's figures on line ${disputedLine} disagree` });
      continue;
    }
    const printed = printedTotal(lines, r.lines, total);
    if (printed === undefined) {
      out.skipped.push({ id, reason: 'tổng kinh phí không thấy in trên dòng trích dẫn / total not printed on the cited line' });
      continue;
    }
    const sameAppendix = rows.filter((o) => o.record.docId === r.docId && o.record.appendix === r.appendix && o.record !== r);
    const pool = sameAppendix.map((o) => o.record.budget?.total as number);
    const forbidden = new Set(numbersIn(linesText(lines, r.lines)).filter((n) => n !== total));
    const wrong = valueDistractors({ value: total, unit: BUDGET_UNIT, pool, forbidden, seed: id });
    if (wrong.length < 2) {
      out.skipped.push({ id, reason: 'không đủ phương án sai hợp lý / not enough plausible wrong amounts' });
      continue;
    }
    const title = row.kind === 'task' ? taskTitle(row.record) : `${row.record.row} ${row.record.name}`.trim();
    const what = row.kind === 'task' ? 'nhiệm vụ' : 'nhóm nhiệm vụ';
    const section = row.kind === 'task' ? taskSection(row.record) : `${r.appendix}, nhóm ${row.record.row || row.record.name}`;
    const headings = row.kind === 'task' ? row.record.group : row.record.path;
    out.drafts.push({
      id,
      stem: `Theo ${documentLabel(doc)}, ${r.appendix}, dự kiến tổng kinh phí của ${what} “${title}” là bao nhiêu?`,
      answer: `${formatVietnameseNumber(total)} ${BUDGET_UNIT}`,
      distractors: wrong.map((w) => `${formatVietnameseNumber(w.value)} ${BUDGET_UNIT}`),
      evidence: printed,
      explanation: `Theo ${documentLabel(doc)}, ${section} “${row.record.name}”: dự kiến tổng kinh phí “${printed}” ${BUDGET_UNIT}${byYearText(r.budget?.byYear ?? {})}.`,
      source: { doc: r.docId, section, lines: r.lines, recordId: r.id },
      topic: topicOf({ docId: r.docId, headings, text: title }),
      difficulty: 'hard',
      origin: 'generated',
      kind: 'budget',
    });
  }
  return out;
}
