/**
 * The checks every quiz question passes before it can be asked: shape, one right option,
 * distinct options, a source that exists, a right option traceable to a record field or to
 * the cited lines, wrong options that are really wrong, an explanation that quotes the
 * document, and a stem that names the document whenever another document answers the same
 * question differently.
 *
 * Why so strict: a trainer shows these questions to a room of civil servants; a question
 * that is wrong, or right only in one plan, teaches the wrong thing to all of them.
 */
import type { DocumentMeta } from '../kb/types.ts';
import type { AgencyDirectory } from '../records/agencies.ts';
import type { RecordSet, TargetRecord, TaskRecord } from '../records/schema.ts';
import { documentsNamedIn, foldTokens, keyContains, linesText, numbersIn, optionKey, quotedPassages, textKey } from './bank-text.ts';
import { QuizQuestionSchema, type QuizQuestion } from './schema.ts';

/** What a question is checked against. */
export interface QuizCheckContext {
  documents: readonly DocumentMeta[];
  /** Lines of a document's source file (1-based line n = index n - 1). */
  sourceLines: (docId: string) => readonly string[];
  /** The plans' records; questions citing a record are checked against its fields. */
  records?: RecordSet;
  /** Resolves unit names, for lead and monitor questions. */
  agencies?: AgencyDirectory;
}

type AnyRecord = { kind: 'task'; record: TaskRecord } | { kind: 'target'; record: TargetRecord } | { kind: 'group'; record: RecordSet['groups'][number] };

interface ContextIndex {
  records: Map<string, AnyRecord>;
  /** Per document: folded tokens of each window of 3 lines starting at each line. */
  windows: Map<string, Array<Set<string>>>;
}

const indexes = new WeakMap<QuizCheckContext, ContextIndex>();

function indexOf(ctx: QuizCheckContext): ContextIndex {
  let index = indexes.get(ctx);
  if (index === undefined) {
    const records = new Map<string, AnyRecord>();
    for (const record of ctx.records?.tasks ?? []) records.set(record.id, { kind: 'task', record });
    for (const record of ctx.records?.targets ?? []) records.set(record.id, { kind: 'target', record });
    for (const record of ctx.records?.groups ?? []) records.set(record.id, { kind: 'group', record });
    index = { records, windows: new Map() };
    indexes.set(ctx, index);
  }
  return index;
}

function windowsOf(ctx: QuizCheckContext, docId: string): Array<Set<string>> {
  const index = indexOf(ctx);
  let windows = index.windows.get(docId);
  if (windows === undefined) {
    const tokens = ctx.sourceLines(docId).map((l) => foldTokens(l));
    windows = tokens.map((t, i) => new Set([...t, ...(tokens[i + 1] ?? []), ...(tokens[i + 2] ?? [])]));
    index.windows.set(docId, windows);
  }
  return windows;
}

/** Words that say nothing about a stem's subject ("Theo …, đơn vị nào …?"). Folded. */
const STOP = new Set(
  'theo cua la gi nao bao nhieu duoc co cac va cho trong nhung don vi voi ve thi ai dau khi tai nay do mot sau ra phai hay hoac khong may nam den tu tren de se da tinh bac giang nhu the sao muc tieu nhiem vu'.split(' '),
);

/** Text fields of a record that an explanation may quote. */
function recordTexts(r: AnyRecord): string[] {
  switch (r.kind) {
    case 'task':
      return [r.record.name, r.record.content, r.record.leadText, r.record.coordinateText, r.record.period, r.record.product, r.record.legalBasis, r.record.budget?.text ?? ''];
    case 'target':
      return [r.record.text, r.record.monitorText, r.record.leadText];
    case 'group':
      return [r.record.name, r.record.leadText, r.record.budget?.text ?? ''];
  }
}

/**
 * True when `text` is one of the record's fields. Why: the 2024 plan's tables come out of
 * the PDF with their columns interleaved line by line, so a reviewed field ("Sở TN&MT")
 * can be printed in pieces ("Sở …" on one line, "TN&MT" twenty lines below).
 */
function isRecordField(r: AnyRecord, text: string): boolean {
  const key = textKey(text);
  return key !== '' && recordTexts(r).some((f) => textKey(f) === key);
}

/** True when the tokens of `needle` occur in `haystack` in the same order (other text may come between). */
function inOrder(haystack: string, needle: string): boolean {
  const hay = foldTokens(haystack);
  let at = 0;
  for (const t of foldTokens(needle)) {
    const found = hay.indexOf(t, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

/** Numbers an option states, leaving out "per N" parts of units ("thiết bị/100 dân"). */
function optionNumbers(option: string): number[] {
  return numbersIn(option.replace(/\/\s*\d+/g, ' '));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Share of `a`'s subject tokens found in `b` (0–1). */
function containment(a: string, b: string): number {
  const sa = new Set(foldTokens(a).filter((t) => t.length > 1 && !/^\d/.test(t)));
  if (sa.size === 0) return 0;
  const sb = new Set(foldTokens(b));
  let n = 0;
  for (const t of sa) if (sb.has(t)) n++;
  return n / sa.size;
}

/**
 * Every problem of one question; an empty list means it may be asked.
 *
 * @example checkQuestion(question, { documents, sourceLines, records, agencies }) // []
 */
export function checkQuestion(q: QuizQuestion, ctx: QuizCheckContext): string[] {
  const parsed = QuizQuestionSchema.safeParse(q);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(câu hỏi)'}: ${i.message}`);
  const problems: string[] = [];
  const correct = q.options[q.correct];
  if (correct === undefined) return [`correct ${q.correct} ngoài danh sách ${q.options.length} phương án / correct index out of range`];
  const wrong = q.options.filter((_, i) => i !== q.correct);

  // Distinct options.
  const keys = q.options.map(optionKey);
  if (new Set(keys).size !== keys.length) problems.push('có phương án trùng nhau (bỏ dấu, hoa thường, khoảng trắng) / options not distinct');
  if (keys.some((k) => k === '')) problems.push('phương án rỗng / empty option');

  // The source exists and its lines are inside the file.
  const doc = ctx.documents.find((d) => d.id === q.source.doc);
  if (doc === undefined) return [...problems, `không có văn bản mã "${q.source.doc}" / unknown document`];
  const lines = ctx.sourceLines(doc.id);
  const [from, to] = q.source.lines;
  if (from > to || to > lines.length) return [...problems, `dòng ${from}-${to} ngoài văn bản ${doc.id} (${lines.length} dòng) / line range outside the file`];
  const cited = linesText(lines, q.source.lines);

  // The record it cites, if any.
  const index = indexOf(ctx);
  const record = q.source.recordId !== undefined ? index.records.get(q.source.recordId) : undefined;
  if (q.source.recordId !== undefined && ctx.records !== undefined && record === undefined) problems.push(`không có bản ghi "${q.source.recordId}" / unknown record`);
  if (record !== undefined) {
    const [ra, rb] = record.record.lines;
    if (record.record.docId !== doc.id || rb < from || ra > to) problems.push(`bản ghi ${q.source.recordId} không nằm trong dòng trích dẫn / record outside the cited lines`);
  }

  // The right option is printed in the cited lines.
  const evidence = q.evidence ?? correct;
  if (!keyContains(cited, evidence) && !(record !== undefined && isRecordField(record, evidence) && inOrder(cited, evidence))) problems.push(`đáp án “${evidence}” không có trong dòng ${from}-${to} của văn bản ${doc.id} / correct option not found in the cited lines`);

  // The stem does not give the answer away.
  if (foldTokens(correct).length > 0 && keyContains(q.stem, correct)) problems.push('câu hỏi đã chứa đáp án / the stem contains the answer');

  // The explanation quotes the document.
  problems.push(...explanationProblems(q, cited, record, doc, ctx));

  // Record-backed kinds: the right option is the record's field, the wrong ones are not.
  if (record !== undefined) problems.push(...recordProblems(q, correct, wrong, record, ctx));

  // Naming the document.
  problems.push(...documentProblems(q, evidence, record, ctx));
  return problems;
}

function explanationProblems(q: QuizQuestion, cited: string, record: AnyRecord | undefined, doc: DocumentMeta, ctx: QuizCheckContext): string[] {
  const quotes = quotedPassages(q.explanation);
  if (quotes.length === 0) return ['lời giải thích không trích dẫn văn bản (“…”) / the explanation quotes nothing'];
  const named = documentsNamedIn(q.stem, ctx.documents);
  const metas = ctx.documents.filter((d) => d.id === doc.id || named.includes(d.id));
  const allowed = [cited, ...(record ? recordTexts(record) : []), ...metas.flatMap((d) => [d.title, d.shortName, d.number, d.issuer, d.signer, d.date, d.period])];
  const out: string[] = [];
  for (const quote of quotes) {
    // "…" in a quotation marks words left out: each piece must be quoted exactly.
    const pieces = quote.split(/…|\.\.\.(?=\s)/).filter((p) => foldTokens(p).length > 0);
    if (pieces.length === 0) continue;
    if (!allowed.some((a) => pieces.every((p) => keyContains(a, p)))) out.push(`trích dẫn “${quote.slice(0, 60)}” không có trong nguồn / quoted text not found in the source`);
  }
  return out;
}

function recordProblems(q: QuizQuestion, correct: string, wrong: readonly string[], r: AnyRecord, ctx: QuizCheckContext): string[] {
  const out: string[] = [];
  const dir = ctx.agencies;
  const resolve = (text: string): string[] => dir?.resolve(text) ?? [];
  const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
  if (q.kind === 'lead-unit' && r.kind === 'task' && dir !== undefined) {
    const leads = resolve(r.record.leadText);
    const parent = r.record.parentId !== undefined ? indexOf(ctx).records.get(r.record.parentId) : undefined;
    const named = new Set([...leads, ...resolve(r.record.coordinateText), ...(parent?.kind === 'task' ? resolve(parent.record.leadText) : [])]);
    if (!sameSet(resolve(correct), leads)) out.push(`đáp án “${correct}” không phải đơn vị chủ trì “${r.record.leadText}” / correct option is not the record's lead`);
    for (const w of wrong) {
      if (resolve(w).some((a) => named.has(a))) out.push(`phương án sai “${w}” cũng được giao trong dòng này / a wrong option leads or coordinates the row`);
    }
    if (resolve(q.stem).some((a) => leads.includes(a))) out.push('câu hỏi đã nêu đơn vị chủ trì / the stem names the lead unit');
  }
  if (q.kind === 'target-monitor' && r.kind === 'target' && dir !== undefined) {
    const monitors = resolve(r.record.monitorText);
    const named = new Set([...monitors, ...resolve(r.record.leadText)]);
    if (!sameSet(resolve(correct), monitors)) out.push(`đáp án “${correct}” không phải cơ quan theo dõi “${r.record.monitorText}” / correct option is not the monitoring agency`);
    for (const w of wrong) if (resolve(w).some((a) => named.has(a))) out.push(`phương án sai “${w}” có tên trong dòng này / a wrong option is named in the row`);
    if (resolve(q.stem).some((a) => monitors.includes(a))) out.push('câu hỏi đã nêu cơ quan theo dõi / the stem names the monitoring agency');
  }
  if (q.kind === 'target-value' && r.kind === 'target') {
    const truth = r.record.valueMax !== undefined ? [r.record.value ?? NaN, r.record.valueMax] : [r.record.value ?? NaN];
    if (!sameNumbers(optionNumbers(correct), truth)) out.push(`đáp án “${correct}” khác giá trị chỉ tiêu ${truth.join('–')} / correct option is not the target's value`);
    const shown = new Set(optionNumbers(q.stem));
    for (const w of wrong) {
      const n = optionNumbers(w);
      if (sameNumbers(n, truth)) out.push(`phương án sai “${w}” bằng giá trị chỉ tiêu / a wrong option equals the target's value`);
      if (n.some((x) => shown.has(x))) out.push(`phương án sai “${w}” là một số có trong câu hỏi / a wrong option is a number the stem shows`);
    }
  }
  if (q.kind === 'budget' && (r.kind === 'task' || r.kind === 'group')) {
    const total = r.record.budget?.total;
    if (total === undefined || !sameNumbers(optionNumbers(correct), [total])) out.push(`đáp án “${correct}” khác tổng kinh phí ${total ?? '(không có)'} / correct option is not the budget total`);
    for (const w of wrong) if (total !== undefined && sameNumbers(optionNumbers(w), [total])) out.push(`phương án sai “${w}” bằng tổng kinh phí / a wrong option equals the total`);
  }
  return out;
}

function documentProblems(q: QuizQuestion, evidence: string, record: AnyRecord | undefined, ctx: QuizCheckContext): string[] {
  const named = documentsNamedIn(q.stem, ctx.documents);
  if (q.kind === 'document-fact') return named.length === 0 ? ['câu hỏi về văn bản phải nêu tên văn bản / a document-fact stem must name the document'] : [];
  if (named.length > 0) {
    return named.includes(q.source.doc) ? [] : [`câu hỏi nêu văn bản ${named.join(', ')} nhưng nguồn là ${q.source.doc} / the stem names another document than the source`];
  }
  const others = ctx.documents.filter((d) => d.id !== q.source.doc);
  const out: string[] = [];
  const dir = ctx.agencies;
  if (record?.kind === 'task' && dir !== undefined) {
    const leads = dir.resolve(record.record.leadText).sort().join(',');
    for (const t of ctx.records?.tasks ?? []) {
      if (t.docId === record.record.docId || !others.some((d) => d.id === t.docId)) continue;
      if (Math.min(containment(record.record.name, t.name), containment(t.name, record.record.name)) < 0.7) continue;
      const theirs = dir.resolve(t.leadText).sort().join(',');
      if (theirs !== '' && theirs !== leads) out.push(`văn bản ${t.docId} (${t.id}) giao cùng nhiệm vụ cho “${t.leadText}”: câu hỏi phải nêu tên văn bản / another document assigns the same task differently; name the document`);
    }
  }
  if (record?.kind === 'target') {
    for (const t of ctx.records?.targets ?? []) {
      if (t.docId === record.record.docId || t.value === undefined) continue;
      if (Math.min(containment(record.record.text, t.text), containment(t.text, record.record.text)) < 0.7) continue;
      if (t.value !== record.record.value || t.year !== record.record.year) out.push(`văn bản ${t.docId} (${t.id}) đặt chỉ tiêu tương tự khác giá trị/năm: câu hỏi phải nêu tên văn bản / another document sets a similar target differently; name the document`);
    }
  }
  out.push(...similarPassageProblems(q, evidence, ctx));
  return [...new Set(out)];
}

/**
 * A stem that names no document must not be about something another document also
 * covers without this answer: finds windows of 3 lines in the other documents holding
 * ≥ 70% of the stem's subject words, and fails if the answer is not printed near them.
 */
function similarPassageProblems(q: QuizQuestion, evidence: string, ctx: QuizCheckContext): string[] {
  const subject = [...new Set(foldTokens(q.stem).filter((t) => t.length > 1 && !STOP.has(t)))];
  if (subject.length < 4) return [];
  const evidenceKey = textKey(evidence);
  const out: string[] = [];
  for (const d of ctx.documents) {
    if (d.id === q.source.doc) continue;
    const windows = windowsOf(ctx, d.id);
    const lines = ctx.sourceLines(d.id);
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i] as Set<string>;
      let hits = 0;
      for (const t of subject) if (window.has(t)) hits++;
      if (hits / subject.length < 0.7) continue;
      const around = textKey(lines.slice(Math.max(0, i - 3), i + 6).join('\n'));
      if (!around.includes(evidenceKey)) {
        out.push(`văn bản ${d.id} (dòng ${i + 1}-${i + 3}) nói về cùng nội dung mà không có đáp án này: câu hỏi phải nêu tên văn bản / document ${d.id} covers the same subject without this answer; name the document`);
        break;
      }
    }
  }
  return out;
}
