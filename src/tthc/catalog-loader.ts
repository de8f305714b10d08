/**
 * Loads the procedure catalog from `knowledge/tthc/`: YAML, JSON or CSV files, so a province
 * can drop in its own export next to the shipped files.
 *
 * Why lenient per file and strict per procedure: one broken export must not take the
 * other procedures down with it, but a procedure with a malformed fact must never be
 * shown. Every problem names the file, the row (CSV line, or YAML line and item number)
 * and the field, so the person who maintains the file can fix it without reading code.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { foldDiacritics, normalizeText } from '../nlu/vietnamese.ts';
import { parseCsv } from './csv.ts';
import { CatalogFileSchema, CHANNEL_KINDS, ProcedureSchema, type Procedure } from './schema.ts';

/** Files in the catalog folder that are not procedure lists. */
export const RESERVED_FILES: ReadonlySet<string> = new Set(['aspects.yaml']);

export interface CatalogProblem {
  file: string;
  /** CSV line, or the YAML line where the item or field starts. */
  line?: number;
  /** 1-based position of the procedure in the file (YAML/JSON list, CSV data row). */
  row?: number;
  /** Dotted path of the field: "documents.legalBasis.0". */
  field?: string;
  message: string;
}

/** "ho-tich.csv: dòng 3 (mục 2), trường fees.text: …" — what a maintainer reads. */
export function formatProblem(p: CatalogProblem): string {
  const where = [
    p.line !== undefined ? `dòng ${p.line}` : undefined,
    p.row !== undefined ? `mục ${p.row} (row ${p.row})` : undefined,
    p.field ? `trường ${p.field} (field ${p.field})` : undefined,
  ].filter(Boolean);
  return `${p.file}${where.length ? ': ' + where.join(', ') : ''}: ${p.message}`;
}

export interface LoadedProcedure {
  procedure: Procedure;
  /** File name the procedure came from, for citations and duplicate reports. */
  file: string;
}

export interface CatalogLoadResult {
  procedures: LoadedProcedure[];
  problems: CatalogProblem[];
  /** Files read (with or without problems). */
  files: string[];
}

const SUPPORTED = new Set(['.yaml', '.yml', '.json', '.csv']);

/** Reads every catalog file of `dir`; a missing folder is an empty catalog. */
export function loadCatalogDir(dir: string): CatalogLoadResult {
  if (!existsSync(dir)) return { procedures: [], problems: [], files: [] };
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !RESERVED_FILES.has(n) && SUPPORTED.has(extname(n).toLowerCase()))
    .filter((n) => statSync(join(dir, n)).isFile())
    .sort();
  const result: CatalogLoadResult = { procedures: [], problems: [], files: [] };
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      result.problems.push({ file: name, message: `không đọc được tệp (cannot read): ${errorText(error)}` });
      continue;
    }
    result.files.push(name);
    const parsed = parseCatalogText(text, name);
    result.procedures.push(...parsed.procedures);
    result.problems.push(...parsed.problems);
  }
  return { ...result, ...dedupe(result.procedures, result.problems) };
}

/** Parses one catalog file's text; `file` decides the format (by extension) and names the problems. */
export function parseCatalogText(text: string, file: string): { procedures: LoadedProcedure[]; problems: CatalogProblem[] } {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return parseCsvCatalog(text, file);
  if (ext === '.json') return parseJsonCatalog(text, file);
  return parseYamlCatalog(text, file);
}

function parseYamlCatalog(text: string, file: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    return { procedures: [], problems: [{ file, ...(line ? { line } : {}), message: `YAML không hợp lệ (invalid YAML): ${e.message.split('\n')[0]}` }] };
  }
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return validateItems(doc.toJS() as unknown, file, (index, fieldPath) => lineOf(['procedures', index, ...fieldPath]));
}

function parseJsonCatalog(text: string, file: string) {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    return { procedures: [], problems: [{ file, message: `JSON không hợp lệ (invalid JSON): ${errorText(error)}` }] };
  }
  // A bare array is accepted too: some exports have no wrapper object.
  return validateItems(Array.isArray(data) ? { procedures: data } : data, file, () => undefined);
}

/**
 * Validates one procedure (the index-th of its file): a valid one joins `procedures`; each
 * schema issue becomes a problem naming the file, line (where known), row and field.
 */
function addProcedure(
  item: unknown,
  file: string,
  index: number,
  lineOf: (fieldPath: ReadonlyArray<string | number>) => number | undefined,
  procedures: LoadedProcedure[],
  problems: CatalogProblem[],
): void {
  const parsed = ProcedureSchema.safeParse(item);
  if (parsed.success) {
    procedures.push({ procedure: parsed.data, file });
    return;
  }
  const code = codeOf(item);
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const line = lineOf(path);
    problems.push({
      file,
      ...(line !== undefined ? { line } : {}),
      row: index + 1,
      field: path.join('.') || '(procedure)',
      message: `${code ? `thủ tục "${code}": ` : ''}${issue.message}`,
    });
  }
}

function validateItems(
  data: unknown,
  file: string,
  lineOf: (index: number, fieldPath: ReadonlyArray<string | number>) => number | undefined,
): { procedures: LoadedProcedure[]; problems: CatalogProblem[] } {
  const top = CatalogFileSchema.safeParse(data);
  if (!top.success) {
    return { procedures: [], problems: [{ file, message: `tệp phải có danh sách "procedures" (a "procedures" list is required): ${issuesText(top.error)}` }] };
  }
  const procedures: LoadedProcedure[] = [];
  const problems: CatalogProblem[] = [];
  top.data.procedures.forEach((item, index) => {
    addProcedure(item, file, index, (path) => lineOf(index, path), procedures, problems);
  });
  return { procedures, problems };
}

/** CSV columns whose cells hold several values separated by "|". */
const LIST_COLUMNS = /^(phrasings|notFor|planQueries|[a-zA-Z]+\.(legalBasis|sources|items|channels))$/;

function parseCsvCatalog(text: string, file: string) {
  let records;
  try {
    const firstLine = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
    const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
    records = parseCsv(text, delimiter);
  } catch (error) {
    return { procedures: [], problems: [{ file, message: `CSV không hợp lệ (invalid CSV): ${errorText(error)}` }] };
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0) return { procedures: [], problems: [{ file, message: 'CSV cần một dòng tiêu đề và ít nhất một thủ tục (header and at least one row required)' }] };
  const columns = header.cells.map((c) => c.trim());
  const unknown = columns.filter((c) => c && !knownColumn(c));
  if (unknown.length > 0) {
    return { procedures: [], problems: [{ file, line: header.line, field: unknown.join(', '), message: `cột không có trong lược đồ (unknown column): ${unknown.join(', ')}` }] };
  }
  const procedures: LoadedProcedure[] = [];
  const problems: CatalogProblem[] = [];
  rows.forEach((record, index) => {
    const item = csvRowToObject(columns, record.cells);
    addProcedure(item, file, index, () => record.line, procedures, problems);
  });
  return { procedures, problems };
}

const TOP_COLUMNS = new Set(['code', 'nationalCode', 'name', 'phrasings', 'notFor', 'field', 'planQueries']);
const GROUP_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  agency: ['level', 'text'],
  applicants: ['text'],
  documents: ['items'],
  steps: ['items'],
  processingTime: ['text'],
  fees: ['text', 'exemptions'],
  submission: ['channels'],
  result: ['text'],
};
const PROVENANCE_COLUMNS = ['legalBasis', 'sources', 'verifiedOn', 'note'];

function knownColumn(column: string): boolean {
  if (TOP_COLUMNS.has(column)) return true;
  const [group, key, ...rest] = column.split('.');
  const own = GROUP_COLUMNS[group ?? ''];
  return rest.length === 0 && own !== undefined && key !== undefined && (own.includes(key) || PROVENANCE_COLUMNS.includes(key));
}

/** One CSV row as the object the schema expects; empty cells are absent, empty groups too. */
export function csvRowToObject(columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const raw = (cells[i] ?? '').trim();
    if (!column || raw === '') return;
    const value = LIST_COLUMNS.test(column) ? splitList(raw).map((v) => (column.endsWith('.channels') ? channelOf(v) : v)) : raw;
    const [group, key] = column.split('.');
    if (key === undefined) out[column] = value;
    else {
      const target = (out[group!] ??= {}) as Record<string, unknown>;
      target[key] = value;
    }
  });
  return out;
}

function splitList(cell: string): string[] {
  return cell
    .split(/\s*\|\s*|\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** "truc-tuyen: Cổng Dịch vụ công quốc gia https://dichvucong.gov.vn" → a channel object. */
function channelOf(cell: string): unknown {
  const m = /^([a-z-]+)\s*:\s*(.*)$/u.exec(cell);
  if (!m || !(CHANNEL_KINDS as readonly string[]).includes(m[1]!)) return cell;
  const url = /\bhttps?:\/\/\S+/u.exec(m[2]!)?.[0];
  const text = (url ? m[2]!.replace(url, '') : m[2]!).trim().replace(/[\s,;:]+$/u, '');
  return { kind: m[1], text: text || url, ...(url ? { url } : {}) };
}

/**
 * Drops a procedure whose code another file already used, and reports phrasings claimed
 * by two procedures (a message could then go either way).
 */
function dedupe(procedures: LoadedProcedure[], problems: CatalogProblem[]): { procedures: LoadedProcedure[]; problems: CatalogProblem[] } {
  const byCode = new Map<string, LoadedProcedure>();
  const kept: LoadedProcedure[] = [];
  const extra: CatalogProblem[] = [];
  for (const p of procedures) {
    const first = byCode.get(p.procedure.code);
    if (first) {
      extra.push({ file: p.file, field: 'code', message: `mã thủ tục "${p.procedure.code}" đã có trong ${first.file}; bỏ qua bản này (duplicate code, skipped)` });
      continue;
    }
    byCode.set(p.procedure.code, p);
    kept.push(p);
  }
  const phrasingOwner = new Map<string, string>();
  for (const p of kept) {
    for (const phrasing of [p.procedure.name, ...p.procedure.phrasings]) {
      const key = foldDiacritics(normalizeText(phrasing)).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      const owner = phrasingOwner.get(key);
      if (owner && owner !== p.procedure.code) {
        extra.push({ file: p.file, field: 'phrasings', message: `cách hỏi "${phrasing}" thuộc cả "${owner}" và "${p.procedure.code}" (phrasing claimed by two procedures)` });
      } else phrasingOwner.set(key, p.procedure.code);
    }
  }
  return { procedures: kept, problems: [...problems, ...extra] };
}

function codeOf(item: unknown): string | undefined {
  return item && typeof item === 'object' && 'code' in item && typeof item.code === 'string' ? item.code : undefined;
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`).join('; ');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** The file name without folders, as problems show it. */
export function catalogFileName(path: string): string {
  return basename(path);
}
