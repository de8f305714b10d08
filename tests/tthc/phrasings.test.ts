/**
 * Colloquial phrasings (with and without diacritics, chat spellings) mapped to the right
 * procedure by the catalog's data-driven matcher. The rate is reported and must reach 95%.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';
import { analyze } from '../../src/nlu/vietnamese.ts';
import { ProcedureCatalog } from '../../src/tthc/procedure-catalog.ts';

const knowledgeDir = join(import.meta.dirname, '..', '..', 'knowledge');
const thesaurus = loadThesaurus(join(knowledgeDir, 'thesaurus.yaml'));
const catalog = ProcedureCatalog.load(knowledgeDir, (text, mode) => analyze(text, thesaurus, mode));

/** [message, expected procedure code] — none of these is a phrasing of the catalog verbatim. */
const TABLE: ReadonlyArray<readonly [string, string]> = [
  ['làm giấy khai sinh online', 'khai-sinh'],
  ['khai sinh cho con', 'khai-sinh'],
  ['Cho em hỏi làm giấy khai sinh cho con ở đâu ạ', 'khai-sinh'],
  ['lam giay khai sinh cho be nha minh', 'khai-sinh'],
  ['đăng kí khai sinh cho con thứ 2', 'khai-sinh'],
  ['dk khai sinh online dc ko ad', 'khai-sinh'],
  ['vợ em mới sinh, làm giấy khai sinh thế nào', 'khai-sinh'],
  ['khai sinh cho con qua VNeID', 'khai-sinh'],
  ['thủ tục khai sinh cần gì', 'khai-sinh'],
  ['Đăng ký khai sinh trực tuyến trên cổng dịch vụ công', 'khai-sinh'],
  ['khai tử cho ông nội', 'khai-tu'],
  ['lam giay khai tu cho ba', 'khai-tu'],
  ['ông tôi vừa qua đời, làm giấy chứng tử thế nào', 'khai-tu'],
  ['đăng ký khai tử online được không', 'khai-tu'],
  ['thu tuc khai tu can gi', 'khai-tu'],
  ['Tôi muốn đăng ký kết hôn trực tuyến thì làm thế nào?', 'ket-hon'],
  ['đăng ký kết hôn cần mang giấy tờ gì', 'ket-hon'],
  ['dang ky ket hon o dau', 'ket-hon'],
  ['sắp cưới vợ cần làm giấy đăng ký kết hôn', 'ket-hon'],
  ['lm giấy kết hôn mất bao lâu', 'ket-hon'],
  ['thủ tục đăng kí kết hôn 2025', 'ket-hon'],
  ['lam ly lich tu phap', 'ly-lich-tu-phap'],
  ['xin phiếu lý lịch tư pháp số 1 ở đâu', 'ly-lich-tu-phap'],
  ['lý lịch tư pháp làm online trên vneid', 'ly-lich-tu-phap'],
  ['le phi ly lich tu phap bao nhieu tien', 'ly-lich-tu-phap'],
  ['làm LLTP để đi xuất khẩu lao động', 'ly-lich-tu-phap'],
  ['cấp phiếu lý lịch tư pháp mất mấy ngày', 'ly-lich-tu-phap'],
  ['ly lich tu phap so 2 xin the nao', 'ly-lich-tu-phap'],
  ['xin bản sao giấy khai sinh', 'ban-sao-trich-luc-ho-tich'],
  ['mất giấy khai sinh gốc xin bản sao ở đâu', 'ban-sao-trich-luc-ho-tich'],
  ['trich luc ket hon lam o dau', 'ban-sao-trich-luc-ho-tich'],
  ['cấp bản sao trích lục khai sinh', 'ban-sao-trich-luc-ho-tich'],
  ['nhập hộ khẩu cho con', 'dang-ky-thuong-tru'],
  ['chuyen ho khau ve nha chong can gi', 'dang-ky-thuong-tru'],
  ['đăng ký thường trú online được không', 'dang-ky-thuong-tru'],
  ['thủ tục nhập khẩu vào nhà bố mẹ', 'dang-ky-thuong-tru'],
  ['dang ky thuong tru mat bao lau', 'dang-ky-thuong-tru'],
  ['photo công chứng căn cước ở đâu', 'chung-thuc-ban-sao'],
  ['chứng thực bản sao học bạ', 'chung-thuc-ban-sao'],
  ['sao y ban chinh giay to o xa duoc ko', 'chung-thuc-ban-sao'],
  ['công chứng giấy tờ mất bao nhiêu tiền', 'chung-thuc-ban-sao'],
  ['chứng thực bản sao từ bản chính bằng tốt nghiệp', 'chung-thuc-ban-sao'],
];

describe('colloquial phrasings → procedure', () => {
  const results = TABLE.map(([q, code]) => ({ q, code, got: catalog.recognize(q)?.procedure.code }));
  const rate = results.filter((r) => r.got === r.code).length / results.length;

  test('there are at least 40 phrasings and every expected code is in the catalog', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    for (const [, code] of TABLE) expect(catalog.get(code), code).toBeDefined();
  });

  test(`at least 95% map to the right procedure`, () => {
    const misses = results.filter((r) => r.got !== r.code);
    console.log(`TTHC phrasings: ${results.length - misses.length}/${results.length} = ${(rate * 100).toFixed(1)}%`);
    for (const m of misses) console.log(`  miss: "${m.q}" → ${m.got ?? '(none)'} (expected ${m.code})`);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });

  test.each([
    'Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia năm 2024',
    'quên mật khẩu dịch vụ công',
    'thủ tục xin giấy phép xây dựng',
    'Ai chủ trì xây dựng kho dữ liệu số của tỉnh?',
  ])('"%s" is not taken for a catalog procedure', (q) => {
    expect(catalog.recognize(q)).toBeUndefined();
  });

  test.each([
    ['cần giấy tờ gì?', 'giayto'],
    ['mất bao lâu?', 'thoigian'],
    ['lệ phí bao nhiêu?', 'lephi'],
    ['mat bao lau vay ad', 'thoigian'],
    ['có mất tiền ko', 'lephi'],
    ['thế còn lệ phí thì sao', 'lephi'],
  ])('follow-up "%s" → aspect %s, in the context of the last procedure', (q, aspect) => {
    expect(catalog.followUpPayload(q, 'ket-hon')).toBe(`#tthc:ket-hon:${aspect}`);
    expect(catalog.followUpPayload(q, undefined)).toBeUndefined();
  });

  test('a follow-up naming another procedure is not taken for the current one', () => {
    expect(catalog.followUpPayload('lệ phí làm lý lịch tư pháp bao nhiêu', 'ket-hon')).toBeUndefined();
  });

  test('lists by field', () => {
    expect(catalog.fieldsNamedIn('các thủ tục hộ tịch')).toEqual(['Hộ tịch']);
    expect(catalog.fieldsNamedIn('cac thu tuc ho tich')).toEqual(['Hộ tịch']);
    expect(catalog.asksForList('có những thủ tục nào')).toBe(true);
  });
});
