/**
 * The catalog of knowledge sources: which documents live in `knowledge/sources/` and what
 * we know about each (title, issuer, date…). Metadata is data, kept in `sources.yaml`, so a
 * citation never depends on guessing from a file name. A file dropped into the folder without
 * an entry is still indexed (with guessed metadata and a warning), and an entry whose file is
 * missing is reported, never silently ignored.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DocumentMetaSchema, type DocumentMeta } from './types.ts';

/** Name of the metadata file inside a sources folder. */
export const SOURCES_FILE = 'sources.yaml';

/** Marker used for metadata we could not know ("không rõ" = unknown). */
export const UNKNOWN = 'không rõ';

/** Something wrong with the sources folder, worded for the person maintaining it. */
export interface SourceProblem {
  /** The file concerned (a document or `sources.yaml`). */
  file: string;
  /** One clear message, Vietnamese first, then English. */
  message: string;
  /** `warning`: indexed anyway (guessed metadata); `error`: the file could not be used. */
  level: 'warning' | 'error';
}

/** The catalog plus which entries were guessed (so a loader can refine their titles). */
export interface SourceCatalog {
  documents: DocumentMeta[];
  problems: SourceProblem[];
  /** Ids of documents whose metadata was guessed from the file, not read from the YAML. */
  guessedIds: Set<string>;
}

const IGNORED_FILES = new Set([SOURCES_FILE, 'sources.yml']);

/** True for files that are not documents (the metadata file, dotfiles, READMEs). */
function isIgnoredFile(name: string): boolean {
  return IGNORED_FILES.has(name) || name.startsWith('.') || /^readme(\.|$)/i.test(name);
}

/**
 * Reads `sources.yaml` in `dir` and lists every document of the folder.
 *
 * Why: the index, the citations and the admin report all need the same list, and one broken
 * entry must not hide the others. Problems are collected, never thrown.
 *
 * @example
 * const { documents, problems } = loadSourceCatalog('knowledge/sources');
 */
export function loadSourceCatalog(dir: string): { documents: DocumentMeta[]; problems: SourceProblem[] } {
  const { documents, problems } = readSourceCatalog(dir);
  return { documents, problems };
}

/**
 * Same as {@link loadSourceCatalog}, also telling which entries were guessed.
 * Why: `loadKnowledgeSources` refines a guessed title from the loaded text.
 */
export function readSourceCatalog(dir: string): SourceCatalog {
  const problems: SourceProblem[] = [];
  const documents: DocumentMeta[] = [];
  const guessedIds = new Set<string>();

  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.push({
      file: dir,
      level: 'error',
      message: `Không tìm thấy thư mục nguồn tri thức "${dir}" / Knowledge sources folder "${dir}" not found.`,
    });
    return { documents, problems, guessedIds };
  }

  const files = readdirSync(dir)
    .filter((name) => !isIgnoredFile(name) && statSync(join(dir, name)).isFile())
    .sort();

  const listed = readYamlEntries(dir, problems);
  const seenIds = new Set<string>();
  const seenFiles = new Set<string>();
  for (const meta of listed) {
    if (seenIds.has(meta.id)) {
      problems.push({
        file: meta.file,
        level: 'error',
        message: `Mã tài liệu "${meta.id}" bị trùng trong ${SOURCES_FILE}; bỏ qua mục sau / Duplicate document id "${meta.id}" in ${SOURCES_FILE}; the later entry is skipped.`,
      });
      continue;
    }
    if (!existsSync(join(dir, meta.file))) {
      problems.push({
        file: meta.file,
        level: 'error',
        message: `Tệp "${meta.file}" được khai báo trong ${SOURCES_FILE} nhưng không có trong thư mục / File "${meta.file}" is listed in ${SOURCES_FILE} but missing from the folder.`,
      });
      continue;
    }
    seenIds.add(meta.id);
    seenFiles.add(meta.file);
    documents.push(meta);
  }

  for (const file of files) {
    if (seenFiles.has(file)) continue;
    const meta = guessMeta(dir, file, seenIds);
    seenIds.add(meta.id);
    guessedIds.add(meta.id);
    documents.push(meta);
    problems.push({
      file,
      level: 'warning',
      message: `Tệp "${file}" chưa có mục trong ${SOURCES_FILE}; dùng siêu dữ liệu đoán từ tệp (ngày: ${UNKNOWN}) / File "${file}" has no entry in ${SOURCES_FILE}; using metadata guessed from the file (date unknown).`,
    });
  }
  return { documents, problems, guessedIds };
}

/** Parses and validates the YAML entries; bad entries become problems. */
function readYamlEntries(dir: string, problems: SourceProblem[]): DocumentMeta[] {
  const path = join(dir, SOURCES_FILE);
  if (!existsSync(path)) {
    problems.push({
      file: SOURCES_FILE,
      level: 'warning',
      message: `Không có ${SOURCES_FILE}; mọi tệp sẽ dùng siêu dữ liệu đoán / No ${SOURCES_FILE}; every file gets guessed metadata.`,
    });
    return [];
  }
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    problems.push({
      file: SOURCES_FILE,
      level: 'error',
      message: `${SOURCES_FILE} không phải YAML hợp lệ (${reason}) / ${SOURCES_FILE} is not valid YAML (${reason}).`,
    });
    return [];
  }
  const entries = isRecord(data) && Array.isArray(data['documents']) ? (data['documents'] as unknown[]) : undefined;
  if (!entries) {
    problems.push({
      file: SOURCES_FILE,
      level: 'error',
      message: `${SOURCES_FILE} cần một danh sách "documents" / ${SOURCES_FILE} needs a "documents" list.`,
    });
    return [];
  }
  const out: DocumentMeta[] = [];
  entries.forEach((entry, index) => {
    const parsed = DocumentMetaSchema.safeParse(entry);
    if (parsed.success) {
      out.push(parsed.data);
      return;
    }
    const file = isRecord(entry) && typeof entry['file'] === 'string' ? entry['file'] : `${SOURCES_FILE}#${index + 1}`;
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(entry)'))].join(', ');
    problems.push({
      file,
      level: 'error',
      message: `Mục thứ ${index + 1} ("${file}") trong ${SOURCES_FILE} thiếu hoặc sai trường: ${fields} / Entry ${index + 1} ("${file}") of ${SOURCES_FILE} has missing or invalid fields: ${fields}.`,
    });
  });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Metadata for a file without an entry: id from the file name ("005-bao-cao.pdf" → "005"),
 * title from the first heading-like line of a text file (else from the file name).
 */
export function guessMeta(dir: string, file: string, takenIds: ReadonlySet<string>): DocumentMeta {
  const stem = basename(file, extname(file));
  const numeric = /^(\d+)[-_ .]/.exec(stem)?.[1];
  let id = numeric && !takenIds.has(numeric) ? numeric : stem;
  for (let n = 2; takenIds.has(id); n++) id = `${stem}-${n}`;
  const ext = extname(file).toLowerCase();
  let title: string | undefined;
  if (ext === '.txt' || ext === '.md') {
    try {
      title = firstHeadingLine(readFileSync(join(dir, file), 'utf8').split(/\r\n|\r|\n/));
    } catch {
      title = undefined;
    }
  }
  title ??= titleFromFileName(stem);
  return DocumentMetaSchema.parse({
    id,
    file,
    shortName: title,
    title,
    issuer: UNKNOWN,
    date: UNKNOWN,
    dateIso: UNKNOWN,
  });
}

/**
 * The first line that reads like a title: markdown heading, bold line or the first
 * non-empty line, cleaned of markup. Used for guessed metadata.
 */
export function firstHeadingLine(lines: readonly string[]): string | undefined {
  const cleaned = lines
    .map((line) => line.replace(/^\s*#+\s*/, '').replace(/[*_`]+/g, '').replace(/<[^>]+>/g, '').trim())
    .filter((line) => line.length > 0 && !/^[-–—=_.\s]+$/.test(line));
  const heading = lines.find((line) => /^\s*#+\s+\S/.test(line));
  const candidate = heading ? heading.replace(/^\s*#+\s*/, '').replace(/[*_`]+/g, '').trim() : cleaned[0];
  if (!candidate) return undefined;
  return candidate.normalize('NFC').replace(/\s+/g, ' ').slice(0, 200);
}

function titleFromFileName(stem: string): string {
  const words = stem.replace(/^\d+[-_ .]*/, '').replace(/[-_]+/g, ' ').trim();
  return words.length > 0 ? words : stem;
}
