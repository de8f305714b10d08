/**
 * Questions typed on a phone — no diacritics, chat spellings, fillers — find the same
 * passage first as the same question typed with accents, over the real documents.
 * The pairs are written for this test (not taken from any evaluation set).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LexicalIndex } from '../../src/retrieval/lexical-index.ts';
import { analyze } from '../../src/nlu/vietnamese.ts';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';
import { loadSourceCatalog } from '../../src/kb/sources.ts';
import { sectionDocument } from '../../src/kb/sectioner.ts';
import { indexTextOf } from '../../src/kb/build-index.ts';

const knowledge = join(import.meta.dirname, '../../knowledge');
const thesaurus = loadThesaurus(join(knowledge, 'thesaurus.yaml'));
const analyzer = (text: string, mode: 'query' | 'document') => analyze(text, thesaurus, mode);
const sources = join(knowledge, 'sources');
const chunks = loadSourceCatalog(sources).documents.flatMap((meta) =>
  sectionDocument({ meta, lines: readFileSync(join(sources, meta.file), 'utf8').split('\n'), format: meta.file.split('.').pop() ?? 'txt' }),
);
const index = LexicalIndex.build(chunks.map(indexTextOf), analyzer);
const top = (q: string): string | undefined => {
  const hit = index.search(q, 1)[0];
  return hit === undefined ? undefined : chunks[hit.index]!.id;
};

describe('an unaccented, chat-spelled question finds what its accented form finds', () => {
  test.each<[string, string]>([
    ['Hệ thống thông tin báo cáo của tỉnh do ai xây dựng vậy ạ?', 'ht thong tin bao cao cua tinh do ai xay dung z a'],
    ['Sở Thông tin và Truyền thông phối hợp tắt sóng 2G khi nào?', 'so tt phoi hop tat song 2g khi nao vay ad'],
    ['Cơ sở dữ liệu giám sát dịch bệnh cây trồng của Sở nào?', 'csdl giam sat dich benh cay trong cua so nao v'],
    ['Những nơi nào được ưu tiên phát triển hạ tầng mạng di động 5G?', 'nhug noi nao dc uu tien phat trien ha tang mang di dong 5g nhe'],
    ['Phòng họp trực tuyến mới của Tỉnh ủy có bao nhiêu chỗ ngồi?', 'phong hop truc tuyen moi cua tinh uy co bn cho ngoi thoi'],
    ['Nghị quyết về ứng dụng công nghệ thông tin trong cơ quan đảng do ai ký?', 'nghi quyet ve ung dung cntt trong co quan dang do ai ki vay'],
    ['Thủ tục hành chính được số hóa hồ sơ, kết quả đạt tỷ lệ bao nhiêu?', 'tthc dc so hoa ho so ket qua dat ty le bn a'],
    ['Cổng dịch vụ công của tỉnh thanh toán trực tuyến thế nào?', 'cho em hoi cong dvc cua tinh thanh toan online the nao'],
    ['Ủy ban nhân dân huyện phối hợp cập nhật lớp dữ liệu quy hoạch đô thị ra sao?', 'ubnd huyen phoi hop cap nhat lop du lieu quy hoach do thi ra sao ad oi'],
    ['Kế hoạch số 146 của UBND tỉnh về nông nghiệp là gì?', 'kh so 146 cua ubnd tinh ve nong nghiep la j'],
    ['Tổ công nghệ số cộng đồng hỗ trợ người dân những gì?', 'to cong nghe so cong dong ho tro nguoi dan nhung j vay ad'],
    ['Doanh nghiệp viễn thông được giao nâng cấp mạng 4G ở đâu?', 'dn vien thong dc giao nang cap mang 4g o dau z'],
  ])('%j ~ %j', (accented, typed) => {
    // Act
    const expected = top(accented);
    const got = top(typed);
    // Assert
    expect(expected).toBeDefined();
    expect(got).toBe(expected);
  });

  test('fillers do not count against coverage', () => {
    // Arrange
    const plain = 'song 2g tat truoc nam nao';
    // Act
    const [a] = index.search(plain, 1);
    const [b] = index.search(plain + ' vay ad, nhe', 1);
    // Assert
    expect(b?.index).toBe(a?.index);
    expect(b?.coverage).toBeCloseTo(a?.coverage ?? -1, 6);
    expect(index.queryKeywords(plain + ' vay ad')).toEqual(index.queryKeywords(plain));
  });
});
