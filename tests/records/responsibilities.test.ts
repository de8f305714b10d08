/**
 * Responsibilities from the "Tổ chức thực hiện" sections, as an official would check them
 * against the printed plans: how many agency entries each section has (counted by hand),
 * which agency gets which duty, how a question finds a duty, and that they survive SQLite.
 *
 * Hand count (records / duties):
 *  - 001 VI: 1. Sở TT&TT (4 bullets), 2. Các sở: KH&ĐT, Tài chính (1 paragraph),
 *    3. Các sở, cơ quan thuộc UBND tỉnh, UBND huyện, thành phố (3 bullets), 4. Các doanh
 *    nghiệp BCVT, CNTT (3 bullets), closing sentence "… phản ánh về Sở TT&TT" → 5 / 12;
 *  - 002 III: items 1–2 (the units of the Sở; item 2 has no subject of its own), closing
 *    "yêu cầu các phòng, đơn vị trực thuộc …" → 2 / 3;
 *  - 003 IV: four numbered paragraphs, each opening with its subject (UBND tỉnh; huyện ủy,
 *    thành ủy, đảng ủy trực thuộc; Ban Tuyên giáo; "Giao Ban cán sự đảng UBND tỉnh") → 4 / 4
 *    ("Nghị quyết này được phổ biến đến chi bộ" names no one and is left out);
 *  - 004 Phần thứ ba: 1. Ban cán sự đảng UBND tỉnh (1 paragraph, cut by a blank line),
 *    2. (2 paragraphs), 3. (2), 4. (3), 5. Văn phòng Tỉnh ủy (7 bullets) → 5 / 15.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import type { LoadedDocument } from '../../src/kb/types.ts';
import { analyze } from '../../src/nlu/vietnamese.ts';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';
import { loadAgencyDirectory, type AgencyDirectory } from '../../src/records/agencies.ts';
import { extractRecords, recordsSummary } from '../../src/records/extract.ts';
import { extractResponsibilities } from '../../src/records/extractors/responsibilities.ts';
import { RecordLookup } from '../../src/records/record-lookup.ts';
import { loadRecords, saveRecords } from '../../src/records/record-store.ts';
import type { RecordSet, ResponsibilityRecord } from '../../src/records/schema.ts';
import Database from 'better-sqlite3';
import { migrate, migrations, openDatabase } from '../../src/storage/database.ts';
import { REPO_ROOT, SOURCES_DIR, makeMeta } from '../kb/helpers.ts';

const KNOWLEDGE = join(REPO_ROOT, 'knowledge');
let documents: LoadedDocument[] = [];
let set: RecordSet;
let agencies: AgencyDirectory;
let lookup: RecordLookup;

beforeAll(async () => {
  documents = (await loadKnowledgeSources(SOURCES_DIR)).documents;
  agencies = loadAgencyDirectory(join(KNOWLEDGE, 'agencies.yaml'));
  set = extractRecords(documents, join(KNOWLEDGE, 'records'), { agencies });
  const thesaurus = loadThesaurus(join(KNOWLEDGE, 'thesaurus.yaml'));
  lookup = new RecordLookup(set.tasks, set.targets, agencies, (text, mode) => analyze(text, thesaurus, mode), set.responsibilities);
});

function record(id: string): ResponsibilityRecord {
  const found = set.responsibilities.find((r) => r.id === id);
  if (!found) throw new Error(`no responsibility ${id} among ${set.responsibilities.map((r) => r.id).join(', ')}`);
  return found;
}

describe('records per document (hand-counted)', () => {
  test.each([
    ['001', 5, 12],
    ['002', 2, 3],
    ['003', 4, 4],
    ['004', 5, 15],
  ])('%s: %i records, %i duties', (docId, records, duties) => {
    const mine = set.responsibilities.filter((r) => r.docId === docId);
    expect(mine).toHaveLength(records);
    expect(mine.reduce((n, r) => n + r.duties.length, 0)).toBe(duties);
  });

  test('every record resolves to at least one directory agency, ids are unique, only 001\'s closing is reviewed', () => {
    for (const r of set.responsibilities) {
      expect(r.agencyIds.length, r.id).toBeGreaterThan(0);
      for (const id of [...r.agencyIds, ...r.duties.flatMap((d) => d.namedIds)]) expect(agencies.get(id), `${r.id}: ${id}`).toBeDefined();
    }
    const ids = set.responsibilities.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(set.responsibilities.filter((r) => r.origin === 'reviewed').map((r) => r.id)).toEqual(['001:TCTH:ket']);
  });

  test('the build report counts them and the section\'s paragraphs that became duties', () => {
    const lines = recordsSummary(set).lines;
    expect(lines[0]).toContain('16 trách nhiệm (34 đầu việc)');
    expect(lines).toContain('  001 Tổ chức thực hiện (trách nhiệm): 5 bản ghi; 12/12 đoạn thành đầu việc, 1 đã rà soát');
    expect(lines).toContain('  003 Tổ chức thực hiện (trách nhiệm): 4 bản ghi; 4/5 đoạn thành đầu việc');
    expect(recordsSummary(set)).toMatchObject({ responsibilities: 16, coverage: 1 });
  });
});

describe('who is given what', () => {
  test.each<[string, string, string[], string, string]>([
    // [record id, section ends with, agency ids, agencyText, a duty starts with]
    ['001:TCTH:1', '› 1. Sở Thông tin và Truyền thông', ['so-tt-tt'], 'Sở Thông tin và Truyền thông', 'Chủ trì tổ chức triển khai, hướng dẫn'],
    ['001:TCTH:2', '› 2. Các sở: Kế hoạch và Đầu tư, Tài chính', ['so-kh-dt', 'so-tai-chinh'], 'Các sở: Kế hoạch và Đầu tư, Tài chính', 'Trên cơ sở nguồn vốn ngân sách tỉnh Bắc Giang năm 2024, cân đối, bố trí đủ kinh phí'],
    ['001:TCTH:3', '› 3. Các sở, cơ quan thuộc UBND tỉnh, UBND huyện, thành phố', ['cac-so-nganh-ubnd-huyen'], 'Các sở, cơ quan thuộc UBND tỉnh, UBND huyện, thành phố', 'Định kỳ (trước ngày 20 của tháng cuối quý)'],
    ['001:TCTH:4', '› 4. Các doanh nghiệp bưu chính, viễn thông, công nghệ thông tin trên địa bàn tỉnh', ['dn-bcvt-cntt'], 'Các doanh nghiệp bưu chính, viễn thông, công nghệ thông tin trên địa bàn tỉnh', 'Phối hợp với Sở Thông tin và Truyền thông triển khai các giải pháp'],
    ['001:TCTH:ket', '› Đoạn kết', ['cac-so-nganh-ubnd-huyen'], 'các cơ quan, đơn vị', 'Trong quá trình triển khai thực hiện, nếu có khó khăn vướng mắc'],
    ['002:TCTH:1', '› 1–2', ['phong-don-vi-so-tt-tt'], 'các phòng, đơn vị thuộc ngành', 'Báo cáo kết quả thực hiện quy hoạch về Sở trước ngày 10 tháng 10 hằng năm'],
    ['002:TCTH:ket', '› Đoạn kết', ['phong-don-vi-so-tt-tt'], 'các phòng, đơn vị trực thuộc', 'Trên đây là Kế hoạch Quy hoạch tỉnh'],
    ['003:TCTH:1', '› 1', ['ubnd-tinh'], 'UBND tỉnh', 'Căn cứ Nghị quyết này, UBND tỉnh xây dựng Kế hoạch'],
    ['003:TCTH:2', '› 2', ['huyen-uy-dang-uy-truc-thuoc'], 'Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy', 'Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy tổ chức quán triệt'],
    ['003:TCTH:3', '› 3', ['ban-tuyen-giao-tinh-uy'], 'Ban Tuyên giáo Tỉnh ủy', 'Ban Tuyên giáo Tỉnh ủy chỉ đạo các cơ quan thông tin đại chúng'],
    ['003:TCTH:4', '› 4', ['ban-can-su-dang-ubnd-tinh'], 'Ban cán sự đảng UBND tỉnh', 'Giao Ban cán sự đảng UBND tỉnh chủ trì, phối hợp với Ban Tuyên giáo Tỉnh ủy'],
    ['004:TCTH:1', '› 1. Ban cán sự đảng UBND tỉnh', ['ban-can-su-dang-ubnd-tinh'], 'Ban cán sự đảng UBND tỉnh', 'Chỉ đạo Ủy ban nhân tỉnh chỉ đạo Sở Thông tin và Truyền thông'],
    ['004:TCTH:2', 'Đảng ủy Khối Doanh nghiệp tỉnh', ['cac-ban-tinh-uy', 'dang-uy-cac-co-quan-tinh', 'dang-uy-khoi-doanh-nghiep-tinh'], 'Các cơ quan tham mưu, giúp việc Tỉnh ủy, Đảng ủy Các cơ quan tỉnh, Đảng ủy Khối Doanh nghiệp tỉnh', 'Định kỳ hằng năm, báo cáo kết quả thực hiện về Thường trực Tỉnh ủy'],
    ['004:TCTH:3', 'Mặt trận tổ quốc và các tổ chức chính trị - xã hội tỉnh', ['bao-bac-giang', 'truong-chinh-tri-tinh', 'mttq-doan-the-tinh'], 'Báo Bắc Giang, Trường Chính trị tỉnh, Mặt trận tổ quốc và các tổ chức chính trị - xã hội tỉnh', 'Căn cứ Đề án này'],
    ['004:TCTH:4', '› 4. Các huyện ủy, thành ủy', ['huyen-uy-thanh-uy'], 'Các huyện ủy, thành ủy', 'Tập trung đầu tư xây dựng, nâng cấp phòng họp trực tuyến cấp huyện'],
    ['004:TCTH:5', '› 5. Văn phòng Tỉnh ủy', ['van-phong-tinh-uy'], 'Văn phòng Tỉnh ủy', 'Phối hợp với Công an tỉnh, Sở Thông tin và Truyền thông bảo đảm an toàn, an ninh thông tin'],
  ])('%s', (id, section, ids, agencyText, duty) => {
    const r = record(id);
    expect(r.section.endsWith(section), r.section).toBe(true);
    expect(r.agencyIds).toEqual(ids);
    expect(r.agencyText).toBe(agencyText);
    expect(r.duties.some((d) => d.text.startsWith(duty)), r.duties.map((d) => d.text.slice(0, 60)).join(' | ')).toBe(true);
  });

  test('004 item 1: the paragraph cut by a blank line is one duty over lines 257–259', () => {
    const [duty] = record('004:TCTH:1').duties;
    expect(duty?.lines).toEqual([257, 259]);
    expect(duty?.text).toContain('chỉ đạo Sở Kế hoạch và Đầu tư, Sở Tài chính phối hợp');
    expect(duty?.namedIds).toEqual(expect.arrayContaining(['so-tt-tt', 'van-phong-tinh-uy', 'so-kh-dt', 'so-tai-chinh']));
  });

  test('markup is removed and line breaks joined (003 "***hoàn thành trong tháng 6/2019.***")', () => {
    expect(record('003:TCTH:1').duties[0]?.text.endsWith('giai đoạn 2019-2025 và từng năm; hoàn thành trong tháng 6/2019.')).toBe(true);
    expect(record('001:TCTH:1').duties[0]?.text).toBe(
      'Chủ trì tổ chức triển khai, hướng dẫn, theo dõi, đôn đốc, kiểm tra và phối hợp với các cấp, các ngành triển khai thực hiện Kế hoạch; tổng hợp kết quả báo cáo UBND tỉnh theo quy định.',
    );
  });
});

describe('what an agency is responsible for', () => {
  test.each<[string, string[], string[]]>([
    // [agency, record ids of responsibilitiesOf, record ids with a duty that only names it]
    ['so-tai-chinh', ['001:TCTH:2', '001:TCTH:3', '001:TCTH:ket'], ['004:TCTH:1']],
    ['so-kh-dt', ['001:TCTH:2', '001:TCTH:3', '001:TCTH:ket'], ['004:TCTH:1']],
    ['thanh-tra-tinh', ['001:TCTH:3', '001:TCTH:ket'], []],
    ['ubnd-huyen-luc-ngan', ['001:TCTH:3', '001:TCTH:ket'], []],
    ['ban-tuyen-giao-tinh-uy', ['003:TCTH:3', '004:TCTH:2'], ['003:TCTH:4']],
    ['van-phong-tinh-uy', ['004:TCTH:2', '004:TCTH:5'], ['004:TCTH:1', '004:TCTH:2', '004:TCTH:3', '004:TCTH:4']],
    ['cong-an-tinh', [], ['004:TCTH:5']],
    ['phong-cntt', ['002:TCTH:1', '002:TCTH:ket'], []],
    ['huyen-uy-thanh-uy', ['003:TCTH:2', '004:TCTH:4'], []],
    ['so-tt-tt', ['001:TCTH:1', '001:TCTH:3', '001:TCTH:ket'], ['001:TCTH:2', '001:TCTH:3', '001:TCTH:4', '001:TCTH:ket', '004:TCTH:1', '004:TCTH:3', '004:TCTH:5']],
  ])('%s', (agencyId, records, namedIn) => {
    expect(lookup.responsibilitiesOf(agencyId).map((r) => r.id)).toEqual(records);
    const named = lookup.dutiesOf(agencyId).filter((d) => d.via === 'named').map((d) => d.record.id);
    expect([...new Set(named)]).toEqual(namedIn);
  });

  test('Văn phòng Tỉnh ủy: its seven duties in 004 as subject; Công an tỉnh: the security duty it is named in', () => {
    const own = lookup.dutiesOf('van-phong-tinh-uy').filter((d) => d.via === 'subject');
    expect(own).toHaveLength(7);
    expect(own.every((d) => d.record.id === '004:TCTH:5')).toBe(true);
    const police = lookup.dutiesOf('cong-an-tinh');
    expect(police.map((d) => d.duty.text)).toEqual(['Phối hợp với Công an tỉnh, Sở Thông tin và Truyền thông bảo đảm an toàn, an ninh thông tin; kiểm tra an ninh thiết bị trước khi đưa vào sử dụng.']);
  });

  test('a document filter keeps to that document', () => {
    expect(lookup.responsibilitiesOf('so-tai-chinh', ['004'])).toEqual([]);
    expect(lookup.dutiesOf('so-tai-chinh', ['004']).map((d) => d.via)).toEqual(['named']);
    expect(lookup.responsibilitiesOf('so-tai-chinh', ['001'])).toHaveLength(3);
  });
});

describe('finding a duty from a question', () => {
  test.each<[string, string, number, string[]?]>([
    // [question, record id, duty index, document filter]
    ['nếu gặp khó khăn vướng mắc thì phản ánh về đâu?', '001:TCTH:ket', 0],
    ['neu gap kho khan vuong mac thi phan anh ve dau', '001:TCTH:ket', 0],
    ['trong quá trình thực hiện kế hoạch có vướng mắc thì báo cho ai', '001:TCTH:ket', 0, ['001']],
    ['ai tuyên truyền nội dung Nghị quyết 433?', '003:TCTH:3', 0],
    ['ai kiểm tra an ninh thiết bị trước khi đưa vào sử dụng', '004:TCTH:5', 3],
    ['hạn báo cáo kết quả thực hiện quy hoạch hằng năm', '002:TCTH:1', 1],
    ['các sở báo cáo kết quả thực hiện kế hoạch chuyển đổi số hằng quý trước ngày nào', '001:TCTH:3', 2, ['001']],
    ['ai cân đối, bố trí kinh phí thực hiện kế hoạch năm 2024', '001:TCTH:2', 0, ['001']],
    ['phòng họp trực tuyến cấp huyện, cấp xã', '004:TCTH:4', 1],
    ['ai theo dõi, đôn đốc, kiểm tra việc triển khai Nghị quyết', '003:TCTH:4', 0, ['003']],
  ])('%s', (question, id, dutyIndex, docIds) => {
    const [best] = lookup.searchResponsibilities(question, 3, docIds);
    expect(best?.record.id).toBe(id);
    expect(best?.dutyIndex).toBe(dutyIndex);
    expect(best?.coverage).toBeGreaterThan(0.4);
  });

  test('the document filter is honoured and coverage is a share', () => {
    const matches = lookup.searchResponsibilities('báo cáo kết quả thực hiện', 10, ['004']);
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.every((m) => m.record.docId === '004' && m.coverage >= 0 && m.coverage <= 1)).toBe(true);
  });
});

describe('the extractor on small documents', () => {
  const doc = (lines: string[]): LoadedDocument => ({ meta: makeMeta({ id: 'T' }), lines, format: 'txt' });

  test('a sentence opening with another agency is that agency\'s duty, not the heading\'s', () => {
    const { records } = extractResponsibilities(
      doc([
        'IV. TỔ CHỨC THỰC HIỆN',
        '',
        '1. Văn phòng Tỉnh ủy',
        '',
        '- Quản lý vận hành cổng thông tin điện tử của Tỉnh ủy. Công an tỉnh phối hợp với Văn phòng Tỉnh ủy kiểm tra an ninh thiết bị.',
        '',
        '- Giao Sở Tài chính bố trí kinh phí.',
        '',
        '- Tiếp nhận phần mềm.',
        '',
        'Nơi nhận:',
        '- Lưu VT.',
      ]),
      agencies,
    );
    expect(records.map((r) => [r.id, r.agencyIds, r.duties.map((d) => d.text)])).toEqual([
      ['T:TCTH:1', ['van-phong-tinh-uy'], ['Quản lý vận hành cổng thông tin điện tử của Tỉnh ủy.', 'Tiếp nhận phần mềm.']],
      ['T:TCTH:1.1', ['cong-an-tinh'], ['Công an tỉnh phối hợp với Văn phòng Tỉnh ủy kiểm tra an ninh thiết bị.']],
      ['T:TCTH:1.2', ['so-tai-chinh'], ['Giao Sở Tài chính bố trí kinh phí.']],
    ]);
    expect(records[1]?.duties[0]?.namedIds).toEqual(['van-phong-tinh-uy']);
    expect(records[1]?.section).toBe('IV. Tổ chức thực hiện › 1. Văn phòng Tỉnh ủy');
  });

  test('a numbered paragraph with no subject continues the previous one; a year at a line start is no item number', () => {
    const { records, units } = extractResponsibilities(
      doc([
        'III. TỔ CHỨC THỰC HIỆN',
        '1. Sở Tư pháp chủ trì thẩm định văn bản năm',
        '2024. Việc này làm hằng quý.',
        '2. Báo cáo kết quả về UBND tỉnh trước ngày 10/10.',
        '3. Nội dung không giao cho ai.',
      ]),
      agencies,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: 'T:TCTH:1', section: 'III. Tổ chức thực hiện › 1–3', agencyIds: ['so-tu-phap'], lines: [2, 5] });
    expect(records[0]?.duties.map((d) => d.lines)).toEqual([[2, 3], [4, 4], [5, 5]]);
    expect(units).toHaveLength(3);
  });

  test('no section, no records', () => {
    expect(extractResponsibilities(doc(['I. MỤC TIÊU', 'Nội dung.']), agencies)).toEqual({ records: [], units: [] });
  });
});

describe('storage', () => {
  test('saved with the other records and loaded back unchanged', () => {
    const db = openDatabase(':memory:');
    try {
      saveRecords(db, set.tasks, set.targets, ['x'], set.responsibilities);
      const loaded = loadRecords(db);
      expect(loaded.responsibilities).toEqual(set.responsibilities);
      expect(loaded.tasks).toHaveLength(set.tasks.length);
      saveRecords(db, set.tasks, set.targets, []);
      expect(loadRecords(db).responsibilities).toEqual([]);
    } finally {
      db.close();
    }
  });

  test('a database built before migration 5 keeps its records and then takes responsibilities', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of migrations.filter((x) => x.version <= 4)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then');
      }
      saveRecords(db, set.tasks.slice(0, 3), [], []);
      // As the index build does: one transaction, so the refused save leaves the old rows.
      expect(() => db.transaction(() => saveRecords(db, [], [], [], set.responsibilities))()).toThrow(/CHECK/);
      expect(migrate(db).slice(0, 2)).toEqual([5, 6]); // later migrations follow
      expect(loadRecords(db).tasks).toEqual(set.tasks.slice(0, 3));
      saveRecords(db, set.tasks.slice(0, 3), [], [], set.responsibilities.slice(0, 2));
      expect(loadRecords(db)).toMatchObject({ tasks: set.tasks.slice(0, 3), responsibilities: set.responsibilities.slice(0, 2) });
    } finally {
      db.close();
    }
  });
});
