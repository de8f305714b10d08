import { describe, expect, test } from 'vitest';
import { classifyMarker, prepareLines } from '../../src/kb/sectioning/markers.ts';
import { plausibleNext } from '../../src/kb/sectioning/pdf-table.ts';
import { cleanText, endsSentence, shortTitle, splitLongText, tidyCase } from '../../src/kb/sectioning/text-clean.ts';

describe('cleanText', () => {
  test.each([
    { input: '<p>Xây dựng (<i>kết nối</i>)</p> <ul style="x"> - <i>Một</i></ul>', expected: 'Xây dựng (kết nối) - Một' },
    { input: '***hoàn thành trong tháng 6/2019.***', expected: 'hoàn thành trong tháng 6/2019.' },
    { input: '(*trừ văn bản mật*) và _nhấn mạnh_', expected: '(trừ văn bản mật) và nhấn mạnh' },
    { input: 'PHỤ LỤC**Kế hoạch***(Ban hành)*', expected: 'PHỤ LỤC Kế hoạch (Ban hành)' },
    { input: 'tới huyện¹; chỗ ngồi²', expected: 'tới huyện; chỗ ngồi' },
    { input: 'Sở TT&amp;TT  &nbsp; tỉnh ,  xã', expected: 'Sở TT&TT tỉnh, xã' },
  ])('$input → $expected', ({ input, expected }) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('tidyCase', () => {
  test.each([
    { input: 'NHIỆM VỤ', expected: 'Nhiệm vụ' },
    { input: 'DỮ LIỆU SỐ TỈNH BẮC GIANG', expected: 'Dữ liệu số tỉnh Bắc Giang' },
    { input: 'DANH MỤC NHIỆM VỤ CNTT CÁC BAN ĐẢNG, ĐẢNG ỦY CCQ TỈNH, ĐUKDN TỈNH', expected: 'Danh mục nhiệm vụ CNTT các ban đảng, đảng ủy CCQ tỉnh, ĐUKDN tỉnh' },
    { input: 'CỦA BAN THƯỜNG VỤ TỈNH ỦY', expected: 'Của Ban Thường vụ Tỉnh ủy' },
    { input: 'MTTQ VÀ CÁC ĐOÀN THỂ CT-XH', expected: 'MTTQ và các đoàn thể CT-XH' },
    { input: 'Lĩnh vực Y tế', expected: 'Lĩnh vực Y tế' },
  ])('$input → $expected', ({ input, expected }) => {
    expect(tidyCase(input)).toBe(expected);
  });
});

describe('shortTitle and splitLongText', () => {
  test('a title within the limit is kept, without trailing punctuation', () => {
    expect(shortTitle('Về Bưu chính:')).toBe('Về Bưu chính');
  });

  test('a long title is cut at its colon, or at a word boundary with an ellipsis', () => {
    const lead = 'Nhu cầu vốn thực hiện Đề án của các cơ quan tham mưu, giúp việc Tỉnh ủy và Đảng ủy Các cơ quan tỉnh, Đảng ủy Khối doanh nghiệp tỉnh';
    expect(shortTitle(`${lead}: 36.024 triệu đồng.`)).toBe(lead);
    const long = 'Xây dựng '.repeat(30).trim();
    const cut = shortTitle(long);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(131);
  });

  test('splitLongText packs whole sentences up to the limit', () => {
    const text = Array.from({ length: 12 }, (_, i) => `Câu số ${i + 1} nói về dữ liệu số của tỉnh.`).join(' ');
    const pieces = splitLongText(text, 100);
    expect(pieces.join(' ')).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(100);
      expect(piece.endsWith('tỉnh.')).toBe(true);
    }
  });

  test.each([
    { text: 'đạt trên 70%. ', strict: true, expected: true },
    { text: 'cụ thể như sau:', strict: true, expected: true },
    { text: 'Danh mục dùng chung; ', strict: true, expected: false },
    { text: 'Danh mục dùng chung; ', strict: false, expected: true },
    { text: 'thực hiện Nghị quyết số ', strict: false, expected: false },
  ])('endsSentence("$text", strict=$strict) = $expected', ({ text, strict, expected }) => {
    expect(endsSentence(text, strict)).toBe(expected);
  });
});

describe('classifyMarker', () => {
  test.each([
    { line: 'Phụ lục I ', kind: 'appendix', label: 'Phụ lục I' },
    { line: 'PHỤ LỤC 2: DANH MỤC', kind: 'appendix', label: 'Phụ lục 2' },
    { line: 'Phần thứ hai NỘI DUNG CỦA ĐỀ ÁN', kind: 'part', label: 'Phần thứ hai' },
    { line: 'II. NHIỆM VỤ ', kind: 'roman', label: 'II.' },
    { line: 'I- CĂN CỨ XÂY DỰNG ĐỀ ÁN', kind: 'roman', label: 'I.' },
    { line: ' 10. Xã hội số ', kind: 'arabic', label: '10.' },
    { line: '### 2.1. Mục tiêu tổng quát', kind: 'arabic', label: '2.1.' },
    { line: 'đ) Lĩnh vực tài nguyên và môi trường ', kind: 'letter', label: 'đ)' },
    { line: '(3) Thiết lập bảng tin điện tử công cộng', kind: 'paren', label: '(3)' },
    { line: ' - Tỷ lệ thủ tục hành chính', kind: 'dash', label: '' },
    { line: '+ Về Báo chí', kind: 'plus', label: '' },
    { line: '## Tiêu đề không đánh số', kind: 'mdheading', label: '' },
  ])('"$line" → $kind $label', ({ line, kind, label }) => {
    const [prepared] = prepareLines([line]);
    expect(prepared && classifyMarker(prepared)).toMatchObject({ kind, label });
  });

  test.each(['2.0, Kiến trúc tham chiếu', '28/6/2019 về triển khai', '(Chi tiết tại Phụ lục II, III kèm theo)', '100% hồ sơ', '-----'])(
    '"%s" is plain text',
    (line) => {
      const [prepared] = prepareLines([line]);
      expect(prepared && classifyMarker(prepared)).toBeUndefined();
    },
  );
});

describe('plausibleNext (row numbering in PDF tables)', () => {
  test.each([
    { previous: [], next: [1], expected: true },
    { previous: [4], next: [4, 1], expected: true },
    { previous: [4, 1, 6], next: [4, 2], expected: true },
    { previous: [4, 4, 4], next: [4, 4, 4], expected: true },
    { previous: [4, 11, 2], next: [4, 13], expected: true },
    { previous: [6, 1], next: [14], expected: false },
    { previous: [1], next: [1, 0], expected: false },
    { previous: [4, 1], next: [4, 1, 0], expected: false },
  ])('$previous → $next: $expected', ({ previous, next, expected }) => {
    expect(plausibleNext(previous, next)).toBe(expected);
  });
});
