/**
 * Records extraction, as an official would check it against the printed plans: who leads a
 * row, what it costs per year, what a target's value, year and monitoring agency are. Plus
 * the parsing rules that get there (budget numbers, target values, tab-table quirks) on
 * small synthetic tables, and how often the automatic PDF split agrees with reviewed data.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import type { LoadedDocument } from '../../src/kb/types.ts';
import { extractRecords } from '../../src/records/extract.ts';
import { parseTargetValue } from '../../src/records/extractors/objectives.ts';
import { findPdfAppendices, splitPdfRows, splitTaskRow } from '../../src/records/extractors/pdf-appendix.ts';
import { extractTabAppendices } from '../../src/records/extractors/tab-appendix.ts';
import { appendixKey, cellText, joinPieces, parseAmount } from '../../src/records/extractors/text.ts';
import type { RecordSet, TargetRecord, TaskRecord } from '../../src/records/schema.ts';
import { REPO_ROOT, SOURCES_DIR, makeMeta, tempDir } from '../kb/helpers.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RECORDS_DIR = join(REPO_ROOT, 'knowledge', 'records');
let documents: LoadedDocument[] = [];
let set: RecordSet;

beforeAll(async () => {
  documents = (await loadKnowledgeSources(SOURCES_DIR)).documents;
  set = extractRecords(documents, RECORDS_DIR);
});

function task(id: string): TaskRecord {
  const found = set.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

function taskNamed(docId: string, start: string): TaskRecord {
  const found = set.tasks.find((t) => t.docId === docId && t.name.startsWith(start));
  if (!found) throw new Error(`no task of ${docId} named "${start}…"`);
  return found;
}

function targets(docId: string, fragment: string): TargetRecord[] {
  const found = set.targets.filter((t) => t.docId === docId && t.text.includes(fragment));
  if (found.length === 0) throw new Error(`no target of ${docId} containing "${fragment}"`);
  return found;
}

describe('who leads, who coordinates, what it needs (as printed)', () => {
  test.each([
    { what: '001 PACS/LIS → Sở Y tế', id: '001:III:4.2.2', lead: 'Sở Y tế', coordinate: 'Bệnh viện, TTYT huyện', status: 'continuing', legal: 'Theo QĐ số 2388/QĐ-UBND ngày 02/12/2020 của UBND tỉnh' },
    { what: '001 Cổng dữ liệu mở → Sở TT&TT (the department itself, not its project team)', id: '001:III:4.1.2', lead: 'Sở TT&TT', coordinate: 'Các sở, ngành, UBND huyện, Thành phố', status: 'continuing', legal: 'Theo Kế hoạch số 324/KH-UBND' },
    { what: '001 1.1 two lead units printed with a slash', id: '001:III:1.1', lead: 'Đài PT&TH/ Sở TT&TT', coordinate: 'Các sở, ngành, UBND huyện, thành phố', status: 'continuing', legal: 'Theo Kế hoạch số 324/KH-UBND' },
    { what: '001 4.4.1 whose first line glues all seven columns', id: '001:III:4.4.1', lead: 'Sở TN&MT', coordinate: 'Các sở, ngành, UBND huyện, Thành phố', status: 'continuing', legal: 'Theo Kế hoạch số 324/KH-UBND' },
    { what: '001 4.4.2 legal basis is a Công văn', id: '001:III:4.4.2', lead: 'Sở TN&MT', coordinate: 'Sở TT&TT, Sở Tài chính, Sở KH&ĐT', status: 'new', legal: 'Công văn số 5526/UBND-KTN ngày 26/9/2023' },
    { what: '001 9.3 coordinating units split by a page break', id: '001:III:9.3', lead: 'Sở Công Thương', coordinate: 'Cục Thương mại điện tử và Kinh tế số, Bộ Công Thương, các Sàn thương mại điện tử trong nước, Ngân hàng…', status: 'continuing', legal: 'Theo Kế hoạch số 324/KH-UBND' },
    { what: '001 8.1 IOC → Văn phòng UBND tỉnh, no legal basis printed', id: '001:III:8.1', lead: 'Văn phòng UBND tỉnh', coordinate: 'Các sở, ngành, UBND huyện, Thành phố', status: 'continuing', legal: '' },
    { what: '001 4.10.3 "Nhiệm vụ mới phát sinh" counts as new', id: '001:III:4.10.3', lead: 'Sở Xây dựng', coordinate: 'Sở TT&TT', status: 'new', legal: '' },
    { what: '002 1.12 Trung tâm dữ liệu chuyển đổi số', id: '002:PL:1.12', lead: 'Trung tâm CNTT&TT', coordinate: 'Phòng CNTT', status: undefined, legal: '' },
    { what: '002 2.3 Cổng dữ liệu mở → Tổ triển khai Dự án', id: '002:PL:2.3', lead: 'Tổ triển khai Dự án', coordinate: 'Văn phòng Sở', status: undefined, legal: '' },
    { what: '002 1.8 lead is Phòng TTBCXB', id: '002:PL:1.8', lead: 'Phòng TTBCXB', coordinate: 'Phòng CNTT, Trung tâm CNTT', status: undefined, legal: '' },
    { what: '004 1.3 keeps the misspelling UBNDKT', id: '004:PL1:II.1.3', lead: 'UBNDKT Tỉnh ủy', coordinate: '', status: undefined, legal: '' },
  ])('$what', ({ id, lead, coordinate, status, legal }) => {
    const t = task(id);
    expect(t.leadText).toBe(lead);
    expect(t.coordinateText).toBe(coordinate);
    expect(t.status).toBe(status);
    expect(t.legalBasis).toBe(legal);
  });

  test('001 Phụ lục II rows carry their result ("Kết quả") and lead', () => {
    expect(task('001:II:1')).toMatchObject({ leadText: 'Sở Thông tin và Truyền thông', coordinateText: 'Các Sở, ngành', product: 'Quyết định', legalBasis: 'Theo Kế hoạch số 324/KH-UBND' });
    expect(task('001:II:2')).toMatchObject({ leadText: 'Các Sở, ngành', coordinateText: 'Văn phòng UBND tỉnh, Sở Thông tin và Truyền thông' });
  });

  test('001 numbers 4.4.4 twice: both rows are kept, the second with "#2"', () => {
    expect(task('001:III:4.4.4').name).toBe('Xây dựng CSDL đất đai của huyện Lục Ngạn và Sơn Động');
    expect(task('001:III:4.4.4#2').name).toBe('Số hóa hồ sơ lưu trữ');
    expect(set.tasks.some((t) => t.id.startsWith('001:III:4.12'))).toBe(false);
    expect(task('001:III:4.13.1').group).toEqual(['4 Dữ liệu số', '4.13 Lĩnh vực Nội vụ']);
  });

  test('001 a name split by a page break is joined in order', () => {
    expect(task('001:III:1.4').name).toBe(
      'Triển khai thực hiện các mô hình điểm trong Đề án “Phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyến đổi số quốc gia giai đoạn 2022-2025, tầm nhìn đến năm 2030” trên địa bàn tỉnh',
    );
    expect(task('001:III:3.5').coordinateText).toContain('UBND huyện: Sơn Động, Lục Ngạn');
  });

  test('002 1.12: period and product as printed', () => {
    const t = task('002:PL:1.12');
    expect(t.period).toBe('2024-2025, duy trì, vận hành tốt các năm tiếp theo');
    expect(t.product).toBe('Hệ thống vận hành ổn định');
    expect(t.name).toBe('Đầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh Bắc Giang');
  });

  test('002 cells wrapped onto the next line are merged cell by cell', () => {
    const t = task('002:PL:1.5');
    expect(t.name).toBe('Kế hoạch đào tạo tập huấn nâng cao nhận thức về chuyển đổi số cho cán bộ công chức viên chức');
    expect(t.coordinateText).toBe('Trung tâm CNTT&TT');
    expect(t.lines).toEqual([256, 258]);
    expect(task('002:PL:1.21').product).toBe('Triển khai thuê dịch vụ theo Kế hoạch');
    expect(task('002:PL:2.1').name).toBe('Tham mưu UBND tỉnh ban hành Quyết định ban hành Quy chế về mở dữ liệu, kết nối, chia sẻ và sử dụng cơ sở dữ liệu giữa các ngành, các cấp trên địa bàn tỉnh');
  });

  test('002 HTML is stripped; an italic description becomes the content', () => {
    const lgsp = task('002:PL:1.16');
    expect(lgsp.name).toBe('Nâng cấp, phát triển Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) tỉnh Bắc Giang');
    expect(lgsp.content).toMatch(/^kết nối với các hệ thống thông tin/);
    expect(lgsp.content).toMatch(/với các cơ quan bên ngoài$/);
    const digitised = task('002:PL:1.17');
    expect(digitised.content).toContain('Khai phá dữ liệu');
    expect(set.tasks.filter((t) => t.docId === '002').every((t) => !/[<>]/.test(t.name + t.content))).toBe(true);
  });

  test('002 group rows are groups, italic lines are untitled groups, group 3 keeps its only row', () => {
    expect(task('002:PL:1.1').group).toEqual([
      '1 Tham mưu triển khai có hiệu quả Nghị quyết 111-NQ/TW ngày 11/6/2021 của Tỉnh ủy về chuyển đổi số tỉnh Bắc Giang giai đoạn 2021-2025, định hướng đến năm 2050',
      'Các nhiệm vụ về quản lý nhà nước',
    ]);
    expect(task('002:PL:1.30').group[1]).toBe('Các nhiệm vụ đảm bảo an ninh thông tin');
    expect(task('002:PL:2.1').group).toHaveLength(1);
    expect(task('002:PL:3.1').leadText).toBe('Tổ triển khai Dự án');
  });
});

describe('budgets of document 004 (million VND)', () => {
  test('Hệ thống thu thập và giám sát an toàn thông tin của Tỉnh ủy: 5.820 in 2024', () => {
    const t = taskNamed('004', 'Xây dựng và đưa vào vận hành Hệ thống thu thập và giám sát an toàn thông tin của Tỉnh ủy');
    expect(t.budget?.total).toBe(5820);
    expect(t.budget?.byYear).toEqual({ '2024': 5820 });
    expect(t.leadText).toBe('Văn phòng Tỉnh ủy');
    expect(t.period).toBe('2024');
  });

  test('phòng họp trực tuyến chung của Tỉnh ủy: 3.200 in 2022, Văn phòng Tỉnh ủy', () => {
    const t = taskNamed('004', 'Xây dựng phòng họp trực tuyến chung của Tỉnh ủy');
    expect(t.budget).toMatchObject({ total: 3200, byYear: { '2022': 3200 } });
    expect(t.leadText).toBe('Văn phòng Tỉnh ủy');
    expect(t.id).toBe('004:PL1:I.1.1');
  });

  test('"10.5" is ten and a half: 126 = 105 + 10.5 + 10.5', () => {
    const t = task('004:PL1:II.2.3');
    expect(t.budget).toMatchObject({ total: 126, byYear: { '2023': 105, '2024': 10.5, '2025': 10.5 } });
    expect(t.leadText).toBe('UBKT Tỉnh ủy');
  });

  test('lettered sub-rows stay under their parent row', () => {
    const a = task('004:PL1:II.1.2.a)');
    expect(a.row).toBe('1.2.a)');
    expect(a.parentId).toBe('004:PL1:II.1.2');
    expect(a.group.at(-1)).toBe('1.2 Hệ thống thông tin chuyên ngành Tổ chức');
    expect(a.budget?.total).toBe(233);
    expect(task('004:PL1:II.1.2').leadText).toBe('Ban Tổ chức Tỉnh ủy');
    const subRows = set.tasks.filter((t) => t.parentId === '004:PL1:II.1.2');
    expect(subRows.map((t) => t.row)).toEqual(['1.2.a)', '1.2.b)', '1.2.c)']);
    expect(subRows.reduce((sum, t) => sum + (t.budget?.total ?? 0), 0)).toBe(941);
  });

  test('group rows hold subtotals; a figures-only line under a group is its subtotal', () => {
    const software = set.groups.find((g) => g.id === '004:PL1:II.I');
    expect(software).toMatchObject({ name: 'Phần mềm do Trung ương chuyển giao', leadText: 'Văn phòng Tỉnh ủy', budget: { total: 1061 } });
    const training = set.groups.find((g) => g.id === '004:PL1:IV');
    expect(training?.budget?.total).toBe(880);
    expect(training?.lines).toEqual([364, 365]);
    expect(set.groups.find((g) => g.id === '004:PL1:I')?.budget?.total).toBe(18112);
  });

  test('"TỔNG CỘNG" lines are not tasks; a numbered row without children is a task', () => {
    expect(set.tasks.some((t) => /tổng\s*cộng/iu.test(t.name) || /tổng\s*cộng/iu.test(t.row))).toBe(false);
    const digitising = task('004:PL2:II');
    expect(digitising.name).toBe('Số hóa các cơ sở dữ liệu');
    expect(digitising.budget).toMatchObject({ total: 9600, byYear: { '2022': 2400, '2023': 2400, '2024': 2400, '2025': 2400 } });
  });

  test('a row printed without a number is kept under its group', () => {
    const t = task('004:PL1:V (không số)');
    expect(t).toMatchObject({ row: 'V (không số)', name: 'Đề án, dự án', leadText: 'Văn phòng Tỉnh ủy', period: '2021-2025' });
    expect(t.budget?.total).toBe(1365);
  });

  test('an amount printed under another year than the row\'s single-year period is filed under that year, with a note', () => {
    expect(task('004:PL1:I.1.2').budget?.byYear).toEqual({ '2023': 300 });
    expect(set.problems.some((p) => p.message.startsWith('Dòng 326: kinh phí 300 in ở cột 2022'))).toBe(true);
  });
});

describe('targets: value, comparator, unit, year, who monitors', () => {
  test('Phụ lục I "Tỷ trọng kinh tế số … tối thiểu 15%" → Sở Kế hoạch và Đầu tư monitors', () => {
    const [t] = targets('001', 'Tỷ trọng kinh tế số').filter((x) => x.id.includes(':PLI:'));
    expect(t).toMatchObject({ id: '001:PLI:II.1', value: 15, comparator: 'tối thiểu', unit: '%', year: '2024', group: 'Phát triển kinh tế số' });
    expect(t?.monitorText).toBe('Sở Kế hoạch và Đầu tư');
    expect(t?.leadText).toBe('Các doanh nghiệp trên địa bàn tỉnh');
  });

  test.each([
    { id: '001:PLI:I.4', value: 60, monitor: 'Sở Thông tin và Truyền thông', lead: 'Các sở, ngành; UBND huyện, thành phố, xã, phường, thị trấn' },
    { id: '001:PLI:I.12', value: 100, monitor: 'Sở Thông tin và Truyền thông', lead: 'Văn phòng UBND tỉnh, UBND huyện, thành phố, xã, phường, thị trấn' },
    { id: '001:PLI:III.3', value: 70, monitor: 'Ngân hàng nhà nước chi nhánh tỉnh Bắc Giang', lead: 'Các chi nhánh ngân hàng thương mại trên địa bàn tỉnh; các DN viễn thông trên địa bàn tỉnh cung cấp mobile money' },
    { id: '001:PLI:III.4', value: 95, monitor: 'Sở Y tế', lead: 'UBND huyện, thành phố' },
  ])('Phụ lục I $id: $value%, monitored by $monitor', ({ id, value, monitor, lead }) => {
    const t = set.targets.find((x) => x.id === id);
    expect(t).toMatchObject({ value, monitorText: monitor, leadText: lead, year: '2024' });
  });

  test('every target of 001 §I.2 is linked to its Phụ lục I row by the same text', () => {
    const prose = set.targets.filter((t) => t.docId === '001' && t.id.includes(':target:'));
    const table = set.targets.filter((t) => t.docId === '001' && t.id.includes(':PLI:'));
    expect(prose).toHaveLength(20);
    for (const t of prose) {
      const twin = table.find((x) => x.text === t.text);
      expect(twin, t.text).toBeDefined();
      expect(twin?.group).toBe(t.group);
      expect(twin?.value).toBe(t.value);
    }
  });

  test('002: 27GB/tháng/thuê bao in 2030 (and 14GB in 2025)', () => {
    const found = targets('002', '27GB/tháng/thuê bao');
    expect(found.find((t) => t.year === '2030')).toMatchObject({ value: 27, unit: 'GB/tháng/thuê bao' });
    expect(found.find((t) => t.year === '2025')).toMatchObject({ value: 14 });
  });

  test('002: shared infrastructure above 40% (2021-2025) and 70% (2026-2030); 5G in 100% of residential areas by 2025', () => {
    const shared = targets('002', 'tỷ lệ sử dụng chung hạ tầng');
    expect(shared.map((t) => [t.year, t.comparator, t.value])).toEqual([
      ['2021-2025', 'trên', 40],
      ['2026-2030', 'trên', 70],
    ]);
    expect(targets('002', '5G phủ sóng tại 100% khu dân cư')[0]).toMatchObject({ value: 100, year: '2025' });
    expect(targets('002', 'thiết bị IoT')[0]).toMatchObject({ value: 75, valueMax: 100, unit: 'thiết bị/100 dân' });
  });

  test('003: above 90% of documents electronic in 2019-2020; ranges and "ít nhất"', () => {
    expect(targets('003', '90% văn bản')[0]).toMatchObject({ value: 90, comparator: 'trên', unit: '%', year: '2019-2020', group: 'Về ứng dụng CNTT' });
    expect(targets('003', 'thời gian họp')[0]).toMatchObject({ value: 30, valueMax: 50, year: '2019-2020' });
    expect(targets('003', 'cán bộ, công chức cấp xã')[0]).toMatchObject({ value: 30, comparator: 'ít nhất', year: '2020' });
    expect(targets('003', 'Trên 70% hệ thống phần mềm')[0]?.year).toBe('2021-2025');
  });

  test('004: objectives "đến năm 2025" are quantified targets of their own group', () => {
    expect(targets('004', 'máy tính kết nối mạng')[0]).toMatchObject({ value: 100, year: '2025', group: 'Bảo đảm an toàn, an ninh thông tin mạng' });
    expect(set.targets.some((t) => t.docId === '004' && t.text.startsWith('Xây dựng cổng thông tin điện tử'))).toBe(false);
  });
});

describe('parsing rules', () => {
  test.each([
    ['5.820', 5820],
    ['1.061', 1061],
    ['61.408', 61408],
    ['10.5', 10.5],
    ['2400', 2400],
    ['0,22', 0.22],
    ['', undefined],
    ['x', undefined],
  ])('parseAmount(%j) = %j', (printed, expected) => {
    expect(parseAmount(printed)).toBe(expected);
  });

  test.each([
    ['Tỷ lệ … đạt trên 70%', { value: 70, comparator: 'trên', unit: '%' }],
    ['100% người dân và doanh nghiệp', { value: 100, comparator: '', unit: '%' }],
    ['Tỷ lệ người dân từ 15 tuổi trở lên … đạt trên 70%', { value: 70, comparator: 'trên', unit: '%' }],
    ['rút ngắn từ 30% - 50% thời gian họp', { value: 30, valueMax: 50, comparator: 'từ', unit: '%' }],
    ['đạt từ 75 – 100 thiết bị/100 dân', { value: 75, valueMax: 100, comparator: 'từ', unit: 'thiết bị/100 dân' }],
    ['năm 2030 là 27GB/tháng/thuê bao', { value: 27, comparator: '', unit: 'GB/tháng/thuê bao' }],
    ['Xây dựng cổng thông tin điện tử năm 2025', { comparator: '', unit: '' }],
  ])('parseTargetValue(%j)', (text, expected) => {
    expect(parseTargetValue(text)).toEqual(expected);
  });

  test('cells: markup and footnote markers go, words stay exactly as printed', () => {
    expect(cellText('<i>Quy chế</i>  quản lý ,')).toBe('Quy chế quản lý,');
    expect(cellText('chỗ ngồi² (phòng họp)')).toBe('chỗ ngồi (phòng họp)');
    expect(cellText('Tỉnh uỷ')).toBe('Tỉnh uỷ');
    expect(joinPieces(['Theo Kế', 'hoạch số', '324/KH-', 'UBND'])).toBe('Theo Kế hoạch số 324/KH-UBND');
    expect(appendixKey('Phụ lục III')).toBe('III');
    expect(appendixKey('Phụ lục 2')).toBe('PL2');
    expect(appendixKey('Phụ lục')).toBe('PL');
  });

  test('a synthetic tab table: two-line header, repeated header, wrapped cell, sub-rows, totals', () => {
    const lines = [
      'PHỤ LỤC 3: THỬ',
      'STT\tTên nhiệm vụ\tMục tiêu\tThời gian\tDự kiến tổng kinh phí\tLộ trình/ Kinh phí\t\tĐơn vị chủ trì',
      '\t\t\t\t\t2024\t2025\t',
      'I\tNhóm một\t\t\t1.500\t1.000\t500\t',
      '1\tViệc có dòng con\tMô tả\t2024-2025\t1.500\t1.000\t500\tVăn phòng <i>Tỉnh ủy</i>',
      'a)\tDòng con a\t\t2024\t1.000\t1.000\t\t',
      '',
      'STT\tTên nhiệm vụ\tMục tiêu\tThời gian\tDự kiến tổng kinh phí\tLộ trình/ Kinh phí\t\tĐơn vị chủ trì',
      '\t\t\t\t\t2024\t2025\t',
      'b)\tDòng con b bị ngắt\t\t2025\t500\t\t500\tBan',
      '',
      '\tsang dòng sau\t\t\t\t\t\tTổ chức',
      'TỔNG CỘNG\t\t\t\t1.500\t1.000\t500\t',
      'Hết bảng.',
    ];
    const doc: LoadedDocument = { meta: makeMeta({ id: 'T' }), lines, format: 'md' };
    const out = extractTabAppendices(doc);
    expect(out.tasks.map((t) => t.id)).toEqual(['T:PL3:I.1', 'T:PL3:I.1.a)', 'T:PL3:I.1.b)']);
    expect(out.tasks[0]).toMatchObject({ appendix: 'Phụ lục 3', leadText: 'Văn phòng Tỉnh ủy', budget: { total: 1500, byYear: { '2024': 1000, '2025': 500 } } });
    expect(out.tasks[2]).toMatchObject({ name: 'Dòng con b bị ngắt sang dòng sau', leadText: 'Ban Tổ chức', parentId: 'T:PL3:I.1', lines: [10, 12] });
    expect(out.groups.map((g) => g.id)).toEqual(['T:PL3:I']);
    expect(out.coverage).toEqual([{ docId: 'T', appendix: 'Phụ lục 3', kind: 'task', rows: 3, records: 3, reviewed: 0 }]);
  });
});

describe('reviewed data files', () => {
  test('a reviewed entry with an id replaces a tab-table row; a broken file is reported, not fatal', () => {
    const { dir, cleanup } = tempDir('records-test-');
    writeFileSync(
      join(dir, '004-sua.yaml'),
      [
        'docId: "004"',
        'tasks:',
        '  - appendix: Phụ lục 1',
        '    row: "2"',
        '    id: "004:PL1:I.2"',
        '    lines: [336, 336]',
        '    name: Xây dựng và đưa vào vận hành Hệ thống thu thập và giám sát an toàn thông tin của Tỉnh ủy',
        '    leadText: Văn phòng Tỉnh ủy',
        '    period: "2024"',
        '    budget: { total: 5820, byYear: { "2024": 5820 }, text: "5.820 (2024: 5.820)" }',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'hong.yaml'), 'docId: [unclosed');
    const corrected = extractRecords(documents, dir);
    expect(corrected.tasks.find((t) => t.id === '004:PL1:I.2')).toMatchObject({ origin: 'reviewed', leadText: 'Văn phòng Tỉnh ủy', budget: { total: 5820 } });
    expect(corrected.coverage.find((c) => c.docId === '004' && c.appendix === 'Phụ lục 1')?.reviewed).toBe(1);
    expect(corrected.problems.some((p) => p.file === 'hong.yaml')).toBe(true);
    expect(corrected.tasks).toHaveLength(set.tasks.length);
    cleanup();
  });
});

describe('the automatic split of 001 (PDF text) against the reviewed rows', () => {
  test('agrees on the lead unit for at least 90% of rows and on the status for 95%', () => {
    const doc = documents.find((d) => d.meta.id === '001');
    if (!doc) throw new Error('001 not loaded');
    let rows = 0;
    let lead = 0;
    let status = 0;
    const squash = (s: string) => s.replace(/\s+/g, '');
    for (const appendix of findPdfAppendices(doc).filter((a) => a.kind === 'task' && a.key === 'III')) {
      for (const row of splitPdfRows(doc, appendix).rows) {
        const reviewed = task(`001:${appendix.key}:${row.key}`);
        expect(reviewed.origin).toBe('reviewed');
        const guess = splitTaskRow(row);
        rows++;
        if (squash(guess.leadText) === squash(reviewed.leadText)) lead++;
        if (guess.status === reviewed.status) status++;
      }
    }
    expect(rows).toBe(77);
    expect(lead / rows).toBeGreaterThanOrEqual(0.9);
    expect(status / rows).toBeGreaterThanOrEqual(0.95);
  });
});
