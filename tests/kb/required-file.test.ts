/**
 * A broken thesaurus.yaml or agencies.yaml stops start-up (they are required, unlike a
 * document, which is skipped) with a message naming the file and the line (issue 12, item 9).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadRequired, RequiredFileError } from '../../src/kb/required-file.ts';
import { loadThesaurus } from '../../src/nlu/thesaurus.ts';
import { loadAgencyDirectory } from '../../src/records/agencies.ts';

const dir = mkdtempSync(join(tmpdir(), 'required-'));
const shipped = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'knowledge', name), 'utf8');
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const failure = (fn: () => unknown): RequiredFileError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RequiredFileError);
    return error as RequiredFileError;
  }
  throw new Error('did not fail');
};

describe('required knowledge files', () => {
  test('thesaurus.yaml with a YAML syntax error: file and line', () => {
    const path = write('thesaurus.yaml', 'abbreviations:\n  - canonical: "cơ sở dữ liệu\n    variants: [CSDL\n');
    const e = failure(() => loadRequired(path, loadThesaurus));
    expect(e.message).toContain('thesaurus.yaml');
    expect(e.line).toBeGreaterThan(0);
    expect(e.message).toMatch(/dòng \d+ \(line \d+\)/);
  });

  test('thesaurus.yaml with a wrong field: the line of that entry', () => {
    const text = shipped('thesaurus.yaml');
    const broken = text.replace(/canonical: .*/, 'canonical: 5');
    const expectedLine = broken.split('\n').findIndex((l) => l.includes('canonical: 5')) + 1;
    const e = failure(() => loadRequired(write('thesaurus.yaml', broken), loadThesaurus));
    expect(e.line).toBe(expectedLine);
  });

  test('agencies.yaml with an unknown kind: file and the line of the entry', () => {
    const text = shipped('agencies.yaml');
    const broken = text.replace(/kind: \S+/, 'kind: khong-co');
    const expectedLine = broken.split('\n').findIndex((l) => l.includes('kind: khong-co')) + 1;
    const e = failure(() => loadRequired(write('agencies.yaml', broken), loadAgencyDirectory));
    expect(e.message).toContain('agencies.yaml');
    expect(e.line).toBeGreaterThan(0);
    expect(Math.abs(e.line! - expectedLine)).toBeLessThanOrEqual(3);
  });

  test('the shipped files load', () => {
    expect(() => loadRequired(join(import.meta.dirname, '..', '..', 'knowledge', 'thesaurus.yaml'), loadThesaurus)).not.toThrow();
    expect(() => loadRequired(join(import.meta.dirname, '..', '..', 'knowledge', 'agencies.yaml'), loadAgencyDirectory)).not.toThrow();
  });
});
