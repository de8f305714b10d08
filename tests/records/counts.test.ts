/**
 * How many records each appendix and objectives section gives, counted by eye in the source
 * files and stated here, so a change in extraction that loses or invents a row is noticed:
 *
 *  - 001 Phụ lục I: 20 targets (12 chính quyền số, 4 kinh tế số, 4 xã hội số);
 *  - 001 Phụ lục II: 2 tasks; Phụ lục III: 77 rows (1.1 … 10.3; 4.4.4 printed twice, no 4.12);
 *  - 002 Phụ lục: 36 rows (1.1–1.32, 2.1–2.3, 3.1);
 *  - 004 Phụ lục 1: 29 rows including sub-rows a), b), c) and one unnumbered row;
 *    Phụ lục 2: 9 rows including one unnumbered row (38 in all);
 *  - targets in prose: 001 §I.2 20, 002 32 (reviewed), 003 §2.2 8, 004 §II.2 13.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import type { LoadedDocument } from '../../src/kb/types.ts';
import { PROSE_TARGETS, extractRecords, recordsSummary } from '../../src/records/extract.ts';
import type { RecordSet } from '../../src/records/schema.ts';
import { REPO_ROOT, SOURCES_DIR } from '../kb/helpers.ts';

const RECORDS_DIR = join(REPO_ROOT, 'knowledge', 'records');
let documents: LoadedDocument[] = [];
let set: RecordSet;

beforeAll(async () => {
  documents = (await loadKnowledgeSources(SOURCES_DIR)).documents;
  set = extractRecords(documents, RECORDS_DIR);
});

describe('rows per appendix: every table row is a record', () => {
  test.each([
    { doc: '001', appendix: 'Phụ lục I', kind: 'target', rows: 20, reviewed: 20 },
    { doc: '001', appendix: 'Phụ lục II', kind: 'task', rows: 2, reviewed: 2 },
    { doc: '001', appendix: 'Phụ lục III', kind: 'task', rows: 77, reviewed: 77 },
    { doc: '002', appendix: 'Phụ lục', kind: 'task', rows: 36, reviewed: 0 },
    { doc: '004', appendix: 'Phụ lục 1', kind: 'task', rows: 29, reviewed: 0 },
    { doc: '004', appendix: 'Phụ lục 2', kind: 'task', rows: 9, reviewed: 0 },
  ])('$doc $appendix: $rows rows → $rows records ($reviewed reviewed)', ({ doc, appendix, kind, rows, reviewed }) => {
    const coverage = set.coverage.find((c) => c.docId === doc && c.appendix === appendix);
    expect(coverage).toEqual({ docId: doc, appendix, kind, rows, records: rows, reviewed });
    const records = kind === 'task'
      ? set.tasks.filter((t) => t.docId === doc && t.appendix === appendix)
      : set.targets.filter((t) => t.docId === doc && t.id.startsWith(`${doc}:PLI:`));
    expect(records).toHaveLength(rows);
  });

  test('Phụ lục I by group: 12 chính quyền số, 4 kinh tế số, 4 xã hội số', () => {
    const table = set.targets.filter((t) => t.id.startsWith('001:PLI:'));
    const byGroup = Object.fromEntries(['Phát triển chính quyền số', 'Phát triển kinh tế số', 'Phát triển xã hội số'].map((g) => [g, table.filter((t) => t.group === g).length]));
    expect(byGroup).toEqual({ 'Phát triển chính quyền số': 12, 'Phát triển kinh tế số': 4, 'Phát triển xã hội số': 4 });
  });

  test('004 lettered sub-rows and unnumbered rows are counted', () => {
    expect(set.tasks.filter((t) => t.docId === '004' && t.parentId !== undefined)).toHaveLength(3);
    expect(set.tasks.filter((t) => t.docId === '004' && t.row.includes('(không số)'))).toHaveLength(2);
    expect(set.tasks.filter((t) => t.docId === '004')).toHaveLength(38);
  });

  test('group rows: 001 Phụ lục III has 10 sections and 12 fields; 004 has 12 groups', () => {
    expect(set.groups.filter((g) => g.docId === '001' && g.appendix === 'Phụ lục III')).toHaveLength(22);
    expect(set.groups.filter((g) => g.docId === '004')).toHaveLength(12);
  });
});

describe('targets in prose per document', () => {
  test.each([
    { doc: '001', count: 20, reviewed: 0 },
    { doc: '002', count: 32, reviewed: 32 },
    { doc: '003', count: 8, reviewed: 0 },
    { doc: '004', count: 13, reviewed: 0 },
  ])('$doc: $count targets', ({ doc, count, reviewed }) => {
    expect(set.coverage.find((c) => c.docId === doc && c.appendix === PROSE_TARGETS)).toEqual({
      docId: doc,
      appendix: PROSE_TARGETS,
      kind: 'target',
      rows: count,
      records: count,
      reviewed,
    });
    expect(set.targets.filter((t) => t.docId === doc && t.id.includes(':target:'))).toHaveLength(count);
  });

  test('every target carries a value', () => {
    expect(set.targets.filter((t) => t.value === undefined).map((t) => t.id)).toEqual([]);
  });
});

describe('the set as a whole', () => {
  test('totals: 153 tasks, 93 targets, 100% coverage in the build summary', () => {
    const summary = recordsSummary(set);
    expect(summary).toMatchObject({ tasks: 153, targets: 93, coverage: 1 });
    expect(summary.lines[0]).toContain('100% dòng bảng/chỉ tiêu thành bản ghi');
    expect(summary.lines).toContain('  001 Phụ lục III (nhiệm vụ): 77/77 dòng, 77 đã rà soát');
  });

  test('ids are unique', () => {
    const ids = [...set.tasks.map((t) => t.id), ...set.targets.map((t) => t.id), ...set.groups.map((g) => g.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every reviewed entry matched a row; the only notes are the document\'s own figures', () => {
    const unexplained = set.problems.filter((p) => !/^(Số liệu văn bản không khớp|Dòng \d+: kinh phí .* in ở cột)/u.test(p.message));
    expect(unexplained).toEqual([]);
    expect(set.problems).toHaveLength(9);
    expect(set.problems.every((p) => p.file === '004-de-an-10.md')).toBe(true);
  });

  test('deterministic: the same inputs give the same records', () => {
    expect(extractRecords(documents, RECORDS_DIR)).toEqual(set);
  });

  test('without reviewed data, 001 still gets one record per row (best effort, marked extracted)', () => {
    const bare = extractRecords(documents, join(REPO_ROOT, 'knowledge', 'no-such-folder'));
    const rows = bare.tasks.filter((t) => t.docId === '001');
    expect(rows).toHaveLength(79);
    expect(rows.every((t) => t.origin === 'extracted')).toBe(true);
    expect(bare.targets.filter((t) => t.docId === '002')).toHaveLength(0);
  });
});
