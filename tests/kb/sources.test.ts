import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadSourceCatalog } from '../../src/kb/sources.ts';
import { SOURCES_DIR, tempDir } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function folder(files: Readonly<Record<string, string | undefined>>): string {
  const { dir, cleanup } = tempDir('kb-sources-');
  cleanups.push(cleanup);
  for (const [name, content] of Object.entries(files)) if (content !== undefined) writeFileSync(join(dir, name), content);
  return dir;
}

const ENTRY = (id: string, file: string): string =>
  `  - { id: "${id}", file: "${file}", shortName: "Tên ${id}", title: "Tiêu đề ${id}", issuer: "UBND", date: "12/2023", dateIso: "2023-12" }`;

describe('loadSourceCatalog', () => {
  test('the real catalog lists the four documents with their dates and no problems', () => {
    const { documents, problems } = loadSourceCatalog(SOURCES_DIR);
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.id, d.date])).toEqual([
      ['001', '12/2023'],
      ['002', '03/2022'],
      ['003', '04/5/2019'],
      ['004', '28/01/2022'],
    ]);
  });

  test.each([
    {
      name: 'a listed file is read from the YAML',
      files: { 'sources.yaml': `documents:\n${ENTRY('001', 'a.txt')}\n`, 'a.txt': 'Nội dung' },
      expectIds: ['001'],
      expectProblems: [] as Array<[string, string]>,
    },
    {
      name: 'a file without an entry gets guessed metadata and a warning',
      files: { 'sources.yaml': 'documents: []\n', '005-bao-cao.md': '\n## **BÁO CÁO** tổng kết\n\nNội dung' },
      expectIds: ['005'],
      expectProblems: [['005-bao-cao.md', 'warning']] as Array<[string, string]>,
    },
    {
      name: 'an entry whose file is missing is a problem',
      files: { 'sources.yaml': `documents:\n${ENTRY('001', 'missing.txt')}\n` },
      expectIds: [],
      expectProblems: [['missing.txt', 'error']] as Array<[string, string]>,
    },
    {
      name: 'an invalid entry is a problem, the others still load',
      files: { 'sources.yaml': `documents:\n  - { id: "x", file: "b.txt" }\n${ENTRY('002', 'a.txt')}\n`, 'a.txt': 'A', 'b.txt': 'B' },
      expectIds: ['002', 'b'],
      expectProblems: [['b.txt', 'error'], ['b.txt', 'warning']] as Array<[string, string]>,
    },
    {
      name: 'broken YAML is a problem and every file is guessed',
      files: { 'sources.yaml': 'documents: [\n', 'a.txt': 'A' },
      expectIds: ['a'],
      expectProblems: [['sources.yaml', 'error'], ['a.txt', 'warning']] as Array<[string, string]>,
    },
  ])('$name', ({ files, expectIds, expectProblems }) => {
    // Arrange
    const dir = folder(files);
    // Act
    const { documents, problems } = loadSourceCatalog(dir);
    // Assert
    expect(documents.map((d) => d.id)).toEqual(expectIds);
    expect(problems.map((p) => [p.file, p.level])).toEqual(expectProblems);
    for (const problem of problems) expect(problem.message).toContain(problem.file === 'sources.yaml' ? 'sources.yaml' : problem.file);
  });

  test('guessed metadata: id from the file name, title from the first heading, date unknown', () => {
    const dir = folder({ 'sources.yaml': 'documents: []\n', '005-bao-cao.md': '\n## **BÁO CÁO** tổng kết\n\nNội dung' });
    const [meta] = loadSourceCatalog(dir).documents;
    expect(meta).toMatchObject({ id: '005', file: '005-bao-cao.md', title: 'BÁO CÁO tổng kết', date: 'không rõ' });
  });
});
