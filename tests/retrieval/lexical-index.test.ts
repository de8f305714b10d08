import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { LexicalIndex } from '../../src/retrieval/lexical-index.ts';
import { analyze } from '../../src/nlu/vietnamese.ts';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';

const thesaurus = loadThesaurus(join(import.meta.dirname, '../../knowledge/thesaurus.yaml'));
const analyzer = (text: string, mode: 'query' | 'document') => analyze(text, thesaurus, mode);

const docs = [
  'Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao dịch thanh toán của dịch vụ công đạt trên 60%.',
  'Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng đạt trên 90%.',
  'Xây dựng CSDL đất đai của huyện Lục Ngạn và Sơn Động.',
  'Xây dựng phòng họp trực tuyến chung của Tỉnh ủy, 150 chỗ ngồi.',
  'Duy trì, phát triển Cổng dữ liệu mở (Open Data) tỉnh Bắc Giang.',
  'Giá đất và thị trường bất động sản được cập nhật vào cơ sở dữ liệu.',
];
const index = LexicalIndex.build(docs, analyzer);

describe('lexical search over Vietnamese syllables', () => {
  test.each([
    ['with diacritics', 'tỷ lệ thanh toán trực tuyến', 0],
    ['without diacritics', 'ty le thanh toan truc tuyen', 0],
    ['decomposed Unicode input', 'tỷ lệ thanh toán trực tuyến'.normalize('NFD'), 0],
    ['synonym "online" for "trực tuyến"', 'thanh toan online', 0],
    ['abbreviation CSDL expands to cơ sở dữ liệu', 'cơ sở dữ liệu đất đai Lục Ngạn', 2],
    ['full form finds the abbreviation', 'co so du lieu dat dai', 2],
    ['latin words', 'open data', 4],
    ['internet without diacritics', 'internet cap quang ho gia dinh', 1],
  ])('%s finds the right sentence first', (_label, query, expected) => {
    // Act
    const hits = index.search(query, 3);
    // Assert
    expect(hits[0]?.index).toBe(expected);
  });

  test('a query with diacritics prefers the exact words over a folded look-alike', () => {
    // "phòng họp" vs nothing similar; "giá đất" must beat "đất đai" for "giá đất"
    const hits = index.search('giá đất', 2);
    expect(hits[0]?.index).toBe(5);
  });

  test('coverage says how much of the question a hit contains', () => {
    const [top] = index.search('ty le thanh toan truc tuyen', 1);
    expect(top?.coverage).toBe(1);
    const [weak] = index.search('thanh toán học phí trường mầm non', 1);
    expect(weak?.coverage ?? 0).toBeLessThan(0.5);
  });

  test('question words alone find nothing', () => {
    expect(index.search('ai là gì', 3)).toEqual([]);
  });
});
