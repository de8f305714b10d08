/**
 * The catalog loader with broken files: each problem names the file, the row and the field,
 * and one bad file does not stop the good ones.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatProblem, loadCatalogDir, parseCatalogText } from '../../src/tthc/catalog-loader.ts';
import { parseCsv } from '../../src/tthc/csv.ts';
import { parseLegalRefText } from '../../src/tthc/schema.ts';

const GROUP = `legalBasis: ["Luật Hộ tịch 60/2014/QH13 ngày 20/11/2014, Điều 16"]
      sources: [https://example.gov.vn/thu-tuc]
      verifiedOn: 2026-11-21`;

const goodYaml = `procedures:
  - code: khai-sinh
    name: Đăng ký khai sinh
    field: Hộ tịch
    phrasings: [làm giấy khai sinh]
    agency:
      level: xa
      text: UBND cấp xã
      ${GROUP}
`;

const CSV_HEADER =
  'code,name,field,phrasings,agency.level,agency.text,agency.legalBasis,agency.sources,agency.verifiedOn,documents.items,documents.legalBasis,documents.sources,documents.verifiedOn,submission.channels,submission.legalBasis,submission.sources,submission.verifiedOn';
const csvRow = (code: string, docsBasis: string) =>
  `${code},"Chứng thực bản sao, ${code}",Chứng thực,"chứng thực bản sao | sao y bản chính",xa,UBND cấp xã,"Nghị định 23/2015/NĐ-CP ngày 16/02/2015, Điều 5",https://example.gov.vn/a,2026-11-21,"Bản chính [Mẫu: không] | Bản sao",${docsBasis},https://example.gov.vn/b,2026-11-21,"truc-tiep: Bộ phận một cửa | truc-tuyen: Cổng DVC https://dichvucong.gov.vn","Nghị định 23/2015/NĐ-CP ngày 16/02/2015",https://example.gov.vn/c,2026-11-21`;

function catalogDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('catalog loader', () => {
  test('a good YAML file loads, with one-line legal references parsed', () => {
    const { procedures, problems } = parseCatalogText(goodYaml, 'ho-tich.yaml');
    expect(problems).toEqual([]);
    expect(procedures[0]!.procedure.agency.legalBasis[0]).toEqual({ title: 'Luật Hộ tịch', number: '60/2014/QH13', date: '20/11/2014', articles: 'Điều 16' });
  });

  test('a good CSV row loads: lists split on "|", forms in brackets, channels with URLs', () => {
    const { procedures, problems } = parseCatalogText(`${CSV_HEADER}\n${csvRow('chung-thuc', '"Nghị định 23/2015/NĐ-CP ngày 16/02/2015, Điều 20"')}\n`, 'tinh.csv');
    expect(problems).toEqual([]);
    const p = procedures[0]!.procedure;
    expect(p.name).toBe('Chứng thực bản sao, chung-thuc');
    expect(p.phrasings).toEqual(['chứng thực bản sao', 'sao y bản chính']);
    expect(p.documents?.items[0]).toEqual({ name: 'Bản chính', form: 'không' });
    expect(p.submission?.channels[1]).toEqual({ kind: 'truc-tuyen', text: 'Cổng DVC', url: 'https://dichvucong.gov.vn' });
  });

  test('a CSV row without a document number in its legal basis is reported with file, line, row and field', () => {
    const text = `${CSV_HEADER}\n${csvRow('mot', '"Nghị định 23/2015/NĐ-CP ngày 16/02/2015"')}\n${csvRow('hai', '"Nghị định về chứng thực"')}\n`;
    const { procedures, problems } = parseCatalogText(text, 'tinh.csv');
    expect(procedures.map((p) => p.procedure.code)).toEqual(['mot']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'tinh.csv', line: 3, row: 2, field: 'documents.legalBasis.0' });
    expect(formatProblem(problems[0]!)).toMatch(/tinh\.csv: dòng 3, mục 2 .*trường documents\.legalBasis\.0 .*"hai".*số hiệu/u);
  });

  test('an unknown CSV column is named', () => {
    const { problems } = parseCatalogText(`${CSV_HEADER},le_phi\n${csvRow('mot', 'x')},1\n`, 'x.csv');
    expect(problems[0]).toMatchObject({ file: 'x.csv', line: 1, field: 'le_phi' });
  });

  test('an unclosed quote in CSV is reported, not thrown', () => {
    const { problems } = parseCatalogText(`${CSV_HEADER}\n"chưa đóng,ngoặc\n`, 'x.csv');
    expect(formatProblem(problems[0]!)).toMatch(/x\.csv: CSV không hợp lệ.*dòng 2/u);
  });

  test('a YAML procedure missing its verification date names the YAML line and the field', () => {
    const text = goodYaml.replace('verifiedOn: 2026-11-21', 'verifiedOn: hôm qua');
    const { problems } = parseCatalogText(text, 'ho-tich.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'ho-tich.yaml', row: 1, field: 'agency.verifiedOn', line: 11 });
  });

  test('a fact group without a source is rejected', () => {
    const text = goodYaml.replace('sources: [https://example.gov.vn/thu-tuc]', 'sources: []');
    const { problems } = parseCatalogText(text, 'ho-tich.yaml');
    expect(problems[0]).toMatchObject({ field: 'agency.sources', row: 1 });
  });

  test('broken YAML syntax and broken JSON name the file (and the line for YAML)', () => {
    const yaml = parseCatalogText('procedures:\n  - code: [khai-sinh\n', 'vo.yaml');
    expect(yaml.problems[0]!.file).toBe('vo.yaml');
    expect(yaml.problems[0]!.message).toMatch(/YAML không hợp lệ/u);
    const json = parseCatalogText('{"procedures": [', 'vo.json');
    expect(json.problems[0]).toMatchObject({ file: 'vo.json' });
    expect(json.problems[0]!.message).toMatch(/JSON không hợp lệ/u);
  });

  test('a JSON procedure with a bad code and an unknown level names the row and fields', () => {
    const item = parseCatalogText(goodYaml, 'a.yaml').procedures[0]!.procedure;
    const bad = { ...item, code: 'Khai Sinh', agency: { ...item.agency, level: 'phuong' } };
    const { problems } = parseCatalogText(JSON.stringify({ procedures: [item, bad] }), 'tinh.json');
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'code'],
      [2, 'agency.level'],
    ]);
  });

  test('one bad file does not stop the others; duplicates and shared phrasings are reported', () => {
    const dir = catalogDir({
      'a.yaml': goodYaml,
      'b.json': '{ not json',
      'c.yaml': goodYaml.replace('code: khai-sinh', 'code: khai-sinh'),
      'd.csv': `${CSV_HEADER}\n${csvRow('chung-thuc', '"Nghị định 23/2015/NĐ-CP ngày 16/02/2015"')}\n`,
      'aspects.yaml': 'not: a catalog',
      'ghi-chu.txt': 'ignored',
    });
    const { procedures, problems, files } = loadCatalogDir(dir);
    expect(files).toEqual(['a.yaml', 'b.json', 'c.yaml', 'd.csv']);
    expect(procedures.map((p) => p.procedure.code).sort()).toEqual(['chung-thuc', 'khai-sinh']);
    expect(problems.map((p) => p.file).sort()).toEqual(['b.json', 'c.yaml']);
    expect(problems.find((p) => p.file === 'c.yaml')!.message).toMatch(/đã có trong a\.yaml/u);
  });

  test('a missing folder is an empty catalog', () => {
    expect(loadCatalogDir(join(tmpdir(), 'khong-co-thu-muc-nay')).procedures).toEqual([]);
  });
});

describe('helpers', () => {
  test.each([
    ['Luật Cư trú 68/2020/QH14 ngày 13/11/2020, Điều 22', { title: 'Luật Cư trú', number: '68/2020/QH14', date: '13/11/2020', articles: 'Điều 22' }],
    ['Quyết định số 296/QĐ-VPCP ngày 12/6/2024', { title: 'Quyết định', number: '296/QĐ-VPCP', date: '12/6/2024' }],
    ['Luật Hộ tịch, Điều 16', 'căn cứ pháp lý thiếu số hiệu văn bản (legal basis lacks a document number)'],
    ['Luật Hộ tịch 60/2014/QH13', 'căn cứ pháp lý thiếu ngày ban hành dd/mm/yyyy (legal basis lacks a date)'],
  ])('parseLegalRefText(%s)', (text, expected) => {
    expect(parseLegalRefText(text)).toEqual(expected);
  });

  test('CSV: quotes, doubled quotes, newlines in cells, CRLF and BOM', () => {
    const rows = parseCsv('\ufeffa,b\r\n"x, ""y""","dòng 1\ndòng 2"\r\n\r\nz,\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', 'dòng 1\ndòng 2'] },
      { line: 5, cells: ['z', ''] },
    ]);
  });
});
