/**
 * Shared test helpers for the knowledge-base tests: the real sources folder, fixture paths,
 * a metadata factory, loose text matching and temp folders cleaned up after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldDiacritics } from '../../src/nlu/vietnamese.ts';
import { cleanText } from '../../src/kb/sectioning/text-clean.ts';
import { DocumentMetaSchema, type DocumentMeta } from '../../src/kb/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

export const REPO_ROOT = join(here, '..', '..');
export const SOURCES_DIR = join(REPO_ROOT, 'knowledge', 'sources');
export const FIXTURES_DIR = join(REPO_ROOT, 'tests', 'fixtures');

/** Valid metadata with overridable fields. */
export function makeMeta(overrides: Partial<DocumentMeta> = {}): DocumentMeta {
  return DocumentMetaSchema.parse({
    id: 'test',
    file: 'test.txt',
    shortName: 'Tài liệu thử',
    title: 'Tài liệu thử',
    issuer: 'Nhóm thử nghiệm',
    date: '01/2024',
    dateIso: '2024-01',
    ...overrides,
  });
}

/** Word tokens of text with markup removed, diacritics folded and case lowered. */
export function looseTokens(text: string): string[] {
  return foldDiacritics(cleanText(text.replace(/\t/g, ' '))).match(/[a-z0-9]+(?:\.[a-z0-9]+)*/g) ?? [];
}

/** Loose containment: every token of `needle` occurs, in order, as a substring of `haystack`. */
export function looselyContains(haystack: string, needle: string): boolean {
  return looseTokens(haystack).join(' ').includes(looseTokens(needle).join(' '));
}

/** A temp folder, removed by the returned cleanup function. */
export function tempDir(prefix = 'kb-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
