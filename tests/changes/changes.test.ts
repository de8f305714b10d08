import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  ChangesError,
  answerAboutToday,
  changeNotes,
  changesReportLines,
  loadChanges,
  parseChanges,
  staleChanges,
  unmarkedAgencies,
  type ChangeSet,
} from '../../src/changes/index.ts';
import { loadConfig } from '../../src/config.ts';
import { loadAgencyDirectory, type AgencyDirectory } from '../../src/records/agencies.ts';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const RAW = (): { changes: Array<Record<string, unknown>>; [k: string]: unknown } =>
  parseYaml(readFileSync(join(KNOWLEDGE, 'changes.yaml'), 'utf8')) as { changes: Array<Record<string, unknown>> };

let agencies: AgencyDirectory;
let changes: ChangeSet;
beforeAll(() => {
  agencies = loadAgencyDirectory(join(KNOWLEDGE, 'agencies.yaml'));
  changes = loadChanges(KNOWLEDGE, agencies);
});

describe('the data file', () => {
  test('loads; every change has a source URL and an act', () => {
    expect(changes.changes.length).toBeGreaterThanOrEqual(9);
    for (const c of changes.changes) {
      expect(c.source).toMatch(/^https?:\/\//);
      expect(c.act.issuer).not.toBe('');
      expect(c.act.number !== null || (c.act.note ?? '') !== '').toBe(true);
    }
  });

  test.each([
    ['source', /thiếu "source".*missing source URL/],
    ['act', /thiếu "act".*missing legal act/],
    ['checked', /missing checked date/],
  ])('a change without %s fails with a clear message naming the change', (field, message) => {
    const data = RAW();
    delete (data.changes[0] as Record<string, unknown>)[field];
    expect(() => parseChanges(data, agencies)).toThrow(ChangesError);
    expect(() => parseChanges(data, agencies)).toThrow(message);
    expect(() => parseChanges(data, agencies)).toThrow(/tinh-bac-giang-hop-nhat/);
  });

  test('an act number left null without a note saying why fails', () => {
    const data = RAW();
    const act = (data.changes[0] as { act: Record<string, unknown> }).act;
    act.number = null;
    delete act.note;
    expect(() => parseChanges(data, agencies)).toThrow(/null number or date needs a note/);
  });

  test('a change naming an agency absent from agencies.yaml fails', () => {
    const data = RAW();
    (data.changes[0] as { new: unknown[] }).new = [{ agency: 'so-khong-ton-tai' }];
    expect(() => parseChanges(data, agencies)).toThrow(/unknown agency "so-khong-ton-tai"/);
  });

  test('an unknown kind fails', () => {
    const data = RAW();
    (data.changes[0] as Record<string, unknown>).kind = 'province_split';
    expect(() => parseChanges(data, agencies)).toThrow(ChangesError);
  });
});

describe('changeNotes: one short line per changed unit a quoted answer names', () => {
  const TT = 'so-tt-tt-vao-so-kh-cn';
  const CASES: Array<[string, string, string[]]> = [
    ['full name', 'Sở Thông tin và Truyền thông chủ trì, phối hợp các sở, ngành', [TT]],
    ['short form', 'Đơn vị chủ trì: Sở TT&TT', [TT]],
    ['without diacritics', 'so thong tin va truyen thong chu tri', [TT]],
    ['typed short, no accents', 'so tttt phoi hop', [TT]],
    ['wrapped as in a table cell', 'Sở Thông tin và \nTruyền thông', [TT]],
    ['the ministry has its own change, not the department\'s', 'Bộ Thông tin và Truyền thông hướng dẫn; Bộ TT&TT', ['bo-tt-tt-vao-bo-kh-cn']],
    ['the surviving name gets no note', 'Sở Khoa học và Công nghệ chủ trì', []],
    ['one note per change, however often named', 'Sở TT&TT; STTTT; Sở Thông tin và Truyền thông', [TT]],
    ['district UBND', 'UBND huyện, thành phố triển khai', ['bo-cap-huyen']],
    ['two changes, in text order', 'Sở KH&ĐT chủ trì, Sở TN&MT phối hợp', ['so-kh-dt-vao-so-tai-chinh', 'so-nn-mt-hop-nhat']],
    ['commune named in 001', 'mô hình Trợ lý ảo của xã Hương Mai', ['xa-huong-mai-vao-phuong-tu-lan']],
    ['the newspaper is not the province', 'Báo Bắc Giang đưa tin', []],
    ['lý lịch tư pháp by its topic words', 'Cấp Phiếu lý lịch tư pháp', ['ly-lich-tu-phap-sang-cong-an']],
    ['Sở Tư pháp alone still exists', 'Sở Tư pháp phối hợp', []],
  ];
  test.each(CASES)('%s', (_label, text, ids) => {
    const notes = changeNotes(text, changes);
    expect(notes).toEqual(ids.map((id) => expect.stringContaining(changes.get(id)?.summary ?? `?${id}`)));
    for (const n of notes) {
      expect(n.startsWith('Lưu ý: ')).toBe(true);
      expect(n.length).toBeLessThanOrEqual(280);
    }
  });

  test('the Sở TT&TT note names the merger and the act, and a plan answer with notes fits Zalo', () => {
    const [note] = changeNotes('Sở TT&TT chủ trì', changes);
    expect(note).toMatch(/Sở Khoa học và Công nghệ/);
    expect(note).toMatch(/45\/2025\/NĐ-CP/);
    const quoted = 'Theo Kế hoạch CĐS năm 2024 của UBND tỉnh, Phụ lục III, mục 8.2: Sở TT&TT chủ trì; UBND huyện, thành phố phối hợp. '.repeat(10);
    const reply = [quoted, ...changeNotes(quoted, changes)].join('\n');
    expect(reply.length).toBeLessThanOrEqual(2000);
  });
});

describe('answerAboutToday', () => {
  const CASES: Array<[string, string[], RegExp[]]> = [
    ['Bắc Giang còn không hay đã sáp nhập?', ['tinh-bac-giang-hop-nhat', 'bac-ninh-thanh-pho-truc-thuoc-tw'], [/tỉnh Bắc Ninh/, /202\/2025\/QH15/, /01\/7\/2025/]],
    ['bac giang sap nhap voi tinh nao', ['tinh-bac-giang-hop-nhat', 'bac-ninh-thanh-pho-truc-thuoc-tw'], [/tỉnh Bắc Ninh/]],
    ['Xã Hương Mai bây giờ thuộc phường nào?', ['xa-huong-mai-vao-phuong-tu-lan'], [/phường Tự Lạn/, /1658\/NQ-UBTVQH15/]],
    ['xa huong mai gio thuoc dau', ['xa-huong-mai-vao-phuong-tu-lan'], [/phường Tự Lạn/]],
    ['Sở TT&TT bây giờ là sở nào?', ['so-tt-tt-vao-so-kh-cn'], [/Sở Khoa học và Công nghệ/, /19\/02\/2025/]],
    ['so tttt gio la so nao', ['so-tt-tt-vao-so-kh-cn'], [/Sở Khoa học và Công nghệ/]],
    ['Sở Thông tin và Truyền thông hiện nay còn không?', ['so-tt-tt-vao-so-kh-cn'], [/Sở Khoa học và Công nghệ/]],
    ['UBND huyện còn không', ['bo-cap-huyen'], [/hai cấp/, /72\/2025\/QH15/]],
    ['nộp hồ sơ ở huyện hay xã', ['bo-cap-huyen'], [/UBND xã, phường/]],
    ['nop ho so o UBND huyen duoc khong', ['bo-cap-huyen'], [/hai cấp/]],
    ['Giờ làm lý lịch tư pháp ở Sở Tư pháp còn không?', ['ly-lich-tu-phap-sang-cong-an'], [/Công an tỉnh/]],
  ];
  test.each(CASES)('%s', (question, ids, patterns) => {
    const answer = answerAboutToday(question, changes);
    expect(answer).toBeDefined();
    expect(answer?.changeIds).toEqual(ids);
    expect(answer?.text.startsWith('Dạ, ')).toBe(true);
    for (const p of patterns) expect(answer?.text).toMatch(p);
    expect(answer?.text).toMatch(/Nguồn: https?:\/\//);
    expect(answer?.text.length).toBeLessThanOrEqual(2000);
    expect(answer?.sources[0]).toMatchObject({ doc: 'changes', section: ids[0] });
    expect(answer?.sources[0]?.url).toMatch(/^https?:\/\//);
  });

  test.each([
    'Sở TT&TT chủ trì nhiệm vụ gì?',
    'Sở Thông tin và Truyền thông hiện nay được giao nhiệm vụ gì trong kế hoạch?',
    'Sở Khoa học và Công nghệ được giao những việc gì trong kế hoạch 2024?',
    'Chỉ tiêu năm 2025 về dịch vụ công trực tuyến là bao nhiêu?',
    'Bây giờ là mấy giờ?',
  ])('not about today (or no changed unit): %s → undefined', (question) => {
    expect(answerAboutToday(question, changes)).toBeUndefined();
  });
});

describe('lineage: agency lookups by the new name', () => {
  test('Sở KH&CN took over Sở TT&TT and the old Sở KH&CN', () => {
    expect(changes.predecessorsOf('so-kh-cn').map((l) => l.agencyId)).toEqual(['so-tt-tt', 'so-kh-cn']);
    expect(changes.successorsOf('so-tt-tt')).toEqual([{ agencyId: 'so-kh-cn', changeId: 'so-tt-tt-vao-so-kh-cn', whole: true }]);
  });
  test('Sở NN&MT from two departments; Sở LĐTB&XH only in part to three', () => {
    expect(changes.predecessorsOf('so-nn-mt').map((l) => l.agencyId)).toEqual(['so-tn-mt', 'so-nn-ptnt']);
    const moved = changes.successorsOf('so-ldtbxh');
    expect(moved.map((l) => l.agencyId)).toEqual(['so-noi-vu', 'so-y-te', 'so-gd-dt']);
    expect(moved.every((l) => !l.whole)).toBe(true);
  });
});

describe('keeping it current (kb:build report)', () => {
  test('staleChanges flags entries checked longer ago than the limit', () => {
    expect(staleChanges(changes, 180, '2026-12-02')).toEqual([]);
    const later = staleChanges(changes, 180, '2027-07-01');
    expect(later.length).toBe(changes.changes.length);
    expect(later[0]?.ageDays).toBe(212);
    const data = RAW();
    (data.changes[1] as Record<string, unknown>).checked = '2025-01-01';
    const old = staleChanges(parseChanges(data, agencies), 180, '2026-12-02');
    expect(old.map((s) => s.change.id)).toEqual(['bac-ninh-thanh-pho-truc-thuoc-tw']);
  });

  test('unmarkedAgencies: named, no change entry, no status mark, not a group', () => {
    const ids = unmarkedAgencies(['so-tt-tt', 'so-y-te', 'bo-tt-tt', 'bo-cong-thuong', 'cac-so-nganh', 'tinh-doan'], agencies, changes).map((a) => a.id);
    expect(ids).toEqual(['bo-cong-thuong', 'tinh-doan']);
  });

  test('report lines', () => {
    const lines = changesReportLines(changes, ['bo-cong-thuong'], { maxAgeDays: 30, today: '2027-01-15' });
    expect(lines[0]).toMatch(/mục kiểm tra đã quá 30 ngày/);
    expect(lines.some((l) => l.includes('CẦN KIỂM TRA LẠI (stale) tinh-bac-giang-hop-nhat'))).toBe(true);
    expect(lines.at(-1)).toMatch(/CHƯA ĐÁNH DẤU \(unmarked\) bo-cong-thuong/);
  });

  test('the age and the provincial portal come from configuration, with defaults right today', () => {
    expect(loadConfig({}).changes.maxAgeDays).toBe(180);
    expect(loadConfig({ CHANGES_MAX_AGE_DAYS: '30' }).changes.maxAgeDays).toBe(30);
    expect(loadConfig({}).officialChannel.provincePortalUrl).toBe('https://dichvucong.gov.vn');
    expect(loadConfig({}).officialChannel.provincePortalUrl).not.toMatch(/bacgiang/);
  });
});
