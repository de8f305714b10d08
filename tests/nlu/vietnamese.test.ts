import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  foldDiacritics,
  hasDiacritics,
  matchKey,
  matchTokens,
  normalizeText,
  tokenize,
} from '../../src/nlu/vietnamese.ts';

const SOURCES_DIR = join(import.meta.dirname, '../../knowledge/sources');

describe('normalizeText: Unicode', () => {
  test.each([
    ['decomposed', 'Chuye\u0302\u0309n \u0111o\u0302\u0309i so\u0302\u0301', 'Chuyển đổi số'],
    ['decomposed, tone before quality mark', 'Chuye\u0309\u0302n', 'Chuyển'],
    ['mixed composed and decomposed', 'Ba\u0306\u0301c Giang và Bắc Giang', 'Bắc Giang và Bắc Giang'],
    ['Eth used for Đ', '\u00d0ề án', 'Đề án'],
    ['zero-width space and BOM removed', '\ufeffUBND\u200b tỉnh', 'UBND tỉnh'],
  ])('%s', (_label, input, expected) => {
    // Act
    const out = normalizeText(input);
    // Assert
    expect(out).toBe(expected);
    expect(out).toBe(out.normalize('NFC'));
  });

  test.each([
    ['  nhiều   khoảng\t trắng \n', 'nhiều khoảng trắng'],
    ['dòng 1\r\ndòng 2', 'dòng 1 dòng 2'],
    ['\u00a0UBND\u00a0tỉnh', 'UBND tỉnh'],
    ['', ''],
  ])('collapses whitespace in %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  test('keeps case', () => {
    expect(normalizeText('UBND Tỉnh Bắc Giang HOÀ')).toBe('UBND Tỉnh Bắc Giang HÒA');
  });
});

describe('normalizeText: tone placement', () => {
  // Open oa/oe/uy: first vowel (hòa, thủy, khỏe, as the brief's examples ask).
  test.each([
    ['hoà', 'hòa'],
    ['thuỷ', 'thủy'],
    ['khoẻ', 'khỏe'],
    ['loà', 'lòa'],
    ['tuỳ', 'tùy'],
    ['hoá', 'hóa'],
    ['hoạ', 'họa'],
    ['Uỷ', 'Ủy'],
    ['thoả', 'thỏa'],
    ['luỹ', 'lũy'],
    ['HOÀ', 'HÒA'],
    ['Hoà', 'Hòa'],
    ['hoè', 'hòe'],
    ['gioỉ', 'giỏi'],
    ['mua\u0300', 'mùa'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  // Already canonical or governed by another rule: unchanged.
  test.each([
    'hòa', 'thủy', 'khỏe',
    'quý', 'quá', 'quạ', 'quỳnh', 'giá', 'già', 'gìn', 'giữa', 'giỏi', 'giếng', // qu/gi are consonants
    'hoạch', 'toán', 'hoàn', 'huỳnh', 'huých', 'khoẻn', 'xoáy', // final consonant: last vowel
    'ngoài', 'khuya', 'khuỷu', 'ngoẹo', // three vowels: the middle one
    'người', 'thuở', 'được', 'của', 'cửa', 'mùa', 'tiếng', 'Nguyễn', 'khuyến', 'hoằng', 'thuế',
    'ý', 'kỹ', 'mỹ', 'tỷ', 'lý', 'kĩ', 'lí', // i/y is not normalizeText's job
    'café', 'email', 'Open Data', '4.2.1',
  ])('%s unchanged', (word) => {
    expect(normalizeText(word)).toBe(word);
  });

  test('places tones in running text', () => {
    // Arrange
    const input = 'Hoà nhập, thuỷ lợi, sức khoẻ; tuỳ theo quá trình giữ gìn';
    // Act
    const out = normalizeText(input);
    // Assert
    expect(out).toBe('Hòa nhập, thủy lợi, sức khỏe; tùy theo quá trình giữ gìn');
  });

  test('is idempotent on tricky words', () => {
    const text = 'hoà thuỷ khoẻ quý giá gìn hoạch khuya người Uỷ ban';
    expect(normalizeText(normalizeText(text))).toBe(normalizeText(text));
  });
});

describe('normalizeText over the source documents', () => {
  const files = readdirSync(SOURCES_DIR).filter((f) => /\.(txt|md)$/.test(f));
  const lines = files.flatMap((f) =>
    readFileSync(join(SOURCES_DIR, f), 'utf8')
      .split('\n')
      .map((line, i) => ({ where: `${f}:${i + 1}`, line })),
  );

  test('finds the documents', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(lines.length).toBeGreaterThan(1000);
  });

  test('every line is NFC after normalisation, and normalisation is idempotent', () => {
    // Act
    const bad = lines.filter(({ line }) => {
      const once = normalizeText(line);
      return once !== once.normalize('NFC') || normalizeText(once) !== once;
    });
    // Assert
    expect(bad.map((b) => b.where)).toEqual([]);
  });

  test('normalisation changes only tone placement and spacing, never the letters', () => {
    const bad = lines.filter(({ line }) => {
      const plain = foldDiacritics(line.normalize('NFC').replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')).replace(/\s+/g, ' ').trim();
      return foldDiacritics(normalizeText(line)) !== plain;
    });
    expect(bad.map((b) => b.where)).toEqual([]);
  });
});

describe('foldDiacritics', () => {
  test.each([
    ['Tỷ lệ Đạt', 'ty le dat'],
    ['đăng ký', 'dang ky'],
    ['ĐỀ ÁN', 'de an'],
    ['Nguyễn Thị Thu Hồng', 'nguyen thi thu hong'],
    ['người ưu tiên ơn', 'nguoi uu tien on'],
    ['Chuye\u0302\u0309n', 'chuyen'],
    ['TT&TT 70% 4.2.1', 'tt&tt 70% 4.2.1'],
    ['ăâêôơư ÁÀẢÃẠ', 'aaeoou aaaaa'],
  ])('%s → %s', (input, expected) => {
    expect(foldDiacritics(input)).toBe(expected);
  });
});

describe('hasDiacritics', () => {
  test.each([
    ['không', true],
    ['đi', true],
    ['Đ', true],
    ['ơ', true],
    ['khong', false],
    ['CSDL', false],
    ['4.2.1 70%', false],
    ['', false],
    ['e\u0301', true],
  ])('%s → %s', (input, expected) => {
    expect(hasDiacritics(input)).toBe(expected);
  });
});

describe('matchKey: i/y and tone placement', () => {
  test.each([
    ['kĩ', 'kỹ'],
    ['kỹ', 'kỹ'],
    ['lí', 'lý'],
    ['mĩ', 'mỹ'],
    ['tỉ', 'tỷ'],
    ['kì', 'kỳ'],
    ['qui', 'quy'],
    ['quí', 'quý'],
    ['hi', 'hy'],
    ['Kĩ', 'kỹ'],
    ['hoà', 'hòa'],
    ['thuỷ', 'thủy'],
    ['Uỷ', 'ủy'],
    ['CSDL', 'csdl'],
    ['tt&tt', 'tt&tt'],
  ])('%s → %s', (token, expected) => {
    expect(matchKey(token)).toBe(expected);
  });

  // Not an i/y variant: diphthongs, standalone y, i after other consonants, closed syllables.
  test.each(['tay', 'tây', 'thủy', 'y', 'ý', 'đi', 'bị', 'thì', 'chi', 'khi', 'nhi', 'gì', 'tỉnh', 'kim', 'lịch', 'ai', 'tuyến'])(
    '%s unchanged',
    (token) => {
      expect(matchKey(token)).toBe(token);
    },
  );

  test('makes spelling variants meet', () => {
    // Arrange
    const pairs: Array<[string, string]> = [
      ['kĩ thuật', 'kỹ thuật'],
      ['quản lí', 'quản lý'],
      ['tỉ lệ', 'tỷ lệ'],
      ['hoà bình', 'hòa bình'],
      ['Quí', 'quý'],
    ];
    // Act + Assert
    for (const [a, b] of pairs) {
      expect(tokenize(a).map(matchKey)).toEqual(tokenize(b).map(matchKey));
    }
  });
});

describe('tokenize', () => {
  test.each<[string, string[]]>([
    ['Chuyển đổi số', ['chuyển', 'đổi', 'số']],
    ['mục 4.2.1.', ['mục', '4.2.1']],
    ['5.820 triệu đồng', ['5.820', 'triệu', 'đồng']],
    ['1,5 tỷ', ['1,5', 'tỷ']],
    ['đạt 70%.', ['đạt', '70%']],
    ['giai đoạn 2023-2025', ['giai', 'đoạn', '2023', '2025']],
    ['ngày 04/5/2019', ['ngày', '04', '5', '2019']],
    ['Sở TT&TT', ['sở', 'tt&tt']],
    ['Sở NN&PTNT', ['sở', 'nn&ptnt']],
    ['Sở KH&ĐT', ['sở', 'kh&đt']],
    ['Trung tâm CNTT&TT', ['trung', 'tâm', 'cntt&tt']],
    ['Sở VH,TT&DL', ['sở', 'vh', 'tt&dl']],
    ['Open Data', ['open', 'data']],
    ['(LGSP)', ['lgsp']],
    ['dung lượng 27GB', ['dung', 'lượng', '27gb']],
    ['433-NQ/TU', ['433', 'nq', 'tu']],
    ['A & B', ['a', 'b']],
    ['năm 2022¹', ['năm', '2022']],
    ['Ho\u0061\u0300 ho\u00e0', ['hòa', 'hòa']],
    ['  ', []],
    ['k) Xây dựng', ['k', 'xây', 'dựng']],
    ['v.v.', ['v', 'v']],
  ])('%j', (input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });
});

describe('matchTokens', () => {
  test('keeps the surface case and computes key, folded form and accent flag', () => {
    // Act
    const [ai, ki, csdl] = matchTokens('AI kĩ csdl');
    // Assert
    expect(ai).toEqual({ surface: 'AI', key: 'ai', folded: 'ai', accented: false });
    expect(ki).toEqual({ surface: 'kĩ', key: 'kỹ', folded: 'ky', accented: true });
    expect(csdl).toEqual({ surface: 'csdl', key: 'csdl', folded: 'csdl', accented: false, clauseEnd: true });
  });

  test.each<[string, boolean[]]>([
    ['tắt khi nào vậy', [false, false, false, true]],
    ['tắt vậy ad, trước năm nào?', [false, false, true, false, false, true]],
    ['phụ lục I. Mục tiêu', [false, false, true, false, true]],
    ['2023-2025 và 4.2.1', [false, false, false, true]],
  ])('marks the last token of each clause: %j', (text, ends) => {
    expect(matchTokens(text).map((t) => t.clauseEnd === true)).toEqual(ends);
  });
});
