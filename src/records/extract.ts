/**
 * The plans as structured, cited records: runs the extractor that fits each document's form
 * and merges in the reviewed data, so every appendix row and every objective target is a
 * typed record with its line range.
 *
 *  - tab-separated appendix tables (002, 004) → `extractTabAppendices`;
 *  - PDF-text appendix tables (001) → rows found by `splitPdfRows`; each row's fields come
 *    from the reviewed data when a person has checked it, otherwise from the best-effort split;
 *  - "Mục tiêu cụ thể" sections (001, 003, 004) → `extractObjectiveTargets`;
 *  - targets written elsewhere in prose (002) → reviewed data only;
 *  - "Tổ chức thực hiện" sections (all four) → `extractResponsibilities`, agencies resolved
 *    through the agency directory, plus reviewed responsibilities where the subject is too
 *    vague for it.
 *
 * Deterministic: the same documents and reviewed files give the same records in the same order.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedDocument } from '../kb/types.ts';
import { loadAgencyDirectory, type AgencyDirectory } from './agencies.ts';
import { extractObjectiveTargets, parseTargetValue } from './extractors/objectives.ts';
import { extractResponsibilities, namedIn } from './extractors/responsibilities.ts';
import { findPdfAppendices, splitPdfRows, splitTargetRow, splitTaskRow, type PdfAppendix, type PdfRow } from './extractors/pdf-appendix.ts';
import { extractTabAppendices } from './extractors/tab-appendix.ts';
import { appendixKey } from './extractors/text.ts';
import { loadReviewedRecords, type ReviewedFile, type ReviewedResponsibility, type ReviewedTarget, type ReviewedTask } from './reviewed.ts';
import {
  GroupRecordSchema,
  ResponsibilityRecordSchema,
  TargetRecordSchema,
  TaskRecordSchema,
  type RecordSet,
} from './schema.ts';

/** Label used in coverage for the targets found in a document's prose. */
export const PROSE_TARGETS = 'Mục tiêu (phần lời văn)';

/** Label used in coverage for the responsibilities of the "Tổ chức thực hiện" section. */
export const RESPONSIBILITIES = 'Tổ chức thực hiện';

export interface ExtractOptions {
  /**
   * Resolves the agencies of responsibility records. Default: `agencies.yaml` next to the
   * records folder (`knowledge/agencies.yaml` for `knowledge/records`), when it exists.
   */
  agencies?: AgencyDirectory;
}

/**
 * Extracts every task and target record of the documents, using the reviewed data in
 * `recordsDir` (missing folder = none).
 *
 * @example
 * const set = extractRecords(documents, 'knowledge/records');
 * set.tasks.find((t) => t.id === '002:PL:1.12')?.leadText // "Trung tâm CNTT&TT"
 */
export function extractRecords(documents: LoadedDocument[], recordsDir: string, options: ExtractOptions = {}): RecordSet {
  const reviewed = loadReviewedRecords(recordsDir);
  const set: RecordSet = { tasks: [], targets: [], groups: [], responsibilities: [], coverage: [], problems: [...reviewed.problems] };
  const agencies = options.agencies ?? defaultAgencies(recordsDir, set);
  const knownDocs = new Set(documents.map((d) => d.meta.id));
  for (const file of reviewed.files) {
    if (!knownDocs.has(file.docId)) set.problems.push({ file: file.file, message: `Không có văn bản mã "${file.docId}" / no document with id "${file.docId}"` });
  }
  const reviewedResponsibilities = reviewed.responsibilityFiles.flatMap((f) => f.responsibilities.map((entry) => ({ entry, file: f.file })));
  for (const { entry, file } of reviewedResponsibilities) {
    if (!knownDocs.has(entry.docId)) set.problems.push({ file, message: `Không có văn bản mã "${entry.docId}" / no document with id "${entry.docId}" (${entry.id})` });
  }
  for (const doc of documents) {
    const files = reviewed.files.filter((f) => f.docId === doc.meta.id);
    extractDocument(doc, files, set);
    extractDocumentResponsibilities(
      doc,
      reviewedResponsibilities.filter((r) => r.entry.docId === doc.meta.id),
      agencies,
      set,
    );
  }
  return set;
}

function defaultAgencies(recordsDir: string, set: RecordSet): AgencyDirectory | undefined {
  const path = join(dirname(recordsDir), 'agencies.yaml');
  if (!existsSync(path)) return undefined;
  try {
    return loadAgencyDirectory(path);
  } catch (error) {
    set.problems.push({ file: 'agencies.yaml', message: `Danh mục cơ quan lỗi / agency directory failed: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

/**
 * The "Tổ chức thực hiện" records of one document: extracted, then the reviewed entries
 * (same id = a correction, other ids are added), in line order, plus one coverage line.
 */
function extractDocumentResponsibilities(
  doc: LoadedDocument,
  reviewed: Array<{ entry: ReviewedResponsibility; file: string }>,
  agencies: AgencyDirectory | undefined,
  set: RecordSet,
): void {
  const { section, records, units } = extractResponsibilities(doc, agencies);
  const byId = new Map(records.map((r) => [r.id, r] as const));
  const resolve = (text: string): string[] => agencies?.resolve(text) ?? [];
  for (const { entry, file } of reviewed) {
    const agencyIds = entry.agencyIds ?? resolve(entry.agencyText);
    const unknown = agencies ? agencyIds.filter((id) => agencies.get(id) === undefined) : [];
    if (unknown.length > 0) {
      set.problems.push({ file, message: `${entry.id}: mã cơ quan không có trong danh mục / unknown agency ids: ${unknown.join(', ')}` });
      continue;
    }
    const parsed = ResponsibilityRecordSchema.safeParse({
      id: entry.id,
      docId: doc.meta.id,
      section: entry.section,
      agencyText: entry.agencyText,
      agencyIds,
      duties: entry.duties.map((d) => ({ text: d.text, lines: d.lines, namedIds: d.namedIds ?? namedIn(d.text, agencyIds, resolve) })),
      lines: entry.lines,
      origin: 'reviewed',
    });
    if (parsed.success) byId.set(entry.id, parsed.data);
    else set.problems.push({ file, message: `Bản ghi trách nhiệm không hợp lệ / invalid responsibility record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  }
  const merged = [...byId.values()].sort((a, b) => a.lines[0] - b.lines[0] || a.id.localeCompare(b.id));
  set.responsibilities.push(...merged);
  if (!section) return;
  const duties = merged.flatMap((r) => r.duties);
  const covered = units.filter((u) => duties.some((d) => d.lines[0] <= u.lines[1] && d.lines[1] >= u.lines[0])).length;
  set.coverage.push({
    docId: doc.meta.id,
    appendix: RESPONSIBILITIES,
    kind: 'responsibility',
    rows: units.length,
    records: covered,
    reviewed: merged.filter((r) => r.origin === 'reviewed').length,
  });
}

function extractDocument(doc: LoadedDocument, files: ReviewedFile[], set: RecordSet): void {
  const reviewedTasks = files.flatMap((f) => f.tasks.map((task) => ({ task, file: f.file })));
  const reviewedTargets = files.flatMap((f) => f.targets.map((target) => ({ target, file: f.file })));
  const usedTasks = new Set<ReviewedTask>();
  const usedTargets = new Set<ReviewedTarget>();

  // 1. Tab-separated tables; a reviewed entry with the same id replaces the extracted row.
  const tab = extractTabAppendices(doc);
  set.problems.push(...tab.problems);
  set.groups.push(...tab.groups);
  for (const coverage of tab.coverage) {
    const tasks = tab.tasks.filter((t) => t.appendix === coverage.appendix);
    let reviewedCount = 0;
    for (const task of tasks) {
      const match = reviewedTasks.find(({ task: r }) => !usedTasks.has(r) && reviewedId(doc, r) === task.id.replace(/#\d+$/, '') && r.appendix === task.appendix);
      if (match) {
        usedTasks.add(match.task);
        reviewedCount++;
        pushTask(set, doc, fromReviewedTask(doc, match.task, task.id, task.group, task.parentId));
      } else set.tasks.push(task);
    }
    set.coverage.push({ ...coverage, reviewed: reviewedCount });
  }

  // 2. PDF-text tables.
  for (const appendix of findPdfAppendices(doc)) {
    const { rows, groups } = splitPdfRows(doc, appendix);
    for (const group of groups) {
      const parsed = GroupRecordSchema.safeParse({
        id: `${doc.meta.id}:${appendix.key}:${group.key}`,
        docId: doc.meta.id,
        appendix: appendix.label,
        row: group.number,
        name: [group.rest, ...group.body.map(([, t]) => t)].join(' ').replace(/\s+/g, ' ').trim() || group.number,
        path: group.group,
        lines: [group.lineStart, group.lineEnd],
      });
      if (parsed.success) set.groups.push(parsed.data);
    }
    let reviewedCount = 0;
    let produced = 0;
    const occurrences = new Map<string, number>();
    for (const row of rows) {
      const label = row.key.replace(/#\d+$/, '');
      const count = (occurrences.get(label) ?? 0) + 1;
      occurrences.set(label, count);
      if (appendix.kind === 'task') {
        const match = nthMatch(reviewedTasks.map((r) => r.task), (r) => r.appendix === appendix.label && r.row === row.number, count);
        const id = `${doc.meta.id}:${appendix.key}:${row.key}`;
        if (match) {
          usedTasks.add(match);
          reviewedCount++;
          if (pushTask(set, doc, fromReviewedTask(doc, match, id, row.group))) produced++;
        } else if (pushTask(set, doc, fromPdfTaskRow(doc, appendix, row, id))) produced++;
      } else {
        const match = nthMatch(reviewedTargets.map((r) => r.target), (r) => r.appendix === appendix.label && r.row === label, count);
        const id = `${doc.meta.id}:PL${appendix.key}:${row.key}`;
        const year = /(?:năm|NĂM)\s*(\d{4})/u.exec(appendix.title)?.[1] ?? (/^\d{4}$/.test(doc.meta.period) ? doc.meta.period : '');
        if (match) {
          usedTargets.add(match);
          reviewedCount++;
          if (pushTarget(set, doc, fromReviewedTarget(doc, match, id, year))) produced++;
        } else if (pushTarget(set, doc, fromPdfTargetRow(doc, row, id, year))) produced++;
      }
    }
    set.coverage.push({ docId: doc.meta.id, appendix: appendix.label, kind: appendix.kind, rows: rows.length, records: produced, reviewed: reviewedCount });
  }

  // 3. Objectives sections, then reviewed prose targets (same id = a correction).
  const prose = extractObjectiveTargets(doc);
  let proseReviewed = 0;
  let r = 0;
  const reviewedProse = reviewedTargets.filter(({ target }) => !usedTargets.has(target) && target.appendix === undefined);
  const byId = new Map<string, ReviewedTarget>();
  for (const { target } of reviewedProse) byId.set(target.id ?? `${doc.meta.id}:target:r${++r}`, target);
  for (const target of prose) {
    const override = byId.get(target.id);
    if (override) {
      usedTargets.add(override);
      proseReviewed++;
      pushTarget(set, doc, fromReviewedTarget(doc, override, target.id, target.year));
      byId.delete(target.id);
    } else set.targets.push(target);
  }
  for (const [id, target] of byId) {
    usedTargets.add(target);
    proseReviewed++;
    pushTarget(set, doc, fromReviewedTarget(doc, target, id, ''));
  }
  if (prose.length + byId.size > 0) {
    const count = set.targets.filter((t) => t.docId === doc.meta.id && t.id.includes(':target:')).length;
    set.coverage.push({ docId: doc.meta.id, appendix: PROSE_TARGETS, kind: 'target', rows: count, records: count, reviewed: proseReviewed });
  }

  // 4. Reviewed entries that matched nothing in the document.
  for (const { task, file } of reviewedTasks) {
    if (!usedTasks.has(task)) set.problems.push({ file, message: `Dòng rà soát ${task.appendix} ${task.row} không có trong văn bản / reviewed row not found in the document` });
  }
  for (const { target, file } of reviewedTargets) {
    if (!usedTargets.has(target)) set.problems.push({ file, message: `Chỉ tiêu rà soát ${target.appendix ?? ''} ${target.row ?? target.id ?? ''} không có trong văn bản / reviewed target not found` });
  }
}

function nthMatch<T>(items: T[], predicate: (item: T) => boolean, n: number): T | undefined {
  return items.filter(predicate)[n - 1];
}

function reviewedId(doc: LoadedDocument, task: ReviewedTask): string {
  return task.id ?? `${doc.meta.id}:${appendixKey(task.appendix)}:${task.row}`;
}

function fromReviewedTask(doc: LoadedDocument, r: ReviewedTask, id: string, group: string[], parentId?: string): unknown {
  return {
    id,
    docId: doc.meta.id,
    appendix: r.appendix,
    row: r.row,
    group: r.group ?? group,
    name: r.name,
    content: r.content,
    leadText: r.leadText,
    coordinateText: r.coordinateText,
    period: r.period,
    ...(r.status ? { status: r.status } : {}),
    product: r.product,
    ...(r.budget ? { budget: r.budget } : {}),
    legalBasis: r.legalBasis,
    lines: r.lines,
    origin: 'reviewed',
    ...(parentId ? { parentId } : {}),
  };
}

function fromPdfTaskRow(doc: LoadedDocument, appendix: PdfAppendix, row: PdfRow, id: string): unknown {
  const fields = splitTaskRow(row);
  return {
    id,
    docId: doc.meta.id,
    appendix: appendix.label,
    row: row.number,
    group: row.group,
    ...fields,
    name: fields.name || `${appendix.label} ${row.number}`,
    lines: [row.lineStart, row.lineEnd],
    origin: 'extracted',
  };
}

function fromReviewedTarget(doc: LoadedDocument, r: ReviewedTarget, id: string, year: string): unknown {
  const parsed = parseTargetValue(r.text);
  return {
    id: r.id ?? id,
    docId: doc.meta.id,
    group: r.group,
    text: r.text,
    ...(r.value !== undefined ? { value: r.value } : parsed.value !== undefined ? { value: parsed.value } : {}),
    ...(r.valueMax !== undefined ? { valueMax: r.valueMax } : r.value === undefined && parsed.valueMax !== undefined ? { valueMax: parsed.valueMax } : {}),
    unit: r.unit ?? parsed.unit,
    comparator: r.comparator ?? parsed.comparator,
    year: r.year || year,
    monitorText: r.monitorText,
    leadText: r.leadText,
    lines: r.lines,
    origin: 'reviewed',
  };
}

function fromPdfTargetRow(doc: LoadedDocument, row: PdfRow, id: string, year: string): unknown {
  const fields = splitTargetRow(row);
  return {
    id,
    docId: doc.meta.id,
    group: row.group[row.group.length - 1]?.replace(/^[IVX]+\s+/, '') ?? '',
    ...fields,
    ...parseTargetValue(fields.text),
    year,
    lines: [row.lineStart, row.lineEnd],
    origin: 'extracted',
  };
}

function pushTask(set: RecordSet, doc: LoadedDocument, candidate: unknown): boolean {
  const parsed = TaskRecordSchema.safeParse(candidate);
  if (parsed.success) {
    set.tasks.push(parsed.data);
    return true;
  }
  set.problems.push({ file: doc.meta.file, message: `Bản ghi nhiệm vụ không hợp lệ / invalid task record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  return false;
}

function pushTarget(set: RecordSet, doc: LoadedDocument, candidate: unknown): boolean {
  const parsed = TargetRecordSchema.safeParse(candidate);
  if (parsed.success) {
    set.targets.push(parsed.data);
    return true;
  }
  set.problems.push({ file: doc.meta.file, message: `Bản ghi chỉ tiêu không hợp lệ / invalid target record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  return false;
}

/** What `recordsSummary` gives the build report. */
export interface RecordsSummary {
  tasks: number;
  targets: number;
  groups: number;
  responsibilities: number;
  /** Share of appendix rows that became records, over all appendices (1 = 100%). */
  coverage: number;
  /** One line per appendix, then one line per problem: ready to print. */
  lines: string[];
}

/**
 * A short report of a record set for `kb:build`: counts, and per appendix "rows seen →
 * records (reviewed)", so the build can say "100% of table rows are records".
 *
 * @example for (const line of recordsSummary(set).lines) console.log(line);
 */
export function recordsSummary(set: RecordSet): RecordsSummary {
  // Table rows and targets only: the prose of "Tổ chức thực hiện" has its own lines below.
  const tables = set.coverage.filter((c) => c.kind !== 'responsibility');
  const rows = tables.reduce((a, c) => a + c.rows, 0);
  const records = tables.reduce((a, c) => a + Math.min(c.records, c.rows), 0);
  const coverage = rows === 0 ? 1 : records / rows;
  const duties = set.responsibilities.reduce((n, r) => n + r.duties.length, 0);
  const lines = [
    `Bản ghi: ${set.tasks.length} nhiệm vụ, ${set.targets.length} chỉ tiêu, ${set.groups.length} nhóm, ${set.responsibilities.length} trách nhiệm (${duties} đầu việc); ${Math.round(coverage * 1000) / 10}% dòng bảng/chỉ tiêu thành bản ghi`,
    ...tables.map(
      (c) => `  ${c.docId} ${c.appendix} (${c.kind === 'task' ? 'nhiệm vụ' : 'chỉ tiêu'}): ${c.records}/${c.rows} dòng${c.reviewed > 0 ? `, ${c.reviewed} đã rà soát` : ''}`,
    ),
    ...set.coverage
      .filter((c) => c.kind === 'responsibility')
      .map((c) => {
        const n = set.responsibilities.filter((r) => r.docId === c.docId).length;
        return `  ${c.docId} ${c.appendix} (trách nhiệm): ${n} bản ghi; ${c.records}/${c.rows} đoạn thành đầu việc${c.reviewed > 0 ? `, ${c.reviewed} đã rà soát` : ''}`;
      }),
    ...set.problems.map((p) => `  LƯU Ý ${p.file}: ${p.message}`),
  ];
  return { tasks: set.tasks.length, targets: set.targets.length, groups: set.groups.length, responsibilities: set.responsibilities.length, coverage, lines };
}
