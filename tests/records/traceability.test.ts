/**
 * Every record is traceable to its lines: each text field (name, content, lead and
 * coordinating units, period, product, legal basis, budget numbers as printed; target text,
 * monitoring and carrying-out agencies) occurs within the line range the record cites,
 * compared exactly apart from whitespace, line breaks and markup. Reviewed data typed by a
 * person therefore cannot drift from the document: edit the source, and this test points at
 * the record and field that no longer match.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import type { LoadedDocument } from '../../src/kb/types.ts';
import { extractRecords } from '../../src/records/extract.ts';
import { budgetNumbers, traceField, traceResponsibility, traceTarget, traceTask } from '../../src/records/extractors/trace.ts';
import { loadReviewedRecords } from '../../src/records/reviewed.ts';
import type { RecordSet } from '../../src/records/schema.ts';
import { REPO_ROOT, SOURCES_DIR } from '../kb/helpers.ts';

const RECORDS_DIR = join(REPO_ROOT, 'knowledge', 'records');
const docs = new Map<string, LoadedDocument>();
let set: RecordSet;

beforeAll(async () => {
  const { documents } = await loadKnowledgeSources(SOURCES_DIR);
  for (const doc of documents) docs.set(doc.meta.id, doc);
  set = extractRecords(documents, RECORDS_DIR);
});

function linesOf(docId: string): string[] {
  const doc = docs.get(docId);
  if (!doc) throw new Error(`document ${docId} not loaded`);
  return doc.lines;
}

describe('every record traces to its lines', () => {
  test.each(['001', '002', '003', '004'])('tasks of %s', (docId) => {
    const tasks = set.tasks.filter((t) => t.docId === docId);
    const failures = tasks.flatMap((t) => traceTask(t, linesOf(docId)));
    expect(failures).toEqual([]);
  });

  test.each(['001', '002', '003', '004'])('targets of %s', (docId) => {
    const targets = set.targets.filter((t) => t.docId === docId);
    const failures = targets.flatMap((t) => traceTarget(t, linesOf(docId)));
    expect(failures).toEqual([]);
  });

  test.each(['001', '002', '003', '004'])('responsibilities of %s: agency text and every duty within their lines', (docId) => {
    const records = set.responsibilities.filter((r) => r.docId === docId);
    expect(records.length).toBeGreaterThan(0);
    const failures = records.flatMap((r) => traceResponsibility(r, linesOf(docId)));
    expect(failures).toEqual([]);
  });

  test('line ranges are inside their documents and every record has some text', () => {
    for (const r of [...set.tasks, ...set.targets, ...set.groups, ...set.responsibilities]) {
      const [from, to] = r.lines;
      expect(from, r.id).toBeLessThanOrEqual(to);
      expect(to, r.id).toBeLessThanOrEqual(linesOf(r.docId).length);
    }
  });

  test('the row number a task cites is printed on its first line', () => {
    for (const t of set.tasks.filter((x) => !x.row.includes('(không số)'))) {
      const printed = t.parentId ? t.row.slice(t.row.lastIndexOf('.') + 1) : t.row;
      const first = linesOf(t.docId)[t.lines[0] - 1] ?? '';
      expect(first.trimStart().startsWith(printed), `${t.id}: "${first.slice(0, 30)}"`).toBe(true);
    }
  });

  test('reviewed data: every entry of knowledge/records is used, so all of it was traced above', () => {
    const { files, problems } = loadReviewedRecords(RECORDS_DIR);
    expect(problems).toEqual([]);
    const reviewedTasks = files.reduce((n, f) => n + f.tasks.length, 0);
    const reviewedTargets = files.reduce((n, f) => n + f.targets.length, 0);
    expect(set.tasks.filter((t) => t.origin === 'reviewed')).toHaveLength(reviewedTasks);
    expect(set.targets.filter((t) => t.origin === 'reviewed')).toHaveLength(reviewedTargets);
    const reviewedResponsibilities = loadReviewedRecords(RECORDS_DIR).responsibilityFiles.reduce((n, f) => n + f.responsibilities.length, 0);
    expect(reviewedResponsibilities).toBeGreaterThan(0);
    expect(set.responsibilities.filter((r) => r.origin === 'reviewed')).toHaveLength(reviewedResponsibilities);
  });
});

describe('the tracer catches drift', () => {
  test('a lead unit from another row is refused', () => {
    const pacs = set.tasks.find((t) => t.id === '001:III:4.2.2');
    if (!pacs) throw new Error('4.2.2 missing');
    expect(traceTask(pacs, linesOf('001'))).toEqual([]);
    expect(traceTask({ ...pacs, leadText: 'Sở TT&TT' }, linesOf('001')).map((f) => f.field)).toEqual(['leadText']);
  });

  test('no diacritic or abbreviation folding: "Sở TTTT" is not "Sở TT&TT", "Sở Y Tế" is not "Sở Y tế"', () => {
    const lines = linesOf('001');
    expect(traceField('Sở TT&TT', lines, [1355, 1380]).ok).toBe(true);
    expect(traceField('Sở TTTT', lines, [1355, 1380]).ok).toBe(false);
    expect(traceField('Sở Y tế', lines, [1564, 1590]).ok).toBe(true);
    expect(traceField('Sở Y Tế', lines, [1564, 1590]).ok).toBe(false);
  });

  test('a duty moved to another agency\'s lines, or a changed deadline, is refused', () => {
    const lines = linesOf('001');
    const finance = set.responsibilities.find((r) => r.id === '001:TCTH:2');
    const others = set.responsibilities.find((r) => r.id === '001:TCTH:3');
    if (!finance || !others) throw new Error('001 responsibilities missing');
    expect(traceResponsibility(finance, lines)).toEqual([]);
    const moved = { ...finance, duties: [{ ...others.duties[2]!, lines: finance.duties[0]!.lines }] };
    expect(traceResponsibility(moved, lines).map((f) => f.field)).toEqual(['duties[0]']);
    const deadline = { ...others, duties: others.duties.map((d) => ({ ...d, text: d.text.replace('trước ngày 20', 'trước ngày 25') })) };
    expect(traceResponsibility(deadline, lines).map((f) => f.field)).toEqual(['duties[2]']);
    const outside = { ...finance, duties: [{ ...finance.duties[0]!, lines: [617, 619] as [number, number] }] };
    expect(traceResponsibility(outside, lines).map((f) => f.field)).toContain('duties[0].lines');
  });

  test('a changed budget figure is refused; figures are traced as printed', () => {
    const task = set.tasks.find((t) => t.id === '004:PL1:I.2');
    if (!task?.budget) throw new Error('004 I.2 missing');
    expect(budgetNumbers(task.budget.text)).toEqual(['5.820', '5.820']);
    const changed = { ...task, budget: { ...task.budget, text: '5.280 (2024: 5.280)' } };
    expect(traceTask(changed, linesOf('004')).map((f) => f.field)).toEqual(['budget[0]', 'budget[1]']);
  });

  test('a wrapped cell traces in pieces; a field outside the cited lines does not', () => {
    const lines = linesOf('002');
    const wrapped = traceField('Kế hoạch đào tạo tập huấn nâng cao nhận thức về chuyển đổi số cho cán bộ công chức viên chức', lines, [256, 258]);
    expect(wrapped).toMatchObject({ ok: true, pieces: 2 });
    expect(traceField('Trung tâm dữ liệu chuyển đổi số', lines, [256, 258]).ok).toBe(false);
  });
});
