/**
 * The sectioner's rules on small hand-made documents: one behaviour per case, so a failure
 * says which rule broke.
 */
import { describe, expect, test } from 'vitest';
import { sectionDocument } from '../../src/kb/sectioner.ts';
import type { Chunk } from '../../src/kb/types.ts';
import { makeMeta } from './helpers.ts';

function section(lines: string[], format = 'txt'): Chunk[] {
  return sectionDocument({ meta: makeMeta({ id: 'T', date: '05/2024' }), lines, format });
}

function brief(chunks: Chunk[]): Array<[string, string, string]> {
  return chunks.map((c) => [c.kind, c.sectionPath.join(' › '), c.text]);
}

describe('prose', () => {
  test.each([
    {
      name: 'hard-wrapped PDF lines are joined into one bullet; page-break blank line does not split a sentence',
      lines: ['I. MỤC TIÊU', '', '- Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến trên hệ thống thông tin giải ', '', 'quyết TTHC đạt trên 70%. '],
      expected: [['bullet', 'I. Mục tiêu', 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến trên hệ thống thông tin giải quyết TTHC đạt trên 70%.']],
    },
    {
      name: 'a line ending a sentence followed by a blank line starts a new paragraph',
      lines: ['Đoạn một kết thúc. ', '', 'Đoạn hai bắt đầu.'],
      expected: [['paragraph', '', 'Đoạn một kết thúc.'], ['paragraph', '', 'Đoạn hai bắt đầu.']],
    },
    {
      name: 'a hyphen at the end of a line glues the next line ("111-" + "NQ/TU")',
      lines: ['I. MỤC TIÊU', 'Thực hiện Nghị quyết số 111-', 'NQ/TU của Tỉnh ủy.'],
      expected: [['paragraph', 'I. Mục tiêu', 'Thực hiện Nghị quyết số 111-NQ/TU của Tỉnh ủy.']],
    },
    {
      name: 'a "(10)" inside a wrapped sentence is not a heading',
      lines: ['I. MỤC TIÊU', '- Kết nối: (8) Bưu chính; (9) Danh mục dùng chung; ', '(10) Kết nối CSDL quốc gia về giá.'],
      expected: [['bullet', 'I. Mục tiêu', 'Kết nối: (8) Bưu chính; (9) Danh mục dùng chung; (10) Kết nối CSDL quốc gia về giá.']],
    },
    {
      name: 'a heading wrapped after a comma is one heading; a lone heading is not joined to its paragraph',
      lines: ['III. GIẢI PHÁP', '1. Đẩy mạnh truyền thông, ', 'tăng cường tương tác với người dân ', '', 'Nội dung giải pháp.'],
      expected: [['paragraph', 'III. Giải pháp › 1. Đẩy mạnh truyền thông, tăng cường tương tác với người dân', 'Nội dung giải pháp.']],
    },
    {
      name: 'markdown heading levels are ignored in favour of numbering; bold and italics are stripped',
      lines: ['## **I. QUAN ĐIỂM**', '### **1. Quan điểm**', 'Văn bản *in nghiêng* và **đậm**.', '## 2. Mục tiêu', '#### b) *Về ứng dụng CNTT*:', '- Giai đoạn 2019-2020:', '+ Trên 90% văn bản điện tử.'],
      expected: [
        ['paragraph', 'I. Quan điểm › 1. Quan điểm', 'Văn bản in nghiêng và đậm.'],
        ['bullet', 'I. Quan điểm › 2. Mục tiêu › b) Về ứng dụng CNTT › Giai đoạn 2019-2020', 'Trên 90% văn bản điện tử.'],
      ],
    },
    {
      name: 'an emphasised lead is the title of a lettered item that carries its own text',
      lines: ['2.2. Mục tiêu cụ thể', '', 'a) *Về hạ tầng CNTT*: Giai đoạn 2019-2020, nâng cấp Trung tâm tích hợp dữ liệu.'],
      expected: [['paragraph', '2.2. Mục tiêu cụ thể › a) Về hạ tầng CNTT', 'a) Về hạ tầng CNTT: Giai đoạn 2019-2020, nâng cấp Trung tâm tích hợp dữ liệu.']],
    },
    {
      name: '"Phần thứ" with its title on the next line; "I-" numbering normalised to "I."',
      lines: ['**Phần thứ nhất', 'SỰ CẦN THIẾT XÂY DỰNG ĐỀ ÁN**', '', 'I- CĂN CỨ XÂY DỰNG ĐỀ ÁN', '', '- Luật Đầu tư công.'],
      expected: [['bullet', 'Phần thứ nhất: Sự cần thiết xây dựng đề án › I. Căn cứ xây dựng đề án', 'Luật Đầu tư công.']],
    },
    {
      name: 'a footnote between two halves of a paragraph becomes its own chunk; the marker is stripped',
      lines: ['II- CƠ SỞ THỰC TIỄN', '', 'Mạng thông tin tới huyện¹; Trung tâm được', '', '¹ Các ban đảng tỉnh', '', 'xây dựng xong.'],
      expected: [
        ['paragraph', 'II. Cơ sở thực tiễn', 'Mạng thông tin tới huyện; Trung tâm được xây dựng xong.'],
        ['paragraph', 'II. Cơ sở thực tiễn', 'Chú thích: Các ban đảng tỉnh'],
      ],
    },
    {
      name: '"Nơi nhận" and the signature are skipped up to the next appendix',
      lines: ['I. MỤC TIÊU', 'Nội dung.', 'Nơi nhận: ', '- Như trên;', 'CHỦ TỊCH', 'Nguyễn Văn A', 'Phụ lục I', 'DANH MỤC NHIỆM VỤ', '', 'Ghi chú của phụ lục.'],
      expected: [
        ['paragraph', 'I. Mục tiêu', 'Nội dung.'],
        ['paragraph', 'Phụ lục I: Danh mục nhiệm vụ', 'Ghi chú của phụ lục.'],
      ],
    },
    {
      name: 'a heading whose section stays empty is kept as a heading chunk',
      lines: ['I. MỤC TIÊU', '', 'II. NHIỆM VỤ', 'Nội dung.'],
      expected: [['heading', 'I. Mục tiêu', 'I. Mục tiêu'], ['paragraph', 'II. Nhiệm vụ', 'Nội dung.']],
    },
  ])('$name', ({ lines, expected }) => {
    // Act
    const chunks = section(lines);
    // Assert
    expect(brief(chunks)).toEqual(expected);
  });

  test('the title block before the first rule becomes a heading chunk with no section path', () => {
    const chunks = section(['KẾ HOẠCH ', '', 'Chuyển đổi số tỉnh Bắc Giang năm 2024 ', '–––––––– ', 'Căn cứ các văn bản.']);
    expect(brief(chunks)).toEqual([
      ['heading', '', 'Kế hoạch Chuyển đổi số tỉnh Bắc Giang năm 2024'],
      ['paragraph', '', 'Căn cứ các văn bản.'],
    ]);
    expect(chunks[0]).toMatchObject({ id: 'T:1-3', lineStart: 1, lineEnd: 3, date: '05/2024' });
  });

  test('a long paragraph is split at sentence boundaries into #n chunks with the same line range', () => {
    const sentence = 'Đây là một câu khá dài về chuyển đổi số của tỉnh Bắc Giang, nói về hạ tầng, dữ liệu và con người. ';
    const chunks = section(['I. MỤC TIÊU', sentence.repeat(20).trim()]);
    expect(chunks.length).toBeGreaterThan(1);
    chunks.forEach((chunk, index) => {
      expect(chunk.id).toBe(`T:2-2#${index + 1}`);
      expect(chunk.text.length).toBeLessThanOrEqual(900);
      expect(chunk.text.endsWith('người.')).toBe(true);
    });
  });
});

describe('tab-separated tables', () => {
  const HEADER = 'STT\tTên nhiệm vụ\tThời gian thực hiện\tDự kiến tổng kinh phí (Nguồn vốn ngân sách tỉnh)\tLộ trình thực hiện/ Kinh phí\t\tĐơn vị chủ trì';
  const YEARS = '\t\t\t\t2022\t2023\t';
  const table = [
    'PHỤ LỤC 1: DANH MỤC NHIỆM VỤ',
    '(Kèm theo Đề án số 10-ĐA/TU)',
    'ĐVT: Triệu đồng',
    HEADER,
    YEARS,
    'I\tPhát triển hạ tầng\t\t300\t100\t200\t',
    '1\tPhòng họp <i>trực tuyến</i>\t2022\t100\t100\t\tVăn phòng',
    '',
    HEADER,
    YEARS,
    '2\tHệ thống phần mềm\t2023\t200\t\t200\tBan Tổ chức',
    'a)\tPhần mềm cán bộ\t2023\t50\t\t50\t',
    '',
    '\tquản lý theo phân cấp\t\t\t\t\t',
    'II\tĐào tạo\t\t\t\t\t',
    '\tLớp tập huấn\t2022\t10\t10\t\tTỉnh ủy',
    'TỔNG CỘNG\t\t\t\t110\t200\t',
    'Bảng chữ: Ba trăm mười triệu đồng',
  ];

  test('rows become table_row chunks rendered with column names, groups become their section path', () => {
    // Act
    const chunks = section(table, 'md');
    // Assert
    expect(brief(chunks)).toEqual([
      ['heading', 'Phụ lục 1: Danh mục nhiệm vụ › I. Phát triển hạ tầng', 'I. Phát triển hạ tầng. Dự kiến tổng kinh phí: 300 triệu đồng (2022: 100; 2023: 200).'],
      ['table_row', 'Phụ lục 1: Danh mục nhiệm vụ › I. Phát triển hạ tầng', '1 Phòng họp trực tuyến. Thời gian thực hiện: 2022. Dự kiến tổng kinh phí: 100 triệu đồng (2022: 100). Đơn vị chủ trì: Văn phòng.'],
      [
        'table_row',
        'Phụ lục 1: Danh mục nhiệm vụ › I. Phát triển hạ tầng',
        '2 Hệ thống phần mềm. Thời gian thực hiện: 2023. Dự kiến tổng kinh phí: 200 triệu đồng (2023: 200). Đơn vị chủ trì: Ban Tổ chức. a) Phần mềm cán bộ quản lý theo phân cấp. Thời gian thực hiện: 2023. Dự kiến tổng kinh phí: 50 triệu đồng (2023: 50).',
      ],
      ['table_row', 'Phụ lục 1: Danh mục nhiệm vụ › II. Đào tạo', 'Lớp tập huấn. Thời gian thực hiện: 2022. Dự kiến tổng kinh phí: 10 triệu đồng (2022: 10). Đơn vị chủ trì: Tỉnh ủy.'],
      ['heading', 'Phụ lục 1: Danh mục nhiệm vụ', 'Tổng cộng. Lộ trình thực hiện/ Kinh phí: 2022: 110; 2023: 200 (triệu đồng).'],
      ['paragraph', 'Phụ lục 1: Danh mục nhiệm vụ', 'Bảng chữ: Ba trăm mười triệu đồng'],
    ]);
    const parent = chunks.find((c) => c.text.startsWith('2 Hệ thống'));
    expect(parent).toMatchObject({ lineStart: 11, lineEnd: 14, id: 'T:11-14' });
  });

  test('italic sub-group lines and numbered groups nest; cells continued after a blank line are merged', () => {
    const chunks = section([
      'PHỤ LỤC**Kế hoạch chi tiết***(Ban hành kèm theo Kế hoạch số /KH-STTTT)*',
      'STT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm',
      '1\t<i>Tham mưu triển khai Nghị quyết 111:</i>\t\t\t\t',
      '\t<i>Các nhiệm vụ về quản lý nhà nước</i>\t\t\t\t',
      '1.1\tKế hoạch đào tạo cho cán\tPhòng CNTT\tTrung tâm\tHàng năm\tKế hoạch',
      '',
      '\tbộ công chức viên chức\t\tCNTT&TT\t\t\t',
      '<i>Các nhiệm vụ đảm bảo an ninh thông tin</i>\t\t\t\t\t',
      '1.2\tThuê SOC\tTrung tâm CNTT&TT\tVăn phòng Sở\t2023-2030\t',
    ]);
    expect(brief(chunks)).toEqual([
      [
        'table_row',
        'Phụ lục: Kế hoạch chi tiết › 1. Tham mưu triển khai Nghị quyết 111 › Các nhiệm vụ về quản lý nhà nước',
        '1.1 Kế hoạch đào tạo cho cán bộ công chức viên chức. Đơn vị chủ trì: Phòng CNTT. Đơn vị phối hợp: Trung tâm CNTT&TT. Thời gian hoàn thành: Hàng năm. Sản phẩm: Kế hoạch.',
      ],
      [
        'table_row',
        'Phụ lục: Kế hoạch chi tiết › 1. Tham mưu triển khai Nghị quyết 111 › Các nhiệm vụ đảm bảo an ninh thông tin',
        '1.2 Thuê SOC. Đơn vị chủ trì: Trung tâm CNTT&TT. Đơn vị phối hợp: Văn phòng Sở. Thời gian hoàn thành: 2023-2030.',
      ],
    ]);
  });
});

describe('tables from PDF text (columns interleaved)', () => {
  test('one chunk per numbered row; group rows, repeated headers and page numbers handled', () => {
    // Arrange
    const lines = [
      'Phụ lục III ',
      'DANH MỤC NHIỆM VỤ ',
      '',
      'TT Danh mục Nội dung ',
      'Đơn vị chủ ',
      '',
      '1 NHẬN THỨC SỐ ',
      '',
      '1.1 ',
      'Tuyên truyền Xây dựng kế hoạch ',
      'Sở TT&TT ',
      '324/KH-',
      'UBND ',
      '',
      '14 ',
      '',
      '- phần còn lại của hàng 1.1 ',
      '1.2 Kiến trúc phiên bản ',
      '1.0 (theo chỉ đạo của Bộ) ',
      'TT Danh mục Nội dung ',
      'Đơn vị chủ ',
      '2 DỮ LIỆU SỐ ',
      '2.1 ',
      'Lĩnh vực Y tế ',
      '',
      '2.1.1 ',
      'PACS, LIS Sở Y tế ',
    ];
    // Act
    const chunks = section(lines);
    // Assert
    expect(brief(chunks)).toEqual([
      ['table_row', 'Phụ lục III: Danh mục nhiệm vụ › 1. Nhận thức số', '1.1 Tuyên truyền Xây dựng kế hoạch Sở TT&TT 324/KH-UBND - phần còn lại của hàng 1.1'],
      ['table_row', 'Phụ lục III: Danh mục nhiệm vụ › 1. Nhận thức số', '1.2 Kiến trúc phiên bản 1.0 (theo chỉ đạo của Bộ)'],
      ['table_row', 'Phụ lục III: Danh mục nhiệm vụ › 2. Dữ liệu số › 2.1. Lĩnh vực Y tế', '2.1.1 PACS, LIS Sở Y tế'],
    ]);
    expect(chunks.map((c) => c.id)).toEqual(['T:9-17', 'T:18-19', 'T:26-27']);
  });
});
