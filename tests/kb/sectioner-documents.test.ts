/**
 * Sectioning of the four real plan documents: known lines land under the right section path,
 * appendix tables give one chunk per row, and every chunk is clean and cites real lines.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import { sectionDocument } from '../../src/kb/sectioner.ts';
import type { Chunk, LoadedDocument } from '../../src/kb/types.ts';
import { SOURCES_DIR, looseTokens, looselyContains } from './helpers.ts';

const docs = new Map<string, LoadedDocument>();
const chunksOf = new Map<string, Chunk[]>();

beforeAll(async () => {
  const { documents } = await loadKnowledgeSources(SOURCES_DIR);
  for (const doc of documents) {
    docs.set(doc.meta.id, doc);
    chunksOf.set(doc.meta.id, sectionDocument(doc));
  }
});

function chunks(docId: string): Chunk[] {
  const found = chunksOf.get(docId);
  if (!found) throw new Error(`document ${docId} not loaded`);
  return found;
}

function findChunk(docId: string, needle: string, kind?: Chunk['kind']): Chunk {
  const found = chunks(docId).find((c) => c.text.includes(needle) && (kind === undefined || c.kind === kind));
  if (!found) throw new Error(`no ${kind ?? ''} chunk of ${docId} contains "${needle}"`);
  return found;
}

function rows(docId: string, appendixPrefix: string): Chunk[] {
  return chunks(docId).filter((c) => c.kind === 'table_row' && (c.sectionPath[0] ?? '').startsWith(appendixPrefix));
}

describe('section paths of known lines', () => {
  test.each([
    { doc: '001', needle: 'PACS, LIS', kind: 'bullet', path: ['II. Nhiệm vụ', '4. Dữ liệu số', 'c) Lĩnh vực y tế'] },
    { doc: '001', needle: 'Tỷ trọng kinh tế số trong từng ngành', kind: 'bullet', path: ['I. Mục tiêu', '2. Mục tiêu cụ thể', 'b) Phát triển kinh tế số'] },
    { doc: '001', needle: 'Tiếp tục thuê dịch vụ Hệ thống Trung tâm giám sát', kind: 'bullet', path: ['II. Nhiệm vụ', '7. An toàn thông tin mạng', 'b) Trang thiết bị, giải pháp bảo đảm an toàn thông tin mạng'] },
    { doc: '001', needle: 'chủ động bố trí tối thiểu 2% tổng chi ngân sách', kind: 'paragraph', path: ['V. Kinh phí thực hiện'] },
    { doc: '002', needle: 'Vpostcode', kind: 'bullet', path: ['II. Nội dung, giải pháp', '2. Về triển khai các nhiệm vụ liên quan đến quy hoạch phát triển lĩnh vực bưu chính, viễn thông', 'a) Về Bưu chính'] },
    { doc: '002', needle: 'giữ nguyên số lượng 3 cơ quan báo chí', kind: 'paragraph', path: ['II. Nội dung, giải pháp', '3. Phát triển lĩnh vực báo chí, phát thanh, truyền hình, thông tin điện tử và xuất bản, thông tin đối ngoại, thông tin cơ sở', 'Giải pháp thực hiện', 'Về Báo chí'] },
    { doc: '003', needle: 'Phần đầu trên 90% văn bản', kind: 'bullet', path: ['I. Quan điểm, mục tiêu', '2. Mục tiêu', '2.2. Mục tiêu cụ thể', 'b) Về ứng dụng CNTT', 'Giai đoạn 2019-2020'] },
    { doc: '003', needle: 'Giai đoạn 2019-2020, nâng cấp Trung tâm tích hợp dữ liệu', kind: 'paragraph', path: ['I. Quan điểm, mục tiêu', '2. Mục tiêu', '2.2. Mục tiêu cụ thể', 'a) Về hạ tầng CNTT'] },
    { doc: '003', needle: 'hoàn thành trong tháng 6/2019', kind: 'paragraph', path: ['IV. Tổ chức thực hiện'] },
    { doc: '004', needle: 'Xây dựng và đưa vào vận hành Hệ thống thu thập và giám sát an toàn thông tin của Tỉnh ủy.', kind: 'bullet', path: ['Phần thứ hai: Nội dung của đề án', 'II. Mục tiêu', '2. Mục tiêu cụ thể đến năm 2025', '2.3. Bảo đảm an toàn, an ninh thông tin mạng'] },
    { doc: '004', needle: 'Nghị quyết số 36-NQ/TW', kind: 'bullet', path: ['Phần thứ nhất: Sự cần thiết xây dựng đề án', 'I. Căn cứ xây dựng đề án', '1. Các văn bản của Đảng'] },
  ] as const)('$doc: "$needle" lies under $path', ({ doc, needle, kind, path }) => {
    // Act
    const chunk = findChunk(doc, needle, kind);
    // Assert: the chunk sits under the expected headings, in order, from the top.
    expect(chunk.sectionPath.slice(0, path.length)).toEqual([...path]);
  });

  test('003: the "90% văn bản" target is under "2.2. Mục tiêu cụ thể › b) Về ứng dụng CNTT"', () => {
    const path = findChunk('003', '90% văn bản').sectionPath;
    const at = path.indexOf('2.2. Mục tiêu cụ thể');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(path[at + 1]).toBe('b) Về ứng dụng CNTT');
  });
});

describe('appendix tables', () => {
  test.each([
    { doc: '001', appendix: 'Phụ lục I:', count: 20 },
    { doc: '001', appendix: 'Phụ lục II:', count: 2 },
    { doc: '001', appendix: 'Phụ lục III:', count: 77 },
    { doc: '002', appendix: 'Phụ lục', count: 36 },
    { doc: '004', appendix: 'Phụ lục 1:', count: 26 },
    { doc: '004', appendix: 'Phụ lục 2:', count: 9 },
  ])('$doc $appendix has $count row chunks', ({ doc, appendix, count }) => {
    expect(rows(doc, appendix)).toHaveLength(count);
  });

  test('002 row 1.12 is a table row rendered with column names', () => {
    const row = findChunk('002', '1.12 ', 'table_row');
    expect(row.text.startsWith('1.12 Đầu tư, xây dựng, duy trì, vận hành Trung tâm dữ liệu chuyển đổi số tỉnh Bắc Giang.')).toBe(true);
    expect(row.text).toContain('Đơn vị chủ trì: Trung tâm CNTT&TT');
    expect(row.text).toContain('Đơn vị phối hợp: Phòng CNTT');
    expect(row.text).toContain('Thời gian hoàn thành: 2024-2025, duy trì, vận hành tốt các năm tiếp theo');
    expect(row.text).toContain('Sản phẩm: Hệ thống vận hành ổn định');
    expect(row.sectionPath[0]).toBe('Phụ lục: Kế hoạch thực hiện chi tiết các nhiệm vụ về CNTT');
    expect(row.sectionPath.at(-1)).toBe('Các nhiệm vụ duy trì, vận hành, triển khai các dự án chuyển đổi số');
  });

  test('002 cells wrapped onto a tab-led line are merged into their row', () => {
    const row = findChunk('002', '1.5 ', 'table_row');
    expect(row.text).toContain('cho cán bộ công chức viên chức');
    expect(row.text).toContain('Đơn vị phối hợp: Trung tâm CNTT&TT');
    expect(row.lineEnd).toBeGreaterThan(row.lineStart);
  });

  test('004 row about the Provincial Party Committee monitoring system carries its budget', () => {
    const row = findChunk('004', 'Hệ thống thu thập và giám sát an toàn thông tin của Tỉnh ủy', 'table_row');
    expect(row.text).toContain('Dự kiến tổng kinh phí: 5.820 triệu đồng');
    expect(row.text).toContain('Đơn vị chủ trì: Văn phòng Tỉnh ủy');
    expect(row.sectionPath).toEqual([
      'Phụ lục 1: Danh mục các dự án, nhiệm vụ CNTT các ban đảng, đảng ủy CCQ tỉnh, ĐUKDN tỉnh giai đoạn 2022-2025',
      'I. Phát triển hạ tầng kỹ thuật',
    ]);
  });

  test('004 sub-rows a), b), c) belong to their parent row 1.2', () => {
    const row = findChunk('004', '1.2 Hệ thống thông tin chuyên ngành Tổ chức', 'table_row');
    expect(row.text).toContain('a) Tiếp nhận, triển khai phần mềm quản lý cán bộ theo phân cấp');
    expect(row.text).toContain('c) Tiếp nhận, triển khai phần mềm quản lý dữ liệu đảng viên 3.0');
    expect(chunks('004').filter((c) => c.text.startsWith('b) '))).toHaveLength(0);
  });

  test('004 year columns are reported with the money column', () => {
    const row = findChunk('004', '1.1 Xây dựng phòng họp trực tuyến chung của Tỉnh ủy', 'table_row');
    expect(row.text).toContain('Dự kiến tổng kinh phí: 3.200 triệu đồng (2022: 3.200)');
  });

  test('004 group rows are headings of the rows under them (a mis-numbered "I" nests under "II")', () => {
    const row = findChunk('004', '1.3 Tiếp nhận, triển khai Hệ thống thông tin chuyên ngành Kiểm tra', 'table_row');
    expect(row.sectionPath.slice(1)).toEqual(['II. Hệ thống thông tin, phần mềm ứng dụng', 'I. Phần mềm do Trung ương chuyển giao']);
  });

  test('001 Phụ lục III rows sit under their group rows', () => {
    const row = findChunk('001', '4.2.2 Trang bị và triển khai hệ thống lưu trữ', 'table_row');
    expect(row.sectionPath.slice(1)).toEqual(['4. Dữ liệu số', '4.2. Lĩnh vực Y tế']);
  });

  test('001 a row keeps its text across a page break and a page number', () => {
    const row = findChunk('001', '6.1 Tổ chức các khóa bồi dưỡng, nâng cao nhận thức', 'table_row');
    expect(row.text).toContain('Nâng cao kỹ năng và nhận thức về an toàn, an ninh thông tin trong thời đại số');
    expect(row.text).not.toMatch(/ 14 /);
  });

  test('001 numbers one row 4.4.4 twice and skips 4.12: both 4.4.4 rows exist, 4.13 rows follow 4.11', () => {
    expect(rows('001', 'Phụ lục III:').filter((c) => c.text.startsWith('4.4.4 '))).toHaveLength(2);
    expect(rows('001', 'Phụ lục III:').filter((c) => c.text.startsWith('4.13.'))).toHaveLength(2);
  });

  test.each([
    { doc: '001', header: 'STT Chỉ tiêu' },
    { doc: '001', header: 'Danh mục nhiệm vụ, dự án Nội dung' },
    { doc: '002', header: 'Nội dung Đơn vị chủ trì' },
    { doc: '004', header: 'Tên nhiệm vụ' },
    { doc: '004', header: '2022 2023 2024 2025' },
  ])('$doc: repeated table header "$header" never ends up inside a chunk', ({ doc, header }) => {
    expect(chunks(doc).filter((c) => c.text.includes(header))).toEqual([]);
  });
});

describe('clean text, real line ranges', () => {
  const ALL = ['001', '002', '003', '004'];

  test.each(ALL)('%s: no HTML tags, markdown emphasis or footnote markers in chunk text or paths', (doc) => {
    for (const chunk of chunks(doc)) {
      expect(chunk.text).not.toMatch(/<\/?[a-z]+[^>]*>|\*\*|[¹²³]/);
      expect(chunk.text).not.toContain('<i>');
      for (const heading of chunk.sectionPath) expect(heading).not.toMatch(/[*#<>]/);
    }
  });

  test.each(ALL)('%s: ids are unique, ranges are inside the file, date is the document date', (doc) => {
    const all = chunks(doc);
    const loaded = docs.get(doc);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const chunk of all) {
      expect(chunk.id.startsWith(`${doc}:${chunk.lineStart}-${chunk.lineEnd}`)).toBe(true);
      expect(chunk.docId).toBe(doc);
      expect(chunk.date).toBe(loaded?.meta.date);
      expect(chunk.lineStart).toBeGreaterThanOrEqual(1);
      expect(chunk.lineEnd).toBeGreaterThanOrEqual(chunk.lineStart);
      expect(chunk.lineEnd).toBeLessThanOrEqual(loaded?.lines.length ?? 0);
      expect(chunk.text.trim().length).toBeGreaterThan(0);
    }
  });

  test.each(ALL)("%s: the first line's words occur in the chunk (loosely)", (doc) => {
    const lines = docs.get(doc)?.lines ?? [];
    const misses = chunks(doc)
      .filter((c) => !/#[2-9]\d*$/.test(c.id)) // later pieces of a split paragraph start mid-way
      .filter((c) => {
        const words = new Set(looseTokens(c.text));
        return !looseTokens(lines[c.lineStart - 1] ?? '').slice(0, 3).every((w) => words.has(w));
      })
      .map((c) => c.id);
    expect(misses).toEqual([]);
  });

  test.each(ALL)('%s: prose chunks stay under ~900 characters (long paragraphs split with #n)', (doc) => {
    for (const chunk of chunks(doc).filter((c) => c.kind !== 'table_row')) expect(chunk.text.length).toBeLessThanOrEqual(900);
  });

  test('long paragraphs are split at sentence boundaries with the same line range', () => {
    const pieces = chunks('003').filter((c) => c.id.startsWith('003:9-9#'));
    expect(pieces.map((c) => c.id)).toEqual(['003:9-9#1', '003:9-9#2', '003:9-9#3']);
    for (const piece of pieces) expect(piece.text).toMatch(/[.;:]$/);
  });

  test.each([
    { doc: '001', sentence: 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến trên hệ thống thông tin giải quyết TTHC đạt trên 70%.' },
    { doc: '001', sentence: 'Căn cứ các Kế hoạch của UBND tỉnh: Kế hoạch số 146/KH-UBND ngày 28/6/2019 về triển khai thực hiện Nghị quyết số 433-NQ/TU' },
    { doc: '001', sentence: 'tham gia sàn thương mại điện tử trong nước như: Lazada, Shopee, Tiki, Sendo, Voso.vn.' },
    { doc: '003', sentence: '100% cán bộ lãnh đạo các cấp được bồi dưỡng nâng cao nhận thức, năng lực quản lý nhà nước' },
    { doc: '004', sentence: 'nâng cấp phòng họp trực tuyến dùng chung với UBND huyện, thành phố' },
  ])('$doc: hard line breaks are joined — "$sentence" appears whole in one chunk', ({ doc, sentence }) => {
    expect(chunks(doc).some((c) => c.text.includes(sentence) || looselyContains(c.text, sentence))).toBe(true);
    expect(chunks(doc).some((c) => c.text.includes(sentence))).toBe(true);
  });

  test('001: a heading wrapped over two lines is joined into one section title', () => {
    const chunk = findChunk('001', 'Đẩy mạnh công tác truyền thông về vị trí, vai trò');
    expect(chunk.sectionPath).toEqual([
      'III. Giải pháp',
      '1. Đẩy mạnh công tác truyền thông, nâng cao nhận thức, kỹ năng số, tăng cường tương tác với người dân, doanh nghiệp',
    ]);
  });

  test('001: a lone heading line is not joined to the next paragraph', () => {
    const chunk = findChunk('001', 'Tổ chức hoạt động Ngày Chuyển đổi số tỉnh Bắc Giang năm 2024');
    expect(chunk.text.startsWith('Tổ chức hoạt động')).toBe(true);
    expect(chunk.sectionPath.at(-1)).toBe('a) Ngày Chuyển đổi số');
  });

  test.each([
    { doc: '001', text: 'Lê Ánh Dương' },
    { doc: '001', text: 'Lưu: VT, KGVX' },
    { doc: '002', text: 'Trần Minh Chiêu' },
    { doc: '003', text: 'Bùi Văn Hải' },
    { doc: '003', text: 'Ban Bí thư Trung ương Đảng,' },
    { doc: '004', text: 'Lê Thị Thu Hồng' },
    { doc: '004', text: 'Văn phòng Trung ương Đảng (báo cáo)' },
  ])('$doc: signature blocks and "Nơi nhận" lists are skipped ("$text")', ({ doc, text }) => {
    expect(chunks(doc).filter((c) => c.text.includes(text))).toEqual([]);
  });

  test('004: the footnote marker is stripped and the footnote kept as its own chunk', () => {
    expect(findChunk('004', 'từ tỉnh tới huyện;').text).not.toContain('¹');
    expect(findChunk('004', 'Chú thích: Các ban đảng tỉnh').lineStart).toBe(57);
  });

  test('each document starts with its title as a heading chunk', () => {
    expect(chunks('001')[0]).toMatchObject({ kind: 'heading', sectionPath: [], text: 'Kế hoạch Chuyển đổi số trong các cơ quan nhà nước tỉnh Bắc Giang năm 2024' });
    expect(chunks('003')[0]?.text).toBe('Nghị quyết của Ban Thường vụ Tỉnh ủy về phát triển công nghệ thông tin trên địa bàn tỉnh giai đoạn 2019-2025');
  });

  test('sectioning is deterministic', () => {
    for (const doc of ALL) {
      const loaded = docs.get(doc);
      if (!loaded) throw new Error(doc);
      expect(sectionDocument(loaded)).toEqual(chunks(doc));
    }
  });
});
