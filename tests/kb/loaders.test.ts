import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DocumentLoadError, loadDocument, loadKnowledgeSources } from '../../src/kb/loaders/index.ts';
import { htmlToLines } from '../../src/kb/loaders/html-to-lines.ts';
import { FIXTURES_DIR, makeMeta, tempDir } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function newTempDir(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('loadDocument on good files', () => {
  test.each([
    {
      name: 'sample.pdf',
      format: 'pdf',
      expectedLines: ['KẾ HOẠCH', 'I. MỤC TIÊU', 'khai thác hiệu quả dữ liệu số.', 'II. NHIỆM VỤ', '- Xây dựng Hệ thống thông tin an toàn thực phẩm.'],
    },
    {
      name: 'sample.docx',
      format: 'docx',
      expectedLines: ['# I. MỤC TIÊU', 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%.', '- Xây dựng Kho dữ liệu số tỉnh Bắc Giang.', 'STT\tNội dung\tĐơn vị chủ trì\tThời gian hoàn thành', '1\tXây dựng Cổng dữ liệu mở\tTrung tâm CNTT&TT\t2023-2025'],
    },
  ])('$name → $format lines with Vietnamese text intact', async ({ name, format, expectedLines }) => {
    // Arrange
    const meta = makeMeta({ file: name });
    // Act
    const doc = await loadDocument(join(FIXTURES_DIR, name), meta);
    // Assert
    expect(doc.format).toBe(format);
    expect(doc.meta).toEqual(meta);
    for (const line of expectedLines) expect(doc.lines).toContain(line);
  });

  test('PDF pages are joined with line breaks, page 2 follows page 1', async () => {
    const doc = await loadDocument(join(FIXTURES_DIR, 'sample.pdf'), makeMeta());
    expect(doc.lines.indexOf('II. NHIỆM VỤ')).toBeGreaterThan(doc.lines.indexOf('khai thác hiệu quả dữ liệu số.'));
  });

  test.each([
    { ext: 'txt', content: 'Dòng một\r\nDòng hai\n\nDòng bốn\n', expected: ['Dòng một', 'Dòng hai', '', 'Dòng bốn'] },
    { ext: 'md', content: '\uFEFF## **I. MỤC TIÊU**\n\n- Ý một', expected: ['## **I. MỤC TIÊU**', '', '- Ý một'] },
  ])('.$ext keeps text and line numbers exactly', async ({ ext, content, expected }) => {
    const dir = newTempDir();
    const path = join(dir, `doc.${ext}`);
    writeFileSync(path, content);
    const doc = await loadDocument(path, makeMeta());
    expect(doc.format).toBe(ext);
    expect(doc.lines).toEqual(expected);
  });
});

describe('loadDocument on broken files', () => {
  test.each([
    { name: 'random-bytes.pdf', reason: 'corrupt' },
    { name: 'empty.txt', reason: 'empty' },
    { name: 'spreadsheet.xlsx', reason: 'unsupported' },
    { name: 'not-a-zip.docx', reason: 'corrupt' },
  ])('$name → DocumentLoadError ($reason) naming the file', async ({ name, reason }) => {
    // Arrange
    const path = join(FIXTURES_DIR, 'broken', name);
    // Act
    const error = await loadDocument(path, makeMeta({ file: name })).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(DocumentLoadError);
    const loadError = error as DocumentLoadError;
    expect(loadError.file).toBe(path);
    expect(loadError.reason).toBe(reason);
    expect(loadError.message).toContain(name);
    expect(loadError.message).toMatch(/Không đọc được tệp/);
    expect(loadError.message).toMatch(/Cannot load/);
  });

  test('a missing file is reported as unreadable, not thrown raw', async () => {
    const error = await loadDocument(join(FIXTURES_DIR, 'no-such-file.txt'), makeMeta()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentLoadError);
    expect((error as DocumentLoadError).reason).toBe('unreadable');
  });
});

describe('loadKnowledgeSources', () => {
  test('a folder mixing good and broken files returns the good ones and one problem per broken file', async () => {
    // Arrange
    const dir = newTempDir();
    const good = ['sample.pdf', 'sample.docx'];
    const broken = ['random-bytes.pdf', 'empty.txt', 'spreadsheet.xlsx', 'not-a-zip.docx'];
    for (const name of good) copyFileSync(join(FIXTURES_DIR, name), join(dir, name));
    for (const name of broken) copyFileSync(join(FIXTURES_DIR, 'broken', name), join(dir, name));
    writeFileSync(join(dir, 'note.md'), '# Ghi chú\n\nMột đoạn văn.\n');
    const all = [...good, ...broken, 'note.md'];
    const yaml = ['documents:', ...all.map((file, i) => `  - { id: "d${i}", file: "${file}", shortName: "S${i}", title: "T${i}", issuer: "X", date: "2024", dateIso: "2024" }`)].join('\n');
    writeFileSync(join(dir, 'sources.yaml'), yaml);
    // Act
    const { documents, problems } = await loadKnowledgeSources(dir);
    // Assert
    expect(documents.map((d) => d.meta.file).sort()).toEqual(['note.md', 'sample.docx', 'sample.pdf']);
    expect(problems.map((p) => p.file).sort()).toEqual([...broken].sort());
    for (const problem of problems) {
      expect(problem.level).toBe('error');
      expect(problem.message).toContain(problem.file);
    }
  });

  test('a file without an entry is still loaded, with a warning and a title from its heading', async () => {
    const dir = newTempDir();
    copyFileSync(join(FIXTURES_DIR, 'sample.pdf'), join(dir, '007-ke-hoach-mau.pdf'));
    writeFileSync(join(dir, 'sources.yaml'), 'documents: []\n');
    const { documents, problems } = await loadKnowledgeSources(dir);
    expect(documents).toHaveLength(1);
    expect(documents[0]?.meta.id).toBe('007');
    expect(documents[0]?.meta.title).toBe('KẾ HOẠCH');
    expect(documents[0]?.meta.date).toBe('không rõ');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.level).toBe('warning');
  });

  test('the real knowledge/sources folder loads all four documents without problems', async () => {
    const { documents, problems } = await loadKnowledgeSources(join(FIXTURES_DIR, '..', '..', 'knowledge', 'sources'));
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.meta.id, d.format])).toEqual([
      ['001', 'txt'],
      ['002', 'txt'],
      ['003', 'md'],
      ['004', 'md'],
    ]);
  });
});

describe('htmlToLines (DOCX HTML → lines)', () => {
  test.each([
    { name: 'paragraphs separated by a blank line', html: '<p>Một</p><p>Hai</p>', expected: ['Một', '', 'Hai'] },
    { name: 'headings marked with #', html: '<h2>II. NHIỆM VỤ</h2><p>Nội dung</p>', expected: ['## II. NHIỆM VỤ', '', 'Nội dung'] },
    { name: 'list items as dashes', html: '<ul><li>A</li><li>B</li></ul>', expected: ['- A', '', '- B'] },
    {
      name: 'table rows as tab-separated lines, cell paragraphs joined',
      html: '<table><tr><td><p>1</p></td><td><p>Xây dựng</p><p>kho dữ liệu</p></td></tr></table>',
      expected: ['1\tXây dựng kho dữ liệu'],
    },
    { name: 'entities decoded', html: '<p>Sở TT&amp;TT &lt;b&gt;</p>', expected: ['Sở TT&TT <b>'] },
  ])('$name', ({ html, expected }) => {
    expect(htmlToLines(html)).toEqual(expected);
  });
});
