/**
 * Question generators on small fixtures, as a trainer would check a question: the blank
 * hides the right number, no wrong option is also right, wrong units are of the same kind
 * and never a unit the row names, disputed budget rows are left out, and the same input
 * always gives the same question with the same option order.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DocumentMeta } from '../../src/kb/types.ts';
import { loadAgencyDirectory } from '../../src/records/agencies.ts';
import { TargetRecordSchema, TaskRecordSchema, type RecordSet, type TargetRecord, type TaskRecord } from '../../src/records/schema.ts';
import { checkQuestion } from '../../src/quiz/bank.ts';
import { numbersIn, optionKey } from '../../src/quiz/bank-text.ts';
import { generateBudgetQuestions } from '../../src/quiz/generators/budgets.ts';
import { finalizeDraft, seededShuffle, type QuestionDraft } from '../../src/quiz/generators/common.ts';
import { generateDocumentFactQuestions } from '../../src/quiz/generators/document-facts.ts';
import { generateLeadQuestions } from '../../src/quiz/generators/leads.ts';
import { topicOf } from '../../src/quiz/generators/topics.ts';
import {
  BLANK,
  blankedText,
  findValueSpans,
  formatTargetValue,
  generateMonitorQuestions,
  generateTargetQuestions,
  valueDistractors,
} from '../../src/quiz/generators/targets.ts';
import { makeMeta, REPO_ROOT } from '../kb/helpers.ts';

const agencies = loadAgencyDirectory(join(REPO_ROOT, 'knowledge', 'agencies.yaml'));

// A two-document fixture: a provincial plan (X) and a department's plan (Y) that give the
// same task to different units, as the real 001 and 002 do.
const LINES: Record<string, string[]> = {
  X: [
    'KẾ HOẠCH',
    'Chuyển đổi số thử nghiệm năm 2024',
    '- Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%.',
    '- Tỷ lệ thiết bị IoT/100 dân đạt từ 75 – 100 thiết bị/100 dân.',
    '- Trên 95% hồ sơ cấp tỉnh, 85% hồ sơ cấp huyện được xử lý trên môi trường mạng.\tSở TT&TT\tSở Nội vụ',
    '1.1\tĐầu tư, xây dựng Trung tâm dữ liệu chuyển đổi số tỉnh\tSở TT&TT\tSở Tài chính\t2024',
    '1.2\tTuyên truyền về chuyển đổi số\tĐài PT&TH/ Sở TT&TT\tSở Nội vụ\t2024',
    '1.3\tXây dựng phòng họp trực tuyến\t3.200\t2022: 3.200\tVăn phòng Tỉnh ủy',
    '1.4\tNâng cấp hệ thống\t300\t2023: 300\tBan Tổ chức Tỉnh ủy',
    'Kèm theo Kế hoạch số 12/KH-UBND ngày 15/12/2023 của Chủ tịch UBND tỉnh',
    'Nguyễn Văn A',
  ],
  Z: ['NGHỊ QUYẾT', 'Lê Văn C'],
  Y: ['KẾ HOẠCH CỦA SỞ', '1.12\tĐầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh\tTrung tâm CNTT&TT\tPhòng CNTT\t2024-2025'],
};

const DOCS: DocumentMeta[] = [
  makeMeta({ id: 'X', file: 'x.txt', shortName: 'Kế hoạch thử X của UBND tỉnh', title: 'Kế hoạch Chuyển đổi số thử nghiệm năm 2024', number: '12/KH-UBND', issuer: 'Chủ tịch UBND tỉnh Bắc Giang', signer: 'Nguyễn Văn A', date: '15/12/2023', dateIso: '2023-12-15', period: '2024' }),
  makeMeta({ id: 'Y', file: 'y.txt', shortName: 'Kế hoạch thử Y của Sở', title: 'Kế hoạch của Sở thử nghiệm', issuer: 'Sở Thông tin và Truyền thông', signer: 'Trần Thị B', date: '03/2022', dateIso: '2022-03', period: '2021-2030' }),
  makeMeta({ id: 'Z', file: 'z.md', shortName: 'Nghị quyết thử Z', title: 'Nghị quyết thử nghiệm Z', issuer: 'Ban Thường vụ Tỉnh ủy', signer: 'Lê Văn C', date: '04/5/2019', dateIso: '2019-05-04', period: '2019-2025' }),
];
const sourceLines = (docId: string): readonly string[] => LINES[docId] ?? [];

function target(fields: Partial<TargetRecord> & Pick<TargetRecord, 'id' | 'text' | 'lines'>): TargetRecord {
  return TargetRecordSchema.parse({ docId: 'X', group: 'Phát triển chính quyền số', unit: '%', year: '2024', origin: 'reviewed', ...fields });
}

function task(fields: Partial<TaskRecord> & Pick<TaskRecord, 'id' | 'name' | 'lines'>): TaskRecord {
  return TaskRecordSchema.parse({ docId: 'X', appendix: 'Phụ lục III', row: fields.id.split(':').pop(), origin: 'reviewed', ...fields });
}

const TARGETS: TargetRecord[] = [
  target({ id: 'X:target:1', text: 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%', value: 70, comparator: 'trên', lines: [3, 3] }),
  target({ id: 'X:target:2', text: 'Tỷ lệ thiết bị IoT/100 dân đạt từ 75 – 100 thiết bị/100 dân', value: 75, valueMax: 100, unit: 'thiết bị/100 dân', comparator: 'từ', lines: [4, 4], group: 'Hạ tầng số' }),
  target({ id: 'X:target:3', text: 'Trên 95% hồ sơ cấp tỉnh, 85% hồ sơ cấp huyện được xử lý trên môi trường mạng', value: 95, comparator: 'Trên', lines: [5, 5], monitorText: 'Sở TT&TT', leadText: 'Sở Nội vụ' }),
];

const TASKS: TaskRecord[] = [
  task({ id: 'X:III:1.1', name: 'Đầu tư, xây dựng Trung tâm dữ liệu chuyển đổi số tỉnh', leadText: 'Sở TT&TT', coordinateText: 'Sở Tài chính', lines: [6, 6], group: ['3 Hạ tầng số'] }),
  task({ id: 'X:III:1.2', name: 'Tuyên truyền về chuyển đổi số', leadText: 'Đài PT&TH/ Sở TT&TT', coordinateText: 'Sở Nội vụ', lines: [7, 7], group: ['1 Nhận thức số'] }),
  task({ id: 'X:PL1:1.3', name: 'Xây dựng phòng họp trực tuyến', leadText: 'Văn phòng Tỉnh ủy', lines: [8, 8], appendix: 'Phụ lục 1', budget: { total: 3200, byYear: { '2022': 3200 }, text: '3.200' } }),
  task({ id: 'X:PL1:1.4', name: 'Nâng cấp hệ thống', leadText: 'Ban Tổ chức Tỉnh ủy', lines: [9, 9], appendix: 'Phụ lục 1', budget: { total: 300, byYear: { '2023': 300 }, text: '300' } }),
  task({ id: 'Y:PL:1.12', docId: 'Y', appendix: 'Phụ lục', name: 'Đầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh', leadText: 'Trung tâm CNTT&TT', coordinateText: 'Phòng CNTT', lines: [2, 2] }),
];

const RECORDS: RecordSet = { tasks: TASKS, targets: TARGETS, groups: [], responsibilities: [], coverage: [], problems: [] };
const CTX = { documents: DOCS, sourceLines, records: RECORDS, agencies };

function byId(drafts: readonly QuestionDraft[], id: string): QuestionDraft {
  const d = drafts.find((x) => x.id === id);
  if (d === undefined) throw new Error(`no draft ${id} among ${drafts.map((x) => x.id).join(', ')}`);
  return d;
}

describe('target values', () => {
  test.each([
    { what: 'percentage after its comparator', t: TARGETS[0], blanked: `Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên ${BLANK}`, evidence: '70%' },
    { what: 'a range with its unit, not the "/100 dân" inside the unit', t: TARGETS[1], blanked: `Tỷ lệ thiết bị IoT/100 dân đạt từ ${BLANK}`, evidence: '75 – 100 thiết bị/100 dân' },
    { what: 'the first of several percentages, the others stay', t: TARGETS[2], blanked: `Trên ${BLANK} hồ sơ cấp tỉnh, 85% hồ sơ cấp huyện được xử lý trên môi trường mạng`, evidence: '95%' },
  ])('the blank hides $what', ({ t, blanked, evidence }) => {
    const spans = findValueSpans(t as TargetRecord);
    expect(blankedText((t as TargetRecord).text, spans)).toBe(blanked);
    expect((t as TargetRecord).text.slice(spans[0]?.start, spans[0]?.end)).toBe(evidence);
  });

  test('wrong percentages are ±10/±20 steps or other targets’ values, within 0–100, never the value or a number the stem shows', () => {
    const wrong = valueDistractors({ value: 95, unit: '%', pool: [70, 100, 30], forbidden: new Set([85]), seed: 's' });
    expect(wrong.map((w) => w.value)).toEqual(expect.arrayContaining([100]));
    for (const w of wrong) {
      expect(w.value).not.toBe(95);
      expect(w.value).not.toBe(85);
      expect(w.value).toBeLessThanOrEqual(100);
    }
    expect(wrong).toHaveLength(3);
  });

  test('wrong ranges are the range shifted by whole widths', () => {
    const wrong = valueDistractors({ value: 20, valueMax: 30, unit: '%/năm', pool: [], forbidden: new Set(), seed: 's' });
    expect(wrong).toEqual([
      { value: 10, valueMax: 20 },
      { value: 30, valueMax: 40 },
      { value: 40, valueMax: 50 },
    ]);
  });

  test.each([
    [70, undefined, '%', '70%'],
    [20, 30, '%/năm', '20 – 30%/năm'],
    [14, undefined, 'GB/tháng/thuê bao', '14 GB/tháng/thuê bao'],
    [0.22, undefined, 'km', '0,22 km'],
    [5000, undefined, 'trạm', '5.000 trạm'],
  ])('formats %s–%s %s as "%s"', (value, max, unit, shown) => {
    expect(formatTargetValue(value, max, unit)).toBe(shown);
  });

  test('every generated value question names its document and year and passes the bank check', () => {
    const out = generateTargetQuestions({ records: RECORDS, documents: DOCS });
    expect(out.drafts).toHaveLength(3);
    for (const d of out.drafts) {
      expect(d.stem).toContain('Theo Kế hoạch thử X của UBND tỉnh (15/12/2023)');
      expect(d.stem).toContain('năm 2024');
      expect(checkQuestion(finalizeDraft(d), CTX)).toEqual([]);
    }
    const tinh = byId(out.drafts, 'gen-target-X:target:3');
    expect(tinh.answer).toBe('95%');
    expect(tinh.distractors).not.toContain('85%');
  });

  test('the monitoring agency question never offers the row’s own lead unit', () => {
    const out = generateMonitorQuestions({ records: RECORDS, documents: DOCS, agencies });
    const q = byId(out.drafts, 'gen-monitor-X:target:3');
    expect(q.answer).toBe('Sở Thông tin và Truyền thông');
    expect(q.distractors).not.toContain('Sở Nội vụ');
    expect(checkQuestion(finalizeDraft(q), CTX)).toEqual([]);
  });
});

describe('lead units', () => {
  const out = generateLeadQuestions({ records: RECORDS, documents: DOCS, agencies });

  test('wrong units are departments like the right one, never a coordinating unit', () => {
    const q = byId(out.drafts, 'gen-lead-X:III:1.1');
    expect(q.answer).toBe('Sở Thông tin và Truyền thông');
    expect(q.distractors).toHaveLength(3);
    for (const w of q.distractors) {
      const ids = agencies.resolve(w);
      expect(ids).toHaveLength(1);
      expect(agencies.get(ids[0] as string)?.kind).toBe('so');
      expect(ids).not.toContain('so-tai-chinh');
    }
  });

  test('two lead units make one option with both, and no wrong option names either of them', () => {
    const q = byId(out.drafts, 'gen-lead-X:III:1.2');
    expect(q.stem).toContain('những đơn vị nào');
    expect(agencies.resolve(q.answer).sort()).toEqual(['dai-pt-th-tinh', 'so-tt-tt']);
    for (const w of q.distractors) {
      expect(agencies.resolve(w)).toHaveLength(2);
      expect(agencies.resolve(w)).not.toContain('so-tt-tt');
      expect(agencies.resolve(w)).not.toContain('dai-pt-th-tinh');
      expect(agencies.resolve(w)).not.toContain('so-noi-vu');
    }
  });

  test('each plan’s own answer: the same task is led by Sở TT&TT in X and by its Trung tâm CNTT&TT in Y', () => {
    expect(byId(out.drafts, 'gen-lead-X:III:1.1').answer).toBe('Sở Thông tin và Truyền thông');
    const y = byId(out.drafts, 'gen-lead-Y:PL:1.12');
    expect(y.stem).toMatch(/^Theo Kế hoạch thử Y của Sở/);
    expect(agencies.resolve(y.answer)).toEqual(['trung-tam-cntt-tt']);
    for (const d of out.drafts) expect(checkQuestion(finalizeDraft(d), CTX)).toEqual([]);
  });

  test('without the document’s name, a question about a task two plans assign differently is rejected', () => {
    const y = finalizeDraft(byId(out.drafts, 'gen-lead-Y:PL:1.12'));
    const unnamed = { ...y, stem: 'Đơn vị nào chủ trì nhiệm vụ “Đầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh”?' };
    expect(checkQuestion(unnamed, CTX).join(' ')).toMatch(/name the document/);
  });
});

describe('budgets', () => {
  test('the total as printed, in million VND, with wrong amounts that are not the total', () => {
    const out = generateBudgetQuestions({ records: RECORDS, documents: DOCS, sourceLines });
    const q = byId(out.drafts, 'gen-budget-X:PL1:1.3');
    expect(q.answer).toBe('3.200 triệu đồng');
    expect(q.evidence).toBe('3.200');
    for (const w of q.distractors) expect(numbersIn(w)).not.toEqual([3200]);
    expect(checkQuestion(finalizeDraft(q), CTX)).toEqual([]);
  });

  test('a row whose printed figures the extractor found inconsistent gets no budget question', () => {
    const disputed: RecordSet = { ...RECORDS, problems: [{ file: 'x.txt', message: 'Dòng 9: kinh phí 300 in ở cột 2022, thời gian thực hiện 2023' }] };
    const out = generateBudgetQuestions({ records: disputed, documents: DOCS, sourceLines });
    expect(out.drafts.map((d) => d.id)).not.toContain('gen-budget-X:PL1:1.4');
    expect(out.skipped.find((s) => s.id === 'gen-budget-X:PL1:1.4')?.reason).toMatch(/line 9/);
  });
});

describe('document facts', () => {
  const out = generateDocumentFactQuestions({ documents: DOCS, sourceLines, agencies });

  test('date, signer, issuer and number are asked only where a line prints them', () => {
    expect(byId(out.drafts, 'gen-doc-X-date')).toMatchObject({ answer: '15/12/2023', source: { doc: 'X', lines: [10, 10] } });
    expect(byId(out.drafts, 'gen-doc-X-signer').answer).toBe('Nguyễn Văn A');
    for (const id of ['gen-doc-X-date', 'gen-doc-X-signer', 'gen-doc-X-issuer', 'gen-doc-X-number']) {
      expect(checkQuestion(finalizeDraft(byId(out.drafts, id)), CTX)).toEqual([]);
    }
  });

  test('a catalog fact no line prints is still emitted, and the bank check rejects it', () => {
    // Y's date (03/2022) is printed nowhere in the fixture.
    const date = finalizeDraft(byId(out.drafts, 'gen-doc-Y-date'));
    expect(checkQuestion(date, CTX).join(' ')).toMatch(/not found in the cited lines/);
  });

  test('the stem never names the document by a name that contains the answer', () => {
    // X's title contains "2024", its period: the period question names X by its short name.
    const period = byId(out.drafts, 'gen-doc-X-period');
    expect(period.stem).toBe('Kế hoạch thử X của UBND tỉnh áp dụng cho giai đoạn nào?');
    for (const d of out.drafts) expect(d.stem).not.toContain(d.answer);
  });
});

describe('determinism and shape', () => {
  test('options are shuffled by the question id: same id, same order; the answer is tracked', () => {
    const draft = byId(generateTargetQuestions({ records: RECORDS, documents: DOCS }).drafts, 'gen-target-X:target:1');
    const a = finalizeDraft(draft);
    const b = finalizeDraft({ ...draft });
    expect(a).toEqual(b);
    expect(a.options[a.correct]).toBe(draft.answer);
    expect(new Set(a.options.map(optionKey)).size).toBe(a.options.length);
    expect(seededShuffle([1, 2, 3, 4, 5], 'k')).toEqual(seededShuffle([1, 2, 3, 4, 5], 'k'));
    expect(seededShuffle([1, 2, 3, 4, 5], 'k').sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test.each([
    [{ docId: '001', headings: ['4 Dữ liệu số', '4.3 Lĩnh vực giáo dục và đào tạo'], text: 'Xây dựng trường học số' }, 'du-lieu-so'],
    [{ docId: '001', headings: ['7 An toàn thông tin mạng'], text: 'Thuê dịch vụ SOC' }, 'an-toan-thong-tin'],
    [{ docId: '001', headings: ['6 Nhân lục số'], text: 'Tổ chức các khóa bồi dưỡng' }, 'nhan-luc-so'],
    [{ docId: '002', headings: ['Về Bưu chính'], text: 'Tỷ lệ bưu gửi' }, 'ha-tang-so'],
    [{ docId: '002', headings: [], text: 'Tỷ lệ dân số có tài khoản thanh toán điện tử trên 50%' }, 'kinh-te-so'],
    [{ docId: '004', headings: ['III Bảo đảm an ninh, an toàn thông tin'], text: 'Kiểm tra' }, 'co-quan-dang-doan-the'],
  ])('topic of %j is %s', (input, topic) => {
    expect(topicOf(input)).toBe(topic);
  });
});
