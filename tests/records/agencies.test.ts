import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify as toYaml } from 'yaml';
import {
  AGENCY_KINDS,
  AgencyDirectoryError,
  loadAgencyDirectory,
  type AgencyDirectory,
  type AgencyFile,
} from '../../src/records/agencies.ts';

const ROOT = join(import.meta.dirname, '../..');
const AGENCIES_PATH = join(ROOT, 'knowledge/agencies.yaml');
const SOURCE = (name: string): string => readFileSync(join(ROOT, 'knowledge/sources', name), 'utf8');

let dir: AgencyDirectory;
beforeAll(() => {
  dir = loadAgencyDirectory(AGENCIES_PATH);
});

const ids = (text: string): string[] => dir.mentions(text).map((m) => m.agencyId);

describe('the data file', () => {
  test('loads, and every kind of the closed set is used', () => {
    const used = new Set(dir.all().map((a) => a.kind));
    expect([...used].sort()).toEqual([...AGENCY_KINDS].sort());
    expect(dir.all().length).toBeGreaterThanOrEqual(100);
  });

  test('units of Sở TT&TT have it as parent, and answers show short forms', () => {
    const children = dir.children('so-tt-tt').map((a) => a.id);
    expect(children).toEqual(
      expect.arrayContaining([
        'trung-tam-cntt-tt',
        'phong-cntt',
        'phong-ttbcxb',
        'phong-bcvt',
        'van-phong-so-tt-tt',
        'to-trien-khai-du-an',
      ]),
    );
    expect(dir.display('so-tt-tt')).toBe('Sở TT&TT');
    expect(dir.display('trung-tam-cntt-tt')).toBe('Trung tâm CNTT&TT');
    expect(dir.display('ubkt-tinh-uy')).toBe('UBKT Tỉnh ủy');
    expect(dir.get('so-tt-tt')?.name).toBe('Sở Thông tin và Truyền thông');
  });

  test('quiz distractors: departments are all of kind "so", groups are apart', () => {
    const so = dir.byKind('so').map((a) => a.id);
    expect(so).toEqual(expect.arrayContaining(['so-tt-tt', 'so-y-te', 'so-gd-dt', 'so-tn-mt', 'so-kh-dt']));
    expect(so).not.toContain('cac-so-nganh');
    expect(dir.get('cac-so-nganh-ubnd-huyen')?.kind).toBe('nhom');
  });

  test('a department is covered by the group phrases that name its kind', () => {
    const groups = dir.groupsContaining('so-y-te').map((g) => g.id);
    expect(groups).toEqual(expect.arrayContaining(['cac-so-nganh', 'cac-so-nganh-ubnd-huyen']));
    expect(dir.groupsContaining('tinh-doan').map((g) => g.id)).toContain('mttq-doan-the-tinh');
    expect(dir.groupsContaining('so-y-te').map((g) => g.id)).not.toContain('mttq-doan-the-tinh');
  });
});

describe('mentions in real cells and sentences of the documents', () => {
  // [where it comes from, the text as it stands in the file, the agencies expected in order]
  const CASES: Array<[string, string, string[]]> = [
    ['001 PL I monitor, wrapped', 'Sở Thông tin và \nTruyền thông', ['so-tt-tt']],
    ['001 PL I lead group', 'Các sở, ngành; \nUBND huyện, thành phố, \n\nxã, phường, thị trấn', ['cac-so-nganh-ubnd-huyen-xa']],
    ['001 PL I row 8 lead', 'Các sở, ngành', ['cac-so-nganh']],
    ['001 PL I row 11 lead', 'UBND huyện, thành phố, \nxã, phường, thị trấn', ['ubnd-huyen-xa']],
    ['001 PL I row 12 lead', 'Văn phòng UBND tỉnh, \nUBND huyện, thành phố, \n\nxã, phường, thị trấn', ['van-phong-ubnd-tinh', 'ubnd-huyen-xa']],
    ['001 PL I KT số monitor', 'Sở Kế hoạch và \n\nĐầu tư', ['so-kh-dt']],
    ['001 PL I KT số lead', 'Các doanh nghiệp trên địa \n\nbàn tỉnh', ['dn-tren-dia-ban']],
    ['001 PL I row II.3', 'Sở Công Thương', ['so-cong-thuong']],
    ['001 PL I XH số lead', 'Các doanh nghiệp viễn \nthông trên địa bàn tỉnh', ['dn-vien-thong']],
    ['001 PL I III.3 monitor', 'Ngân hàng nhà \nnước chi nhánh \ntỉnh Bắc Giang', ['ngan-hang-nha-nuoc-bac-giang']],
    [
      '001 PL I III.3 lead',
      'Các chi nhánh ngân hàng \nthương mại trên địa bàn \ntỉnh; các DN viễn thông \n\ntrên địa bàn tỉnh cung cấp \nmobile money',
      ['ngan-hang-thuong-mai', 'dn-vien-thong'],
    ],
    ['001 PL I III.4, both columns on one line', 'Sở Y tế UBND huyện, thành phố', ['so-y-te', 'ubnd-huyen']],
    ['001 PL II row 1 coordinating', 'Các Sở, ngành', ['cac-so-nganh']],
    ['001 PL II row 2 coordinating', 'Văn phòng UBND \ntỉnh, Sở Thông tin \nvà Truyền thông', ['van-phong-ubnd-tinh', 'so-tt-tt']],
    ['001 PL III 1.1 lead, slash', 'Đài \nPT&TH/   \n\nSở TT&TT', ['dai-pt-th-tinh', 'so-tt-tt']],
    ['001 PL III coordinating group', 'Các sở, ngành, \nUBND huyện, \n\nthành phố', ['cac-so-nganh-ubnd-huyen']],
    ['001 PL III 1.3 lead', 'Sở Công \nthương', ['so-cong-thuong']],
    ['001 PL III 1.4', 'Sở Tư pháp \n UBND cấp \nhuyện, xã', ['so-tu-phap', 'ubnd-huyen-xa']],
    ['001 PL III 3.4', 'Sở GD&ĐT \nSở Thông tin \n\nvà Truyền \n\nthông', ['so-gd-dt', 'so-tt-tt']],
    ['001 PL III 3.5 lead', 'Ban Dân \ntộc', ['ban-dan-toc']],
    [
      '001 PL III 3.5 coordinating, districts after a colon',
      'Sở Thông tin \nvà Truyền \n\nthông; UBND \nhuyện: Sơn \nĐộng, Lục \nNgạn, Lục \n\nNam, Yên Thế, \nLạng Giang',
      ['so-tt-tt', 'ubnd-huyen-son-dong', 'ubnd-huyen-luc-ngan', 'ubnd-huyen-luc-nam', 'ubnd-huyen-yen-the', 'ubnd-huyen-lang-giang'],
    ],
    ['001 PL III 4.2.1', 'Sở Y tế \nBệnh viện, \n\nTTYT huyện', ['so-y-te', 'benh-vien-ttyt']],
    ['001 PL III 4.2.3', 'Sở Y tế \nCác cơ sở \nkhám chữa \n\nbệnh', ['so-y-te', 'co-so-kham-chua-benh']],
    ['001 PL III 4.3.1', 'Sở GD&ĐT \n\nPhòng giáo dục \nvà đào tạo các \nhuyện, thành \n\nphố', ['so-gd-dt', 'phong-gd-dt-huyen']],
    [
      '001 PL III 4.3.4',
      'Sở GD&ĐT \n\nPhòng GDĐT \ncác huyện, TP; \ncác trường học \n\ntrong tỉnh',
      ['so-gd-dt', 'phong-gd-dt-huyen', 'truong-hoc'],
    ],
    ['001 PL III 4.4.2', 'Sở \nTN&MT \n\nSở TT&TT, Sở \nTài chính, Sở \n\nKH&ĐT', ['so-tn-mt', 'so-tt-tt', 'so-tai-chinh', 'so-kh-dt']],
    ['001 PL III 4.4.1, interleaved', 'TN&MT UBND huyện, \nThành phố', ['so-tn-mt', 'ubnd-huyen']],
    ['001 PL III 4.5.1', 'Sở \nNN&PTNT \n\n UBND huyện, \nTP Bắc Giang', ['so-nn-ptnt', 'ubnd-huyen']],
    ['001 PL III 4.6.1', 'Công an \ntỉnh \n\nCác sở, ngành, \nUBND huyện, \n\nthành phố', ['cong-an-tinh', 'cac-so-nganh-ubnd-huyen']],
    ['001 PL III 4.7.2', 'Sở \nVHTTDL \n\nUBND huyện, \nThành phố', ['so-vhttdl', 'ubnd-huyen']],
    ['001 PL III 4.8.1', 'Đài PTTH \ntỉnh', ['dai-pt-th-tinh']],
    ['001 PL III 4.9.3, leftovers', 'Sở Tư pháp \n\n UBND cấp \nhuyện, xã \n\nhuyện; Các Tổ \nchức', ['so-tu-phap', 'ubnd-huyen-xa']],
    ['001 PL III 4.9.4', 'UBND huyện, \nthành phố;Các \nSở, ban, ngành \n\ntrên địa bàn \ntỉnh', ['ubnd-huyen', 'cac-so-nganh']],
    ['001 PL III 4.10.1', 'Sở Xây \ndựng \n\nSở TT&TT', ['so-xay-dung', 'so-tt-tt']],
    ['001 PL III 9.1', 'Sở KH&ĐT \nHiệp hội doanh \n\nnghiệp Tỉnh', ['so-kh-dt', 'hiep-hoi-doanh-nghiep-tinh']],
    ['001 PL III 9.2', 'UBND huyện, \nthành phố, \n\nDoanh nghiệp, \nHTX', ['ubnd-huyen', 'doanh-nghiep-htx']],
    [
      '001 PL III 9.3',
      'Cục Thương \nmại điện tử và \nKinh tế số, Bộ \n\nCông Thương, \ncác Sàn thương \n\nmại điện tử \ntrong nước, \n\nNgân hàng…',
      ['cuc-tmdt-kts', 'bo-cong-thuong', 'san-tmdt-trong-nuoc'],
    ],
    ['001 PL III 9.5', 'UBND huyện, \nthành phố, DN, \nHTX trên địa \n\nbàn tỉnh', ['ubnd-huyen', 'doanh-nghiep-htx']],
    ['001 PL III 9.6, "Sở" left out', 'Sở TT&TT \n\nSở Công \nthương, Kế \nhoạch và Đầu \ntư', ['so-tt-tt', 'so-cong-thuong', 'so-kh-dt']],
    ['001 PL III 10.3', 'Sở \nLĐTB&XH', ['so-ldtbxh']],
    ['001 PL III 6.3', 'Ban dân tộc \nSở TT&TT, \n\nUBND huyện, \nThành phố', ['ban-dan-toc', 'so-tt-tt', 'ubnd-huyen']],
    ['001 PL III 8.1', 'Văn phòng \nUBND tỉnh', ['van-phong-ubnd-tinh']],
    ['001 §VI.2 heading, "Sở" left out', '2. Các sở: Kế hoạch và Đầu tư, Tài chính', ['so-kh-dt', 'so-tai-chinh']],
    ['002 1.8 coordinating', 'Phòng CNTT, Trung tâm CNTT', ['phong-cntt', 'trung-tam-cntt-tt']],
    ['002 row, tab between columns', 'Phòng CNTT\tTrung tâm CNTT&TT', ['phong-cntt', 'trung-tam-cntt-tt']],
    ['002 1.15 coordinating', 'Phòng CNTT, Phòng BCVT, các doanh nghiệp viễn thông', ['phong-cntt', 'phong-bcvt', 'dn-vien-thong']],
    ['002 1.16 lead and coordinating', 'Tổ triển khai Dự án\tVăn phòng Sở', ['to-trien-khai-du-an', 'van-phong-so-tt-tt']],
    ['002 Nơi nhận, misspelt BCVT', '- Các doanh nghiệp BVCT;', ['dn-bcvt-cntt']],
    [
      '004 PL1 2.2 lead, misspelt UBKT',
      'Văn phòng Tỉnh ủy; UBNDKT Tỉnh ủy; Ban Nội chính Tỉnh ủy',
      ['van-phong-tinh-uy', 'ubkt-tinh-uy', 'ban-noi-chinh-tinh-uy'],
    ],
    [
      '004 PL1 row 3 lead',
      'Các ban, cơ quan của Tỉnh ủy; Đảng ủy Các cơ quan tỉnh, Đảng ủy Khối doanh nghiệp tỉnh',
      ['cac-ban-tinh-uy', 'dang-uy-cac-co-quan-tinh', 'dang-uy-khoi-doanh-nghiep-tinh'],
    ],
    [
      '004 PL2 lead, misspelt Báo',
      'MTTQ và các tổ chức chính trị - xã hội tỉnh; Trường Chính trị tỉnh, Bảo Bắc Giang',
      ['mttq-doan-the-tinh', 'truong-chinh-tri-tinh', 'bao-bac-giang'],
    ],
    ['004 PL1 2.3 name, "UBND Tỉnh ủy" for UBKT', 'Số hóa hồ sơ các cuộc kiểm tra, giám sát của UBND Tỉnh ủy từ năm 2010 đến nay', ['ubkt-tinh-uy']],
    ['004 PL2 1.5 lead', 'Hội phụ nữ tỉnh', ['hoi-phu-nu-tinh']],
    ['004 PL2 1.4 lead', 'Tỉnh đoàn', ['tinh-doan']],
    [
      '004 Phần thứ ba, typo "Ủy ban nhân tỉnh"',
      'Chỉ đạo Ủy ban nhân tỉnh chỉ đạo Sở Thông tin và Truyền thông phối hợp với Văn phòng Tỉnh ủy',
      ['ubnd-tinh', 'so-tt-tt', 'van-phong-tinh-uy'],
    ],
    [
      '004 Phần thứ ba §2 heading',
      '2. Các cơ quan tham mưu, giúp việc Tỉnh ủy, Đảng ủy Các cơ quan tỉnh, Đảng ủy Khối Doanh nghiệp tỉnh',
      ['cac-ban-tinh-uy', 'dang-uy-cac-co-quan-tinh', 'dang-uy-khoi-doanh-nghiep-tinh'],
    ],
    [
      '003 IV.4',
      'Giao Ban cán sự đảng UBND tỉnh chủ trì, phối hợp với Ban Tuyên giáo Tỉnh ủy và cơ quan liên quan',
      ['ban-can-su-dang-ubnd-tinh', 'ban-tuyen-giao-tinh-uy'],
    ],
    ['003 Nơi nhận', '- Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy,', ['huyen-uy-dang-uy-truc-thuoc']],
    ['001 PL I subtitle, leftmost of two overlapping forms', '(Kèm theo Kế hoạch số /UBND-KH của Chủ tịch UBND tỉnh Bắc Giang)', ['chu-tich-ubnd-tinh']],
    ['004 Ban Tổ chức of both levels', 'từ Ban Tổ chức Trung ương đến Ban Tổ chức Tỉnh ủy', ['ban-to-chuc-trung-uong', 'ban-to-chuc-tinh-uy']],
    ['004 district standing committees are not BTV Tỉnh ủy', 'ban thường vụ huyện ủy, thành ủy quản lý', ['huyen-uy-thanh-uy']],
    ['HTML in a 002 cell', '<i>Các nhiệm vụ về quản lý nhà nước</i>', []],
  ];

  test.each(CASES)('%s', (_where, text, expected) => {
    expect(ids(text)).toEqual(expected);
  });

  test('there are at least 40 cases from the documents', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test('a mention gives the text as written and where it is', () => {
    const text = '1.1 ... Đài \nPT&TH/   \n\nSở TT&TT ...';
    for (const m of dir.mentions(text)) expect(text.slice(m.start, m.end)).toBe(m.matched);
    expect(dir.mentions(text).map((m) => m.matched)).toEqual(['Đài \nPT&TH', 'Sở TT&TT']);
  });

  test('a group phrase is one mention covering all of it, never its parts', () => {
    const text = 'Các sở, ngành, UBND huyện, thành phố';
    expect(dir.mentions(text)).toEqual([{ agencyId: 'cac-so-nganh-ubnd-huyen', matched: text, start: 0, end: text.length }]);
  });

  // Words that are not units, or that name a unit only with more words.
  const NOT_AGENCIES: Array<[string, string, string[]]> = [
    ['"tỉnh" alone', 'tỉnh', []],
    ['"sở" alone', 'sở', []],
    ['"Sở" alone, as 002 says it', 'Báo cáo kết quả thực hiện quy hoạch về Sở trước ngày 10 tháng 10 hằng năm', []],
    ['"các cơ quan" alone', 'các cơ quan', []],
    ['"UBND" alone', 'UBND', []],
    ['"Văn phòng" alone', 'Văn phòng', []],
    ['"Trung tâm" alone, as a wrapped 002 cell', 'Phòng CNTT\tTrung tâm', ['phong-cntt']],
    ['health facilities are not Sở Y tế', 'Xây dựng công cụ thu thập dữ liệu y tế từ tất cả các cơ sở y tế', []],
    ['health workers are not Bộ Y tế', 'đào tạo cán bộ y tế xã', []],
    ['"số" is not "Sở"', 'phát triển kinh tế số, xã hội số. Xây dựng nền tảng dữ liệu số tài nguyên và môi trường', []],
    ['"Chính phủ số" is a concept', 'dịch vụ Chính phủ số và Chính phủ điện tử', []],
    ['"đảm bảo Bắc Giang" is not the newspaper', 'góp phần đảm bảo Bắc Giang duy trì trong nhóm 10 tỉnh', []],
    ['"tỉnh đoàn kết"', 'toàn tỉnh đoàn kết thực hiện', []],
    ['plural radio stations', 'cung cấp nội dung cho các đài phát thanh, truyền hình của tỉnh và Trung ương', []],
    ['"ủy quyền" after UBND tỉnh', 'UBND tỉnh ủy quyền cho Sở Tư pháp', ['ubnd-tinh', 'so-tu-phap']],
    ['"Các Tổ chức" is too vague', 'Các Tổ chức', []],
    ['a plan after a department is not Sở KH&ĐT', 'Sở TT&TT; Kế hoạch số 146/KH-UBND ngày 28/6/2019', ['so-tt-tt']],
  ];

  test.each(NOT_AGENCIES)('no agency from %s', (_what, text, expected) => {
    expect(ids(text)).toEqual(expected);
  });
});

describe('findInQuestion', () => {
  const QUESTIONS: Array<[string, string[]]> = [
    ['Sở Y tế được giao những việc gì?', ['so-y-te']],
    ['so y te duoc giao nhung viec gi', ['so-y-te']],
    ['SỞ Y TẾ chủ trì gì', ['so-y-te']],
    ['Sở GD&ĐT chủ trì những nhiệm vụ nào?', ['so-gd-dt']],
    ['sở giáo dục làm gì', ['so-gd-dt']],
    ['so gd dt phoi hop viec gi', ['so-gd-dt']],
    ['cong an tinh chu tri viec gi', ['cong-an-tinh']],
    ['van phong tinh uy co bao nhieu kinh phi', ['van-phong-tinh-uy']],
    ['TN&MT phụ trách gì', ['so-tn-mt']],
    ['so tnmt', ['so-tn-mt']],
    ['sở tài nguyên và môi trường', ['so-tn-mt']],
    ['STTTT chủ trì những gì', ['so-tt-tt']],
    ['sở tttt', ['so-tt-tt']],
    ['so tt va tt', ['so-tt-tt']],
    ['Sở TT & TT', ['so-tt-tt']],
    ['sở thông tin', ['so-tt-tt']],
    ['so thong tin truyen thong lam gi', ['so-tt-tt']],
    ['so ke hoach dau tu', ['so-kh-dt']],
    ['sở nông nghiệp', ['so-nn-ptnt']],
    ['So lao dong thuong binh va xa hoi', ['so-ldtbxh']],
    ['Sở VH, TT&DL', ['so-vhttdl']],
    ['trung tam cntt lam gi', ['trung-tam-cntt-tt']],
    ['phòng CNTT được giao gì', ['phong-cntt']],
    ['ubkt tinh uy', ['ubkt-tinh-uy']],
    ['dai ptth tinh', ['dai-pt-th-tinh']],
    ['bao bac giang', ['bao-bac-giang']],
    ['hoi nong dan co du an gi', ['hoi-nong-dan-tinh']],
    ['UBND huyện phải làm gì', ['ubnd-huyen']],
    ['ubnd huyen luc ngan', ['ubnd-huyen-luc-ngan']],
    ['các sở ngành phải làm gì', ['cac-so-nganh']],
    ['Sở Y tế và các sở, ngành phối hợp gì', ['so-y-te']],
    ['Sở TT&TT và Sở Tài chính', ['so-tt-tt', 'so-tai-chinh']],
    ['việc nào có Sở Y tế tham gia', ['so-y-te']],
    ['ai chủ trì xây dựng kho dữ liệu số', []],
    ['tỉnh có bao nhiêu sở', []],
  ];

  test.each(QUESTIONS)('%s', (question, expected) => {
    expect(dir.findInQuestion(question).map((a) => a.id)).toEqual(expected);
  });
});

describe('loader errors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'agencies-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  const base = (): { agencies: Array<Record<string, unknown>> } => ({
    agencies: [
      { id: 'so-tt-tt', name: 'Sở Thông tin và Truyền thông', short: 'Sở TT&TT', aliases: ['STTTT'], kind: 'so' },
      { id: 'phong-cntt', name: 'Phòng Công nghệ thông tin', short: 'Phòng CNTT', kind: 'don-vi-thuoc-so', parent: 'so-tt-tt' },
    ],
  });

  const write = (name: string, data: unknown): string => {
    const path = join(tmp, name);
    writeFileSync(path, typeof data === 'string' ? data : toYaml(data));
    return path;
  };

  const problemsOf = (path: string): string[] => {
    try {
      loadAgencyDirectory(path);
    } catch (err) {
      expect(err).toBeInstanceOf(AgencyDirectoryError);
      return [...(err as AgencyDirectoryError).problems];
    }
    throw new Error('expected the load to fail');
  };

  test('a valid small file loads', () => {
    const file: AgencyFile = {
      agencies: [
        { id: 'so-tt-tt', name: 'Sở Thông tin và Truyền thông', short: 'Sở TT&TT', aliases: ['STTTT'], kind: 'so' },
        { id: 'phong-cntt', name: 'Phòng Công nghệ thông tin', short: 'Phòng CNTT', kind: 'don-vi-thuoc-so', parent: 'so-tt-tt' },
      ],
    };
    const small = loadAgencyDirectory(write('ok.yaml', file));
    expect(small.resolve('Phòng CNTT, STTTT')).toEqual(['phong-cntt', 'so-tt-tt']);
  });

  test('a form shared by two entries names both', () => {
    const data = base();
    data.agencies.push({ id: 'so-khac', name: 'Sở Khác', short: 'Sở Khác', aliases: ['Sở TT & TT'], kind: 'so' });
    const problems = problemsOf(write('dup.yaml', data));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"so-tt-tt"');
    expect(problems[0]).toContain('"so-khac"');
    expect(problems[0]).toContain('Sở TT & TT');
  });

  test('an unknown kind is refused, naming the entry', () => {
    const data = base();
    (data.agencies[0] as Record<string, unknown>).kind = 'bo-nganh';
    const problems = problemsOf(write('kind.yaml', data));
    expect(problems.join('\n')).toMatch(/agencies\[0\] \(so-tt-tt\)\.kind/);
  });

  test('a parent that does not exist is refused', () => {
    const data = base();
    (data.agencies[1] as Record<string, unknown>).parent = 'so-khong-co';
    const problems = problemsOf(write('parent.yaml', data));
    expect(problems).toEqual([expect.stringContaining('phong-cntt: đơn vị cha "so-khong-co" không tồn tại')]);
  });

  test('an unknown field, a duplicate id, a too-generic form and members outside a group are refused', () => {
    const unknownField = base();
    (unknownField.agencies[0] as Record<string, unknown>).website = 'https://example.org';
    expect(problemsOf(write('field.yaml', unknownField)).join('\n')).toContain('website');

    const dupId = base();
    dupId.agencies.push({ id: 'so-tt-tt', name: 'Sở Khác', short: 'Sở Khác', kind: 'so' });
    expect(problemsOf(write('dupid.yaml', dupId)).join('\n')).toContain('id "so-tt-tt"');

    const generic = base();
    (generic.agencies[0] as Record<string, unknown>).aliases = ['Sở'];
    expect(problemsOf(write('generic.yaml', generic)).join('\n')).toContain('quá chung');

    const members = base();
    (members.agencies[0] as Record<string, unknown>).members = ['phong-cntt'];
    expect(problemsOf(write('members.yaml', members)).join('\n')).toContain('only a nhom entry');
  });

  test('a unit inside a Sở without parent, and a parent cycle, are refused', () => {
    const noParent = base();
    delete (noParent.agencies[1] as Record<string, unknown>).parent;
    expect(problemsOf(write('noparent.yaml', noParent)).join('\n')).toContain('needs a parent');

    const cycle = base();
    (cycle.agencies[0] as Record<string, unknown>).parent = 'phong-cntt';
    expect(problemsOf(write('cycle.yaml', cycle)).join('\n')).toContain('parent cycle');
  });

  test('a file that is not YAML, or missing, is refused with its path', () => {
    const bad = write('bad.yaml', 'agencies: [\n  - id: x');
    expect(problemsOf(bad)[0]).toContain('cannot read the file');
    expect(() => loadAgencyDirectory(join(tmp, 'missing.yaml'))).toThrow(/missing\.yaml/);
  });
});

/**
 * The lead and coordinating cells of a tab-separated appendix. A header line names the
 * columns; a line whose first cell is empty continues the row above (002 wraps long cells
 * onto the next line).
 */
function tableCells(text: string, columns: readonly string[]): Array<{ line: number; column: string; cell: string }> {
  interface Row {
    line: number;
    cells: string[];
    at: ReadonlyMap<string, number>;
  }
  const rows: Row[] = [];
  let at = new Map<string, number>();
  let current: Row | undefined;
  text.split('\n').forEach((raw, i) => {
    if (!raw.includes('\t')) return;
    const cells = raw.split('\t').map((c) => c.trim());
    if (cells.some((c) => columns.includes(c))) {
      at = new Map(columns.map((c) => [c, cells.indexOf(c)] as const).filter(([, k]) => k >= 0));
      current = undefined;
    } else if (cells[0] === '' && current !== undefined) {
      const row = current;
      cells.forEach((c, k) => {
        if (c !== '') row.cells[k] = `${row.cells[k] ?? ''} ${c}`.trim();
      });
    } else if (at.size > 0) {
      current = { line: i + 1, cells, at };
      rows.push(current);
    }
  });
  return rows.flatMap((row) =>
    [...row.at].map(([column, k]) => ({ line: row.line, column, cell: row.cells[k] ?? '' })).filter((c) => c.cell !== ''),
  );
}

describe('coverage of the appendix tables of 002 and 004', () => {
  const COLUMNS = ['Đơn vị chủ trì', 'Đơn vị phối hợp'];
  const TABLES: Array<[string, string, number, string[]]> = [
    [
      '002 Phụ lục',
      '002-ke-hoach-quy-hoach-stttt.txt',
      70,
      ['phong-cntt', 'trung-tam-cntt-tt', 'phong-ttbcxb', 'phong-bcvt', 'to-trien-khai-du-an', 'van-phong-so-tt-tt', 'dn-vien-thong'],
    ],
    [
      '004 Phụ lục 1 and 2',
      '004-de-an-10.md',
      30,
      [
        'van-phong-tinh-uy', 'ban-to-chuc-tinh-uy', 'dang-uy-cac-co-quan-tinh', 'dang-uy-khoi-doanh-nghiep-tinh',
        'cac-ban-tinh-uy', 'ubkt-tinh-uy', 'ban-tuyen-giao-tinh-uy', 'ban-noi-chinh-tinh-uy', 'ban-dan-van-tinh-uy',
        'mttq-tinh', 'hoi-nong-dan-tinh', 'hoi-cuu-chien-binh-tinh', 'tinh-doan', 'hoi-phu-nu-tinh',
        'mttq-doan-the-tinh', 'truong-chinh-tri-tinh', 'bao-bac-giang',
      ],
    ],
  ];

  test.each(TABLES)('%s: every lead/coordinating cell resolves, word for word', (_name, file, minCells, expectedIds) => {
    const cells = tableCells(SOURCE(file), COLUMNS);
    expect(cells.length).toBeGreaterThanOrEqual(minCells);
    const unresolved: string[] = [];
    const seen = new Set<string>();
    for (const { line, column, cell } of cells) {
      const mentions = dir.mentions(cell);
      for (const m of mentions) seen.add(m.agencyId);
      // Every word of the cell belongs to some mention: nothing is left half-read.
      const loose = [...cell.matchAll(/[\p{L}\p{M}\p{Nd}&]+/gu)].filter(
        (w) => !mentions.some((m) => w.index >= m.start && w.index + w[0].length <= m.end),
      );
      if (mentions.length === 0 || loose.length > 0) {
        unresolved.push(`line ${line} ${column}: "${cell}" (left: ${loose.map((w) => w[0]).join(' ')})`);
      }
    }
    expect(unresolved).toEqual([]);
    expect([...seen].sort()).toEqual([...expectedIds].sort());
  });
});
