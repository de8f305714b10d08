/**
 * The aspect asked is recognised in a message that also names the procedure (accented,
 * unaccented, chat spelling) and in a short follow-up, from the data in aspects.yaml.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';
import { analyze } from '../../src/nlu/vietnamese.ts';
import { ProcedureCatalog } from '../../src/tthc/procedure-catalog.ts';

const knowledgeDir = join(import.meta.dirname, '..', '..', 'knowledge');
const thesaurus = loadThesaurus(join(knowledgeDir, 'thesaurus.yaml'));
const catalog = ProcedureCatalog.load(knowledgeDir, (text, mode) => analyze(text, thesaurus, mode));

/** [message naming a procedure and one aspect, procedure, aspect]. Written for these tests. */
const NAMED: ReadonlyArray<readonly [string, string, string]> = [
  ['làm khai sinh cho bé xong thì nhận được những giấy tờ gì', 'khai-sinh', 'ketqua'],
  ['lam khai sinh cho be xong thi nhan duoc nhung giay to gi', 'khai-sinh', 'ketqua'],
  ['kết hôn xong được cấp những giấy gì ạ', 'ket-hon', 'ketqua'],
  ['ket hon xong duoc cap nhung giay gi a', 'ket-hon', 'ketqua'],
  ['phiếu lý lịch tư pháp có mấy loại vậy', 'ly-lich-tu-phap', 'ketqua'],
  ['ly lich tu phap dc cap so may', 'ly-lich-tu-phap', 'ketqua'],
  ['đăng ký thường trú xong có được cấp giấy gì không', 'dang-ky-thuong-tru', 'ketqua'],
  ['dang ky thuong tru lam online tren trang nao', 'dang-ky-thuong-tru', 'tructuyen'],
  ['nhập hộ khẩu cho mẹ vợ làm trực tuyến ở trang web nào', 'dang-ky-thuong-tru', 'tructuyen'],
  ['lam ly lich tu phap tren vneid duoc ko', 'ly-lich-tu-phap', 'tructuyen'],
  ['đăng ký kết hôn mất bao lâu thì có giấy', 'ket-hon', 'thoigian'],
  ['dk ket hon bao lau thi co giay vay ad', 'ket-hon', 'thoigian'],
  ['mat bao lau thi co ly lich tu phap', 'ly-lich-tu-phap', 'thoigian'],
  ['trích lục kết hôn bao giờ lấy được', 'ban-sao-trich-luc-ho-tich', 'thoigian'],
  ['photo công chứng mất bao lâu', 'chung-thuc-ban-sao', 'thoigian'],
  ['chung thuc ban sao het bn tien', 'chung-thuc-ban-sao', 'lephi'],
  ['khai tu cho ba co mat tien ko', 'khai-tu', 'lephi'],
  ['khai sinh cho con hết bao nhiêu tiền vậy ad', 'khai-sinh', 'lephi'],
  ['làm lý lịch tư pháp tốn bao nhiêu tiền', 'ly-lich-tu-phap', 'lephi'],
  ['người già xin lý lịch tư pháp có phải nộp phí không', 'ly-lich-tu-phap', 'mienphi'],
  ['nguoi gia xin ly lich tu phap co phai nop phi khong', 'ly-lich-tu-phap', 'mienphi'],
  ['hộ nghèo làm khai sinh quá hạn có phải nộp tiền không', 'khai-sinh', 'mienphi'],
  ['chuyen khau ve que can giay to gi', 'dang-ky-thuong-tru', 'giayto'],
  ['đăng ký kết hôn cần chuẩn bị giấy tờ gì', 'ket-hon', 'giayto'],
  ['gửi hồ sơ khai tử qua bưu điện được không', 'khai-tu', 'noinop'],
  ['khai sinh cho con nộp ở đâu', 'khai-sinh', 'noinop'],
];

describe('an aspect asked together with the procedure', () => {
  test.each(NAMED)('"%s" → %s / %s', (q, code, aspect) => {
    const named = catalog.recognize(q);
    expect(named?.procedure.code).toBe(code);
    expect(catalog.detectAspect(q, code)?.aspect.id).toBe(aspect);
  });

  test.each(['đăng ký kết hôn', 'lam giay khai sinh', 'xin lý lịch tư pháp'])('"%s" asks for no aspect (the card answers)', (q) => {
    const named = catalog.recognize(q);
    expect(named).toBeDefined();
    expect(catalog.detectAspect(q, named!.procedure.code)).toBeUndefined();
  });

  test('"làm giấy khai sinh thế nào" is answered by the card (steps lead it)', () => {
    const asked = catalog.detectAspect('làm giấy khai sinh thế nào', 'khai-sinh');
    expect(asked === undefined || asked.aspect.cardWhenNamed).toBe(true);
  });
});

describe('a follow-up in context', () => {
  test.each([
    ['xong thì được nhận giấy gì', 'ketqua'],
    ['có mấy loại', 'ketqua'],
    ['làm online trên trang nào', 'tructuyen'],
    ['người già có phải nộp phí không', 'mienphi'],
    ['nguoi gia co mat phi ko', 'mienphi'],
    ['bao lâu thì có giấy', 'thoigian'],
    ['bao lau lay duoc vay ad', 'thoigian'],
    ['hết bao nhiêu tiền', 'lephi'],
    ['het bn tien', 'lephi'],
    ['gửi qua bưu điện được không', 'noinop'],
  ])('"%s" → %s', (q, aspect) => {
    expect(catalog.followUpPayload(q, 'ly-lich-tu-phap')).toBe(`#tthc:ly-lich-tu-phap:${aspect}`);
  });

  test('a follow-up about a procedure the catalog lacks is not taken for the last one', () => {
    expect(catalog.followUpPayload('còn ly hôn thì cần giấy tờ gì', 'ket-hon')).toBeUndefined();
    expect(catalog.followUpPayload('thế đăng ký tạm trú thì mất bao lâu', 'dang-ky-thuong-tru')).toBeUndefined();
  });

  test('every aspect has examples with and without diacritics', () => {
    const folded = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/gu, '').replace(/đ/gu, 'd');
    for (const a of catalog.aspects) {
      if (a.id === 'cancu' || a.id === 'buoc' || a.id === 'doituong') continue;
      expect(a.examples.some((e) => folded(e) === e), a.id).toBe(true);
      expect(a.examples.some((e) => folded(e) !== e), a.id).toBe(true);
    }
  });
});
