import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  cleanDocumentText,
  isTypedWithoutDiacritics,
  loadCorpus,
  parseIntentExamples,
  parseThesaurus,
  sentencesOf,
} from '../../src/model/corpus.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'mini');

describe('document cleaning', () => {
  test('strips HTML tags and markdown marks', () => {
    const cleaned = cleanDocumentText('<i>Kế hoạch</i> **số** # Tiêu đề');
    expect(cleaned).not.toMatch(/[<>*]/);
    expect(cleaned).toContain('Kế hoạch');
  });

  test('joins wrapped lines within a paragraph and splits sentences', () => {
    const sentences = sentencesOf(cleanDocumentText('Tỷ lệ hồ sơ được xử lý\nhoàn toàn trực tuyến. Đạt 70%.\n\nĐoạn hai'));
    expect(sentences).toEqual([
      ['tỷ', 'lệ', 'hồ', 'sơ', 'được', 'xử', 'lý', 'hoàn', 'toàn', 'trực', 'tuyến'],
      ['đạt', '70'],
      ['đoạn', 'hai'],
    ]);
  });
});

describe('parseThesaurus', () => {
  test('reads every section, skips case-sensitive and malformed entries', () => {
    const pairs = parseThesaurus(
      'abbreviations:\n  - canonical: cơ sở dữ liệu\n    variants: [CSDL]\n  - canonical: trí tuệ nhân tạo\n    variants: [AI]\n    caseSensitive: true\n  - 42\n' +
        'chat:\n  - canonical: không\n    variants: [ko, k]\n  - canonical: x\n',
    );
    expect(pairs).toEqual([
      { section: 'abbreviations', canonical: ['cơ', 'sở', 'dữ', 'liệu'], variants: [['csdl']] },
      { section: 'chat', canonical: ['không'], variants: [['ko'], ['k']] },
    ]);
  });

  test.each(['', '# only a comment', 'abbreviations: 3', '- a list'])('tolerates %j', (text) => {
    expect(parseThesaurus(text)).toEqual([]);
  });
});

test('parseIntentExamples finds examples at any depth', () => {
  expect(parseIntentExamples('intents:\n  - name: a\n    examples: [một, hai]\n  - name: b\n    nested:\n      examples: [ba]\n')).toEqual([
    'một',
    'hai',
    'ba',
  ]);
});

test('diacritic-free phrases are recognised (and left out of training)', () => {
  expect(isTypedWithoutDiacritics(['ty', 'le'])).toBe(true);
  expect(isTypedWithoutDiacritics(['tỷ', 'le'])).toBe(false);
  expect(isTypedWithoutDiacritics(['hello'])).toBe(false);
});

describe('loadCorpus', () => {
  test('loads the fixture: documents, intents (without unaccented examples) and thesaurus', () => {
    const corpus = loadCorpus({
      sourcesDir: join(FIXTURE, 'sources'),
      thesaurusFile: join(FIXTURE, 'thesaurus.yaml'),
      intentsDir: join(FIXTURE, 'intents'),
    });
    expect(corpus.files).toEqual(['sources/001-mini.txt', 'sources/002-mini.md', 'intents/mini.yaml', 'thesaurus/thesaurus.yaml']);
    expect(corpus.thesaurus.map((p) => p.canonical.join(' '))).toEqual(['cơ sở dữ liệu', 'không', 'trực tuyến']);
    const flat = corpus.sentences.map((s) => s.join(' '));
    expect(flat).toContain('tỷ lệ thanh toán trực tuyến là bao nhiêu');
    expect(flat).not.toContain('ty le ho so truc tuyen');
    expect(flat.some((s) => s.includes('hòa mạng'))).toBe(true); // tone placement canonicalised
    expect(corpus.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('tolerates a missing thesaurus and intents folder; the hash tracks the inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-corpus-'));
    mkdirSync(join(dir, 'sources'));
    writeFileSync(join(dir, 'sources', 'a.txt'), 'Dữ liệu số.');
    const a = loadCorpus({ sourcesDir: join(dir, 'sources'), thesaurusFile: join(dir, 'none.yaml'), intentsDir: join(dir, 'none') });
    expect(a.sentences).toEqual([['dữ', 'liệu', 'số']]);
    writeFileSync(join(dir, 'sources', 'a.txt'), 'Dữ liệu mở.');
    const b = loadCorpus({ sourcesDir: join(dir, 'sources') });
    expect(b.hash).not.toBe(a.hash);
  });

  test('refuses to train on nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-corpus-empty-'));
    expect(() => loadCorpus({ sourcesDir: dir })).toThrow(/No \.txt or \.md documents/);
  });
});
