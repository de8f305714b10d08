/**
 * Tab-separated appendix tables (documents 002 and 004, and .docx tables): one chunk per task
 * row, rendered readably with the column names ("Đơn vị chủ trì: Trung tâm CNTT&TT."), with
 * the group rows above it ("I  Phát triển hạ tầng kỹ thuật") as its section path.
 *
 * What the parser copes with:
 *  - a header whose year columns (2022–2025) sit on a second line under "Lộ trình…";
 *  - the header repeated after each page break (skipped);
 *  - cells wrapped onto a following line that starts with a tab (merged cell by cell);
 *  - sub-rows "a)", "b)" that belong to their parent row (rendered inside it);
 *  - group rows (Roman, integer or untitled italic lines) recognised by having children;
 *  - a mis-numbered group ("I" after "II") treated as the next lower level;
 *  - "TỔNG CỘNG" totals (a heading chunk, not a task row).
 */
import { appendSentence, finishSentence, type DraftChunk, type TableResult } from './draft.ts';
import { romanValue, type PreparedLine } from './markers.ts';
import { cleanText, joinWrapped, shortTitle, startsLowercase, tidyCase } from './text-clean.ts';

export interface TableContext {
  /** Section path above the table (usually the appendix heading). */
  basePath: string[];
  /** Unit of money columns ("triệu đồng"), from an "ĐVT:" line before the table. */
  unit?: string;
}

/** Column layout of a table, read from its header line(s). */
export interface Columns {
  /** Display names of each column, after the header's second line is merged in. */
  labels: string[];
  /** Indexes of year columns (2022…2025), reported inside the money column. */
  yearCols: number[];
  /** Column headed "… kinh phí …", if any. */
  moneyCol?: number;
  /** Label spanning the year columns ("Lộ trình thực hiện/ Kinh phí"). */
  yearsLabel?: string;
  /** First two header cells, to recognise a repeated header. */
  signature: string;
}

type EntryKind = 'row' | 'subgroup' | 'total';

interface Entry {
  kind: EntryKind;
  stt: string;
  level: number;
  cells: string[];
  lineStart: number;
  lineEnd: number;
  /** Sub-rows "a)", "b)" rendered inside this row. */
  subRows: Entry[];
}

const YEAR = /^(19|20)\d{2}$/;
const NUMERIC = /^[\d.,\s]+$/;

/** Cells of a raw table line, cleaned of markup; trailing empty cells kept for alignment. */
export function splitCells(raw: string): string[] {
  return raw.split('\t').map((cell) => cleanText(cell));
}

/** True when a line opens a tab-separated table: "STT\tNội dung\t…" or "TT\tTên nhiệm vụ…". */
export function isTabTableHeader(line: PreparedLine): boolean {
  if ((line.raw.match(/\t/g) ?? []).length < 2) return false;
  const first = cleanText(line.raw.split('\t')[0] ?? '');
  return /^(S?TT|Số\s*TT)$/iu.test(first);
}

function isSubHeader(line: PreparedLine): boolean {
  if (!line.raw.includes('\t')) return false;
  const cells = splitCells(line.raw).filter((c) => c.length > 0);
  return cells.length > 0 && cells.every((c) => YEAR.test(c));
}

function readColumns(header: PreparedLine, sub: PreparedLine[]): Columns {
  const names = splitCells(header.raw);
  const labels = names.map((name) => name.replace(/\s*\([^)]*\)\s*/g, ' ').trim());
  const yearCols: number[] = [];
  let yearsLabel: string | undefined;
  for (const line of sub) {
    splitCells(line.raw).forEach((cell, index) => {
      if (cell.length === 0) return;
      if (YEAR.test(cell)) {
        if (!yearCols.includes(index)) yearCols.push(index);
        if (yearsLabel === undefined) {
          for (let k = index; k >= 0; k--) {
            const above = labels[k];
            if (above && !YEAR.test(above)) {
              yearsLabel = above;
              break;
            }
          }
        }
      }
      labels[index] = cell;
    });
  }
  const moneyCol = labels.findIndex((label, index) => !yearCols.includes(index) && /kinh\s*phí/iu.test(label));
  return {
    labels,
    yearCols,
    moneyCol: moneyCol >= 0 ? moneyCol : undefined,
    yearsLabel,
    signature: `${names[0] ?? ''}|${names[1] ?? ''}`,
  };
}

function isHeaderRepeat(cells: string[], columns: Columns): boolean {
  return `${cells[0] ?? ''}|${cells[1] ?? ''}` === columns.signature;
}

function mergeCells(into: Entry, cells: string[], lineNo: number): void {
  cells.forEach((cell, index) => {
    if (cell.length === 0) return;
    into.cells[index] = joinWrapped([into.cells[index] ?? '', cell]);
  });
  into.lineEnd = lineNo;
}

function nonEmpty(cells: string[]): string[] {
  return cells.filter((cell) => cell.length > 0);
}

/** A numbered line with only a name (and figures): looks like a group heading. */
function looksLikeGroup(cells: string[], columns: Columns): boolean {
  return cells.every((cell, index) => index <= 1 || cell.length === 0 || (NUMERIC.test(cell) && (columns.yearCols.includes(index) || index === columns.moneyCol)));
}

/** Renders one row: "1.12 Name. Đơn vị chủ trì: …. Dự kiến tổng kinh phí: 5.820 triệu đồng (2022: …)." */
export function renderRow(cells: string[], columns: Columns, unit: string | undefined, sttOverride?: string): string {
  const stt = sttOverride ?? cells[0] ?? '';
  const name = cells[1] ?? '';
  let text = [stt, name].filter((part) => part.length > 0).join(' ');
  const years = columns.yearCols
    .filter((index) => (cells[index] ?? '').length > 0)
    .map((index) => `${columns.labels[index] ?? ''}: ${cells[index] ?? ''}`);
  let yearsShown = false;
  cells.forEach((value, index) => {
    if (index <= 1 || value.length === 0 || columns.yearCols.includes(index)) return;
    const label = columns.labels[index] || `Cột ${index + 1}`;
    let shown = value;
    if (index === columns.moneyCol) {
      if (unit && NUMERIC.test(value)) shown = `${value} ${unit}`;
      if (years.length > 0) shown = `${shown} (${years.join('; ')})`;
      yearsShown = true;
    }
    text = appendSentence(text, `${label}: ${shown}`);
  });
  if (!yearsShown && years.length > 0) {
    const label = columns.yearsLabel ?? (columns.moneyCol !== undefined ? columns.labels[columns.moneyCol] : undefined) ?? 'Theo năm';
    text = appendSentence(text, `${label}: ${years.join('; ')}${unit ? ` (${unit})` : ''}`);
  }
  return finishSentence(text);
}

/**
 * Parses a tab-separated table starting at `start` (its header line) and returns the chunks.
 * The table ends at the first non-blank line without a tab.
 */
export function parseTabTable(lines: readonly PreparedLine[], start: number, context: TableContext): TableResult {
  const header = lines[start];
  if (!header) return { end: start + 1, drafts: [], rowCount: 0 };
  let i = start + 1;
  const sub: PreparedLine[] = [];
  while (i < lines.length && lines[i] && isSubHeader(lines[i] as PreparedLine)) sub.push(lines[i++] as PreparedLine);
  const columns = readColumns(header, sub);

  const entries: Entry[] = [];
  let current: Entry | undefined;
  let parent: Entry | undefined;
  let sawBlank = false;
  let lastRoman = 0;
  let lastGroupLevel: number | undefined;

  for (; i < lines.length; i++) {
    const line = lines[i] as PreparedLine;
    if (line.blank) {
      sawBlank = true;
      continue;
    }
    if (!line.raw.includes('\t')) break;
    const cells = splitCells(line.raw);
    if (isHeaderRepeat(cells, columns)) {
      while (i + 1 < lines.length && (lines[i + 1]?.blank || isSubHeader(lines[i + 1] as PreparedLine))) i++;
      sawBlank = false;
      continue;
    }
    const stt = cells[0] ?? '';
    const filled = nonEmpty(cells);
    const make = (kind: EntryKind, level: number, sttText = stt): Entry => ({
      kind,
      stt: sttText,
      level,
      cells,
      lineStart: line.no,
      lineEnd: line.no,
      subRows: [],
    });

    if (stt.length === 0) {
      const first = filled[0] ?? '';
      const continuation = current !== undefined && (sawBlank || startsLowercase(first) || filled.every((c) => NUMERIC.test(c)));
      if (continuation && current) mergeCells(current, cells, line.no);
      else if (filled.length === 1) {
        current = make('subgroup', (lastGroupLevel ?? 1) + 0.5);
        entries.push(current);
        parent = undefined;
      } else {
        const previous = entries[entries.length - 1];
        const level = previous ? (previous.kind === 'subgroup' || looksLikeGroup(previous.cells, columns) ? previous.level + 1 : previous.level) : 1;
        current = make('row', level);
        entries.push(current);
        parent = current;
      }
    } else if (/^(tổng\s*cộng|cộng)\b/iu.test(stt)) {
      current = make('total', 0);
      entries.push(current);
      parent = undefined;
    } else if (/^[a-zđ]\)$/u.test(stt) && parent) {
      current = make('row', parent.level + 1);
      parent.subRows.push(current);
      parent.lineEnd = line.no;
    } else if (/^(\d{1,2}(\.\d{1,2}){0,3})\.?$/.test(stt) || romanValue(stt) !== undefined) {
      let level: number;
      let label = stt.replace(/\.$/, '');
      const roman = romanValue(stt);
      if (roman !== undefined && roman > lastRoman) {
        level = 1;
        lastRoman = roman;
      } else if (roman !== undefined) {
        level = 2; // "I" after "II": a mis-numbered second-level group
      } else {
        level = 1 + label.split('.').length;
      }
      if (roman === undefined) label = stt.replace(/\.$/, '');
      current = make('row', level, label);
      entries.push(current);
      parent = current;
      if (looksLikeGroup(cells, columns)) lastGroupLevel = level;
    } else if (filled.length === 1) {
      current = make('subgroup', (lastGroupLevel ?? 1) + 0.5, '');
      current.cells = ['', stt];
      entries.push(current);
      parent = undefined;
    } else {
      current = make('row', (entries[entries.length - 1]?.level ?? 1), '');
      current.cells = ['', ...cells];
      entries.push(current);
      parent = current;
    }
    sawBlank = false;
  }

  return { end: i, ...buildChunks(entries, columns, context) };
}

function buildChunks(entries: Entry[], columns: Columns, context: TableContext): { drafts: DraftChunk[]; rowCount: number } {
  const drafts: DraftChunk[] = [];
  const stack: { level: number; title: string }[] = [];
  let rowCount = 0;
  const ordered = entries.filter((entry) => entry.kind !== 'total');
  const nextLevel = new Map<Entry, number | undefined>();
  ordered.forEach((entry, index) => nextLevel.set(entry, ordered[index + 1]?.level));

  for (const entry of entries) {
    if (entry.kind === 'total') {
      const text = renderRow(['', 'Tổng cộng', ...entry.cells.slice(2)], columns, context.unit, '');
      drafts.push({ sectionPath: [...context.basePath], text, lineStart: entry.lineStart, lineEnd: entry.lineEnd, kind: 'heading' });
      continue;
    }
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= entry.level) stack.pop();
    const next = nextLevel.get(entry);
    const isGroup = entry.kind === 'subgroup' || (next !== undefined && next > entry.level && entry.subRows.length === 0);
    const name = tidyCase(entry.cells[1] ?? '');
    if (isGroup) {
      const label = entry.stt ? `${entry.stt}. ` : '';
      const title = `${label}${shortTitle(name)}`;
      stack.push({ level: entry.level, title });
      const path = [...context.basePath, ...stack.map((s) => s.title)];
      const hasFigures = entry.cells.slice(2).some((cell) => cell.length > 0);
      if (hasFigures || shortTitle(name) !== name.replace(/[\s:;,.]+$/u, '')) {
        const cells = [...entry.cells];
        cells[1] = name.replace(/[\s:;,]+$/u, '');
        const text = renderRow(cells, columns, context.unit, entry.stt ? `${entry.stt}.` : '');
        drafts.push({ sectionPath: path, text, lineStart: entry.lineStart, lineEnd: entry.lineEnd, kind: 'heading' });
      }
      continue;
    }
    const path = [...context.basePath, ...stack.map((s) => s.title)];
    let text = renderRow(entry.cells, columns, context.unit);
    let lineEnd = entry.lineEnd;
    for (const subRow of entry.subRows) {
      text = appendSentence(text, renderRow(subRow.cells, columns, context.unit));
      lineEnd = Math.max(lineEnd, subRow.lineEnd);
    }
    drafts.push({ sectionPath: path, text, lineStart: entry.lineStart, lineEnd, kind: 'table_row' });
    rowCount++;
  }
  return { drafts, rowCount };
}
