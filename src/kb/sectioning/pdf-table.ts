/**
 * Appendix tables that came out of a PDF as text (document 001): each cell's lines are
 * interleaved with the other columns', so fields cannot be told apart reliably here. What can
 * be recovered is the row: it runs from its number line ("4.2.1", "12") to the next row or
 * group number, and one chunk per row keeps all of its text together.
 *
 * Row numbers are accepted only when they follow plausibly from the previous one (next
 * sibling, first child, next item of an ancestor; a repeated or skipped number is tolerated
 * because 001 numbers 4.4.4 twice and skips 4.12). That keeps "1.0 (theo chỉ đạo…" and page
 * numbers such as "14" from starting rows. Repeated table headers after page breaks are dropped.
 */
import type { DraftChunk, TableResult } from './draft.ts';
import { classifyMarker, romanValue, type PreparedLine } from './markers.ts';
import { cleanText, joinWrapped, shortTitle, tidyCase } from './text-clean.ts';

export interface PdfTableContext {
  basePath: string[];
}

interface Entry {
  /** "4.2.1", "12", or a Roman numeral. */
  number: string;
  path: number[];
  roman: boolean;
  rest: string;
  lineStart: number;
  content: PreparedLine[];
}

const ENTRY = /^(\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5})\.?(?:\s+(.*))?$/u;

/** True when a line starts a PDF-text table: "STT Chỉ tiêu…", "TT Danh mục…". */
export function isPdfTableHeader(line: PreparedLine): boolean {
  return /^(S?TT)\s+\p{Lu}/u.test(line.text);
}

/** Is `next` a believable row number after `previous`? */
export function plausibleNext(previous: readonly number[], next: readonly number[]): boolean {
  if (previous.length === 0) return next.length === 1 && next[0] === 1;
  if (next.length === previous.length + 1 && previous.every((v, i) => next[i] === v) && next[next.length - 1] === 1) return true;
  for (let k = 1; k <= previous.length; k++) {
    if (next.length !== k) continue;
    if (!previous.slice(0, k - 1).every((v, i) => next[i] === v)) return false;
    const before = previous[k - 1] ?? 0;
    const value = next[k - 1] ?? 0;
    const step = value - before;
    if (step === 1 || step === 2) return true;
    return step === 0 && k === previous.length; // a number repeated by mistake (4.4.4 twice)
  }
  return false;
}

/** Parses the table starting at `start` (its header line) until the next appendix or the end. */
export function parsePdfTable(lines: readonly PreparedLine[], start: number, context: PdfTableContext): TableResult {
  const header = lines[start];
  if (!header) return { end: start + 1, drafts: [], rowCount: 0 };
  const headerText = header.text;
  const entries: Entry[] = [];
  let current: Entry | undefined;
  let skippingHeader = true;
  let lastRoman = 0;
  let lastPath: number[] = [];

  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as PreparedLine;
    if (line.blank || line.separator) continue;
    const marker = classifyMarker(line);
    if (marker?.kind === 'appendix' || /^Nơi nhận\b/iu.test(line.text)) break;
    if (line.text === headerText) {
      skippingHeader = true;
      continue;
    }
    const m = ENTRY.exec(line.text);
    if (m) {
      const number = m[1] ?? '';
      const roman = /^[IVX]+$/.test(number) ? romanValue(number) : undefined;
      let accepted = false;
      let path: number[] = [];
      if (roman !== undefined) {
        accepted = roman === lastRoman + 1 && (m[2] ?? '').length > 0;
        if (accepted) lastRoman = roman;
      } else if (/^\d/.test(number)) {
        path = number.split('.').map((part) => Number(part));
        const reference = entries.length > 0 && entries[entries.length - 1]?.roman ? [] : lastPath;
        accepted = plausibleNext(reference, path);
      }
      if (accepted) {
        current = { number, path, roman: roman !== undefined, rest: m[2] ?? '', lineStart: line.no, content: [] };
        entries.push(current);
        if (roman === undefined) lastPath = path;
        else lastPath = [];
        skippingHeader = false;
        continue;
      }
      if (/^\d+$/.test(line.text)) continue; // page number left by the PDF extraction
    }
    if (skippingHeader || !current) continue;
    current.content.push(line);
  }

  const drafts: DraftChunk[] = [];
  const stack: { depth: number; title: string }[] = [];
  let rowCount = 0;
  entries.forEach((entry, index) => {
    const next = entries[index + 1];
    const depth = entry.roman ? 0 : entry.path.length;
    const isGroup =
      entry.roman ||
      (next !== undefined && !next.roman && next.path.length > entry.path.length && entry.path.every((v, k) => next.path[k] === v));
    while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= depth) stack.pop();
    if (isGroup) {
      const words = cleanText(joinWrapped([entry.rest, ...entry.content.map((l) => l.text)]));
      stack.push({ depth, title: `${entry.number}. ${shortTitle(tidyCase(words))}` });
      return;
    }
    const content = entry.content;
    const text = cleanText(joinWrapped([`${entry.number} ${entry.rest}`, ...content.map((l) => l.text)]));
    const last = content[content.length - 1];
    drafts.push({
      sectionPath: [...context.basePath, ...stack.map((s) => s.title)],
      text,
      lineStart: entry.lineStart,
      lineEnd: last ? last.no : entry.lineStart,
      kind: 'table_row',
    });
    rowCount++;
  });
  return { end: i, drafts, rowCount };
}
