/**
 * Training corpus for the bundled embedding model: the source documents, the thesaurus
 * (used for augmentation and for tying abbreviations to their expansions) and the intent
 * examples. Everything is read in a fixed order so a rebuild is byte-identical.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { canonicalSyllable, foldSyllable, syllablesOf } from './syllables.ts';

/** One thesaurus entry, already split into canonical syllables. */
export interface ThesaurusPair {
  /** Section it came from (abbreviations, synonyms, chat, …). */
  section: string;
  canonical: string[];
  variants: string[][];
}

/** What the trainer consumes. */
export interface TrainingCorpus {
  /** Sentences from documents and intent examples, as canonical syllables. */
  sentences: string[][];
  thesaurus: ThesaurusPair[];
  /** sha256 over every input file's name and bytes, in sorted order. */
  hash: string;
  /** Input files, relative names, for the model README. */
  files: string[];
}

/** Where the corpus comes from; missing thesaurus or intents are tolerated. */
export interface CorpusSources {
  sourcesDir: string;
  /**
   * Text of documents the corpus cannot read itself (PDF, DOCX), already extracted by the
   * knowledge loaders, so a plan dropped in as the file the province received is trained on too.
   */
  extraDocuments?: ReadonlyArray<{ file: string; text: string }>;
  thesaurusFile?: string;
  intentsDir?: string;
}

const DOC_EXTENSIONS = ['.txt', '.md'];

/**
 * Strips what documents carry besides words: HTML tags and entities, markdown emphasis and
 * heading marks, table separators. Keeps line structure for sentence splitting.
 */
export function cleanDocumentText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/<[^>\n]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&[a-z]+;/gi, ' ')
    .replace(/[*_`~]+/g, ' ')
    .replace(/^#+\s*/gm, '')
    .replace(/\t/g, '\n')
    .replace(/\r\n?/g, '\n');
}

/**
 * Splits cleaned text into sentences of canonical syllables. Paragraphs (blank-line separated)
 * are joined first because the PDF-derived documents wrap lines mid-sentence; sentence ends are
 * `. ; ! ?` followed by space, or a list dash at the start of a line.
 */
export function sentencesOf(cleaned: string): string[][] {
  const out: string[][] = [];
  for (const paragraph of cleaned.split(/\n\s*\n/)) {
    const joined = paragraph.replace(/\n\s*[-–•+]\s+/g, ' . ').replace(/\s*\n\s*/g, ' ');
    for (const piece of joined.split(/[.;!?:](?=\s|$)/)) {
      const syl = syllablesOf(piece).map(canonicalSyllable);
      if (syl.length > 0) out.push(syl);
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the thesaurus leniently: any top-level section holding a list of
 * `{canonical, variants[]}` counts; malformed entries are skipped, because the file is edited
 * by hand and a model build must not fail on a half-written entry. Case-sensitive entries are
 * skipped too (see below).
 */
export function parseThesaurus(text: string): ThesaurusPair[] {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc)) return [];
  const pairs: ThesaurusPair[] = [];
  for (const section of Object.keys(doc).sort()) {
    const list = doc[section];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isRecord(entry) || typeof entry['canonical'] !== 'string') continue;
      // The model lower-cases everything, so an entry that only holds in upper case ("AI" is
      // trí tuệ nhân tạo, "ai" is "who") would teach it something false: skip it.
      if (entry['caseSensitive'] === true) continue;
      const canonical = syllablesOf(entry['canonical']).map(canonicalSyllable);
      const rawVariants = Array.isArray(entry['variants']) ? entry['variants'] : [];
      const variants = rawVariants
        .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
        .map((v) => syllablesOf(String(v)).map(canonicalSyllable))
        .filter((v) => v.length > 0 && v.join(' ') !== canonical.join(' '));
      if (canonical.length > 0 && variants.length > 0) pairs.push({ section, canonical, variants });
    }
  }
  return pairs;
}

/** Collects `examples: [string]` from every intent file, wherever they sit in the YAML. */
export function parseIntentExamples(text: string): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (isRecord(node)) {
      for (const key of Object.keys(node)) {
        const value = node[key];
        if (key === 'examples' && Array.isArray(value)) {
          for (const ex of value) if (typeof ex === 'string') out.push(ex);
        } else {
          visit(value);
        }
      }
    }
  };
  visit(parseYaml(text));
  return out;
}

/**
 * True for a phrase of two or more syllables with no diacritic anywhere ("ty le truc tuyen").
 * Such intent examples are left out of training: their syllables would form a cluster of
 * their own, away from the accented words they stand for; the folded spellings added after
 * training cover them instead.
 */
export function isTypedWithoutDiacritics(syllables: string[]): boolean {
  return syllables.length >= 2 && syllables.every((s) => foldSyllable(s) === s);
}

function listFiles(dir: string, exts: string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => exts.some((e) => f.toLowerCase().endsWith(e)))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Loads the corpus from disk. Throws when the sources folder has no documents, since a model
 * trained on nothing would silently make retrieval worse.
 */
export function loadCorpus(src: CorpusSources): TrainingCorpus {
  const hash = createHash('sha256');
  const files: string[] = [];
  const addToHash = (label: string, bytes: Buffer): void => {
    files.push(label);
    hash.update(label).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  };

  const docFiles = listFiles(src.sourcesDir, DOC_EXTENSIONS);
  if (docFiles.length === 0 && (src.extraDocuments ?? []).length === 0) {
    throw new Error(`No .txt or .md documents in ${src.sourcesDir}; nothing to train the embedding model on.`);
  }
  const sentences: string[][] = [];
  for (const file of docFiles) {
    const bytes = readFileSync(file);
    addToHash(`sources/${basename(file)}`, bytes);
    sentences.push(...sentencesOf(cleanDocumentText(bytes.toString('utf8'))));
  }

  for (const doc of [...(src.extraDocuments ?? [])].sort((a, b) => a.file.localeCompare(b.file))) {
    addToHash(`sources/${basename(doc.file)}`, Buffer.from(doc.text, 'utf8'));
    sentences.push(...sentencesOf(cleanDocumentText(doc.text)));
  }

  for (const file of listFiles(src.intentsDir ?? '', ['.yaml', '.yml'])) {
    const bytes = readFileSync(file);
    addToHash(`intents/${basename(file)}`, bytes);
    try {
      for (const ex of parseIntentExamples(bytes.toString('utf8'))) {
        const syl = syllablesOf(ex).map(canonicalSyllable);
        if (syl.length > 0 && !isTypedWithoutDiacritics(syl)) sentences.push(syl);
      }
    } catch {
      // An intent file mid-edit must not break the model build; its bytes are still hashed.
    }
  }

  let thesaurus: ThesaurusPair[] = [];
  if (src.thesaurusFile && existsSync(src.thesaurusFile)) {
    const bytes = readFileSync(src.thesaurusFile);
    addToHash(`thesaurus/${basename(src.thesaurusFile)}`, bytes);
    try {
      thesaurus = parseThesaurus(bytes.toString('utf8'));
    } catch {
      thesaurus = [];
    }
  }

  return { sentences, thesaurus, hash: hash.digest('hex'), files };
}
