import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  loadThesaurus,
  parseThesaurus,
  Thesaurus,
  ThesaurusError,
  type ThesaurusFile,
} from '../../src/nlu/thesaurus.ts';
import { analyze, foldDiacritics, matchKey, tokenize } from '../../src/nlu/vietnamese.ts';

const THESAURUS_PATH = join(import.meta.dirname, '../../knowledge/thesaurus.yaml');

/** Expected analyzer output written as plain text: tokens, keyed. */
const toks = (text: string): string[] => tokenize(text).map(matchKey);

/** A small thesaurus for the behaviour tests, independent of the real data. */
const SMALL: ThesaurusFile = {
  abbreviations: [
    { canonical: 'cơ sở dữ liệu', variants: ['CSDL'] },
    { canonical: 'thông tin và truyền thông', variants: ['TT&TT', 'TTTT'] },
    { canonical: 'trí tuệ nhân tạo', variants: ['AI'], caseSensitive: true },
  ],
  synonyms: [
    { canonical: 'đăng ký khai sinh', variants: ['làm giấy khai sinh', 'làm khai sinh'] },
    { canonical: 'giấy phép lái xe', variants: ['bằng lái', 'bằng lái xe'] },
    {
      canonical: 'trực tuyến',
      variants: ['qua mạng', 'online'],
      notFollowedBy: ['xã hội'],
      notPrecededBy: ['thông'],
    },
    { canonical: 'kỹ năng số', variants: ['kĩ năng công nghệ'] },
  ],
  chat: [
    { canonical: 'không', variants: ['ko', 'k', 'hông'] },
    { canonical: 'được', variants: ['dc', 'đc'] },
  ],
};

describe('analyze with a small thesaurus', () => {
  const th = new Thesaurus(SMALL);

  test.each<[string, 'query' | 'document', string]>([
    // abbreviations, both modes, any case, with or without accents
    ['xây dựng CSDL', 'document', 'xây dựng cơ sở dữ liệu'],
    ['xây dựng csdl', 'query', 'xây dựng cơ sở dữ liệu'],
    ['Sở TT&TT', 'document', 'sở thông tin và truyền thông'],
    ['so tttt', 'query', 'so thông tin và truyền thông'],
    // synonyms with and without diacritics
    ['làm giấy khai sinh', 'query', 'đăng ký khai sinh'],
    ['lam giay khai sinh', 'query', 'đăng ký khai sinh'],
    ['LÀM GIẤY KHAI SINH', 'query', 'đăng ký khai sinh'],
    ['làm giay khai sinh', 'query', 'đăng ký khai sinh'],
    // the canonical form (2+ tokens) restores accents
    ['dang ky khai sinh', 'query', 'đăng ký khai sinh'],
    // tone placement and i/y never matter
    ['kĩ năng công nghệ', 'document', 'kỹ năng số'],
    ['kỹ năng công nghệ', 'document', 'kỹ năng số'],
    // accented text must match the accents: "hỏng" is not "hông", "lâm" is not "làm"
    ['máy hỏng', 'query', 'máy hỏng'],
    ['lâm giấy khai sinh', 'query', 'lâm giấy khai sinh'],
    // notFollowedBy
    ['nộp qua mạng', 'query', 'nộp trực tuyến'],
    ['trên mạng xã hội, qua mạng xã hội', 'document', 'trên mạng xã hội qua mạng xã hội'],
    // notPrecededBy
    ['thông qua mạng', 'document', 'thông qua mạng'],
    ['thong qua mang', 'query', 'thong qua mang'],
    ['qua mạng', 'query', 'trực tuyến'],
    // unaccented text that matches nothing stays as typed, lower-cased
    ['Thu tuc Ho Tich', 'query', 'thu tuc ho tich'],
  ])('%j (%s)', (input, mode, expected) => {
    // Act
    const out = analyze(input, th, mode);
    // Assert
    expect(out).toEqual(toks(expected));
  });

  test.each<[string, string, string]>([
    ['ko dc', 'không được', 'ko dc'],
    ['k) Xây dựng CSDL', 'không xây dựng cơ sở dữ liệu', 'k xây dựng cơ sở dữ liệu'],
    ['hong biet', 'không biet', 'hong biet'],
    ['đc không', 'được không', 'đc không'],
  ])('chat spelling %j: expanded for queries only', (input, query, document) => {
    // Act
    const q = analyze(input, th, 'query');
    const d = analyze(input, th, 'document');
    // Assert
    expect(q).toEqual(toks(query));
    expect(d).toEqual(toks(document));
  });

  test.each<[string, string]>([
    ['bằng lái xe máy', 'giấy phép lái xe máy'],
    ['bằng lái ô tô', 'giấy phép lái xe ô tô'],
    ['bang lai xe', 'giấy phép lái xe'],
  ])('longest match first: %j', (input, expected) => {
    expect(analyze(input, th, 'query')).toEqual(toks(expected));
  });

  test.each<[string, string]>([
    ['ai chủ trì?', 'ai chủ trì'],
    ['Ai chủ trì nhiệm vụ này', 'ai chủ trì nhiệm vụ này'],
    ['ai chu tri', 'ai chu tri'],
    ['Ứng dụng AI', 'ứng dụng trí tuệ nhân tạo'],
    ['nền tảng AI (trí tuệ nhân tạo)', 'nền tảng trí tuệ nhân tạo trí tuệ nhân tạo'],
    ['tri tue nhan tao', 'trí tuệ nhân tạo'],
  ])('case-sensitive "AI": %j', (input, expected) => {
    expect(analyze(input, th, 'query')).toEqual(toks(expected));
  });
});

describe('the real knowledge/thesaurus.yaml', () => {
  const th = loadThesaurus(THESAURUS_PATH);
  const entries = th.entries();
  const variants = entries.flatMap((e) => e.variants.map((v) => ({ ...e, variant: v })));
  const mainVariants = variants.filter((v) => v.section === 'abbreviations' || v.section === 'synonyms');
  /** A chat variant in the first context it needs ("ai _" → "ai ki"), or alone. */
  const chatVariants = variants
    .filter((v) => v.section === 'chat')
    .map((v) => {
      const context = v.onlyIn[0] ?? '_';
      return { ...v, variant: context.replace('_', v.variant), canonical: context.replace('_', v.canonical) };
    });
  const fillerVariants = variants.filter((v) => v.section === 'fillers');

  test('covers the abbreviations of the seeds README and the agency short forms', () => {
    // Arrange
    const expected = [
      'CĐS', 'CNTT', 'TTHC', 'DVC', 'DVCTT', 'CSDL', 'CQNN', 'CBCCVC', 'UBND', 'HĐND', 'MTTQ',
      'DTTS', 'TMĐT', 'ATTT', 'IOC', 'SOC', 'LGSP', 'NDXP', 'TT&TT', 'STTTT', 'TN&MT', 'NN&PTNT',
      'VHTTDL', 'VH,TT&DL', 'LĐTB&XH', 'KH&ĐT', 'GD&ĐT', 'GTVT', 'PT&TH', 'PTTH', 'KH&CN', 'CNTT&TT',
      'UBKT', 'UBNDKT',
    ];
    // Act
    const listed = new Set(variants.map((v) => v.variant));
    // Assert
    expect(expected.filter((a) => !listed.has(a))).toEqual([]);
  });

  test.each([
    ['CSDL', 'cơ sở dữ liệu'],
    ['Sở TT&TT', 'sở thông tin và truyền thông'],
    ['STTTT', 'sở thông tin và truyền thông'],
    ['Sở VH,TT&DL', 'sở văn hóa, thể thao và du lịch'],
    ['Sở VHTTDL', 'sở văn hóa, thể thao và du lịch'],
    ['Sở LĐTB&XH', 'sở lao động - thương binh và xã hội'],
    ['Đài PT&TH', 'đài phát thanh và truyền hình'],
    ['Đài Phát thanh - Truyền hình', 'đài phát thanh và truyền hình'],
    ['Trung tâm CNTT&TT', 'trung tâm công nghệ thông tin và truyền thông'],
    ['Kế hoạch số /KH-UBND', 'kế hoạch số kế hoạch ủy ban nhân dân'],
    ['Nền tảng LGSP', 'nền tảng nền tảng tích hợp, chia sẻ dữ liệu'],
    ['nộp hồ sơ online', 'nộp hồ sơ trực tuyến'],
    ['nộp hồ sơ qua mạng', 'nộp hồ sơ trực tuyến'],
    ['gửi nhận văn bản trên mạng máy tính', 'gửi nhận văn bản trên mạng máy tính'],
    ['qua mạng bưu chính công cộng', 'qua mạng bưu chính công cộng'],
    ['thực hiện thông qua Internet', 'thực hiện thông qua internet'],
    ['gửi thông qua mạng', 'gửi thông qua mạng'],
    ['kiểm soát thông tin trên mạng xã hội', 'kiểm soát thông tin trên mạng xã hội'],
    ['Cổng dữ liệu mở (Open Data)', 'cổng dữ liệu mở dữ liệu mở'],
    ['lam giay khai sinh cho con', 'đăng ký khai sinh cho con'],
    ['đăng kí kết hôn', 'đăng ký kết hôn'],
    ['xin lí lịch tư pháp', 'cấp phiếu lý lịch tư pháp'],
    ['ai chủ trì xây dựng CSDL?', 'ai chủ trì xây dựng cơ sở dữ liệu'],
    ['Thuê Nền tảng Trí tuệ nhân tạo (AI)', 'thuê nền tảng trí tuệ nhân tạo trí tuệ nhân tạo'],
    ['it người dùng', 'it người dùng'],
    ['ngành IT', 'ngành công nghệ thông tin'],
  ])('document %j', (input, expected) => {
    expect(analyze(input, th, 'document')).toEqual(toks(expected));
  });

  test.each([
    ['cho mình hỏi làm giấy khai sinh online có dc ko', 'đăng ký khai sinh trực tuyến có được không'],
    ['sdt cua UBND xa', 'số điện thoại cua ủy ban nhân dân xa'],
    ['phí bn vs thời gian ntn', 'phí bao nhiêu với thời gian như thế nào'],
    ['ai chủ trì', 'ai chủ trì'],
    ['lm giay khai sinh', 'đăng ký khai sinh'],
    ['smartphone dùng cloud', 'điện thoại thông minh dùng điện toán đám mây'],
    ['kh biết', 'kh biết'],
    ['KH CĐS 2024', 'kế hoạch chuyển đổi số 2024'],
  ])('query %j', (input, expected) => {
    expect(analyze(input, th, 'query')).toEqual(toks(expected));
  });

  // New chat entries, fillers and their guards: the rewrite where it is right, the words
  // left alone where the same letters mean something else.
  test.each<[string, string]>([
    // fillers at the end of a clause, other fillers in between allowed
    ['song 2g tat khi nao vay ad', 'song 2g tat khi nao'],
    ['tat khi nao vay, truoc nam may', 'tat khi nao truoc nam may'],
    ['ai chu tri z', 'ai chu tri'],
    ['so nao chu tri v a', 'so nao chu tri'],
    ['sở nào chủ trì ạ?', 'sở nào chủ trì'],
    ['chỗ ngồi thôi nhé', 'chỗ ngồi'],
    ['ad ơi cho em hỏi ai chủ trì', 'ai chủ trì'],
    ['em ơi phí bao nhiêu', 'phí bao nhiêu'],
    // …and the same letters as content
    ['ngân hàng cho vay', 'ngân hàng cho vay'],
    ['vay von uu dai', 'vay von uu dai'],
    ['khoan vay', 'khoan vay'],
    ['noi dung phu luc v', 'noi dung phu luc v'],
    ['Phụ lục V', 'phụ lục v'],
    ['nhom a', 'nhom a'],
    ['theo điểm a', 'theo điểm a'],
    ['nop ho so tai nha', 'nop ho so tai nha'],
    ['benh vien nhi', 'benh vien nhi'],
    ['cap nhat kip thoi', 'cap nhat kip thoi'],
    ['dịch vụ AD', 'dịch vụ ad'],
    ['vậy thì sở nào', 'vậy thì sở nào'],
    // ht → hệ thống before what systems are named by, never as hỗ trợ / hoàn thành
    ['ht bao cao chuyen nganh', 'hệ thống bao cao chuyen nganh'],
    ['xây dựng ht thông tin', 'xây dựng hệ thống thông tin'],
    ['cần ht gì', 'cần ht gì'],
    ['ht trước năm 2025', 'ht trước năm 2025'],
    // ki → ký around signing only
    ['ai ki nghi quyet', 'ai ký nghị quyết'],
    ['ki ban hanh ngay nao', 'ký ban hanh ngay nao'],
    ['chu ki so', 'chu ký so'],
    ['hoc ki 2', 'hoc ki 2'],
    ['dinh ki hang nam', 'dinh ki hang nam'],
    // sở tt / sở tp / kh số
    ['so tt chu tri', 'sở thông tin và truyền thông chu tri'],
    ['Sở TT chủ trì', 'sở thông tin và truyền thông chủ trì'],
    ['số TT', 'số tt'],
    ['bo tt', 'bộ thông tin và truyền thông'],
    ['so tp', 'sở tư pháp'],
    ['Sở TP', 'sở tư pháp'],
    ['UBND TP Bắc Giang', 'ủy ban nhân dân thành phố bắc giang'],
    ['kh so 146', 'kế hoạch số 146'],
    ['KH số 146', 'kế hoạch số 146'],
    ['kh so sánh được', 'kh so sánh được'],
    ['kh số hóa', 'kh số hóa'],
    ['kh biết', 'kh biết'],
    // typos and short forms
    ['nhug cho nao', 'những cho nao'],
    ['trog tinh', 'trong tinh'],
    ['dn vien thong', 'doanh nghiệp vien thong'],
    ['dc bn cho', 'được bao nhiêu cho'],
    // abbreviations typed in lower case
    ['ubnd cntt csdl dvc tthc tttt', 'ủy ban nhân dân công nghệ thông tin cơ sở dữ liệu dịch vụ công thủ tục hành chính thông tin và truyền thông'],
  ])('chat query %j', (input, expected) => {
    expect(analyze(input, th, 'query')).toEqual(toks(expected));
  });

  test('documents keep their fillers and chat-like words', () => {
    expect(analyze('Khoản vay ưu đãi, như vậy', th, 'document')).toEqual(toks('khoản vay ưu đãi như vậy'));
    expect(analyze('các DN viễn thông', th, 'document')).toEqual(toks('các doanh nghiệp viễn thông'));
  });

  test.each(mainVariants)('$section "$variant" → "$canonical" in both modes', ({ variant, canonical }) => {
    expect(analyze(variant, th, 'document')).toEqual(toks(canonical));
    expect(analyze(variant, th, 'query')).toEqual(toks(canonical));
  });

  test.each(chatVariants)('chat "$variant" → "$canonical" in queries only', ({ variant, canonical }) => {
    expect(analyze(variant, th, 'query')).toEqual(toks(canonical));
    expect(analyze(variant, th, 'document')).not.toEqual(toks(canonical));
  });

  test.each(fillerVariants)('filler "$variant" is dropped from queries only', ({ variant, atEnd }) => {
    expect(analyze(`sở nào chủ trì ${variant}`, th, 'query')).toEqual(toks('sở nào chủ trì'));
    if (!atEnd) expect(analyze(`${variant} sở nào chủ trì`, th, 'query')).toEqual(toks('sở nào chủ trì'));
    expect(analyze(variant, th, 'document')).toEqual(toks(variant));
  });

  // Property: typing without accents gives the same canonical tokens. Case-sensitive
  // entries ("AI") are excluded by design: folding lower-cases them.
  // Chat spellings and fillers are checked in query mode only (documents leave them alone).
  test.each([...variants.filter((v) => v.section !== 'chat'), ...chatVariants].filter((v) => !v.caseSensitive))(
    'folded "$variant" analyzes like "$variant"',
    ({ variant, section }) => {
      const modes = section === 'chat' || section === 'fillers' ? (['query'] as const) : (['query', 'document'] as const);
      for (const mode of modes) {
        expect(analyze(foldDiacritics(variant), th, mode)).toEqual(analyze(variant, th, mode));
      }
    },
  );

  // Speed is measured by `npm run bench`, never asserted in a test.
});

describe('loadThesaurus errors', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thesaurus-test-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text, 'utf8');
    return path;
  };

  test.each<[string, string, RegExp[]]>([
    ['broken.yaml', 'abbreviations:\n  - canonical: [unclosed\n', [/broken\.yaml/, /not valid YAML/]],
    [
      'duplicate.yaml',
      'abbreviations:\n  - canonical: cơ sở dữ liệu\n    variants: [CSDL]\nsynonyms:\n  - canonical: cơ quan dân lập\n    variants: [csdl]\n',
      [/duplicate\.yaml/, /synonyms\[0\] "cơ quan dân lập"/, /"csdl"/, /abbreviations\[0\] "cơ sở dữ liệu"/],
    ],
    [
      'duplicate-folded.yaml',
      'chat:\n  - canonical: không\n    variants: [hông]\n  - canonical: hồng\n    variants: [hong]\n',
      [/duplicate-folded\.yaml/, /chat\[1\] "hồng"/, /chat\[0\] "không"/],
    ],
    [
      'canonical-clash.yaml',
      'synonyms:\n  - canonical: trực tuyến\n    variants: [online]\n  - canonical: trực tiếp\n    variants: [truc tuyen]\n',
      [/canonical-clash\.yaml/, /synonyms\[1\] "trực tiếp"/, /"truc tuyen"/],
    ],
    [
      'no-variants.yaml',
      'synonyms:\n  - canonical: trực tuyến\n    variants: []\n',
      [/no-variants\.yaml/, /synonyms\[0\] "trực tuyến"/, /variants/],
    ],
    [
      'typo-key.yaml',
      'synonyms:\n  - canonical: trực tuyến\n    variant: [online]\n',
      [/typo-key\.yaml/, /synonyms\[0\] "trực tuyến"/],
    ],
    ['unknown-section.yaml', 'synonym:\n  - canonical: a\n    variants: [b]\n', [/unknown-section\.yaml/]],
    [
      'empty-variant.yaml',
      'synonyms:\n  - canonical: trực tuyến\n    variants: ["--"]\n',
      [/empty-variant\.yaml/, /synonyms\[0\] "trực tuyến"/, /no letters or digits/],
    ],
  ])('%s', (name, text, patterns) => {
    // Arrange
    const path = write(name, text);
    // Act
    let error: unknown;
    try {
      loadThesaurus(path);
    } catch (err) {
      error = err;
    }
    // Assert
    expect(error).toBeInstanceOf(ThesaurusError);
    for (const p of patterns) expect((error as Error).message).toMatch(p);
  });

  test('a missing file names the path', () => {
    const path = join(dir, 'missing.yaml');
    expect(() => loadThesaurus(path)).toThrow(/missing\.yaml.*cannot read/);
  });

  test('an empty file is an empty thesaurus', () => {
    // Arrange
    const th = loadThesaurus(write('empty.yaml', ''));
    // Act + Assert
    expect(th.entries()).toEqual([]);
    expect(analyze('ko csdl', th, 'query')).toEqual(['ko', 'csdl']);
  });

  test('the same variant twice under the same canonical is fine', () => {
    const th = parseThesaurus('chat:\n  - canonical: cảm ơn\n    variants: [cám ơn, cam on]\n');
    expect(analyze('cam on', th, 'query')).toEqual(toks('cảm ơn'));
  });
});
