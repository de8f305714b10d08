/**
 * Extractor for appendix tables that came out of a PDF as plain text (document 001): each
 * cell's lines are interleaved with the other columns', so a row's lines are a mix of the
 * task name, its content, the lead and coordinating units (short lines), the status phrase
 * ("Nhiệm vụ / tiếp tục triển / khai") and the legal basis ("Theo Kế / hoạch số / 324/KH- /
 * UBND"). After a page break the rest of each column follows in the same order again.
 *
 * What is reliable, and done here: finding the rows (row numbers accepted only when they
 * follow plausibly from the previous one: 001 numbers 4.4.4 twice and skips 4.12), the group
 * rows above them ("4 DỮ LIỆU SỐ", "4.2 Lĩnh vực Y tế"), and each row's line range.
 *
 * What is a best effort: splitting the row's lines into fields, with the agency, status and
 * legal-basis patterns. Rows a person has checked live in `knowledge/records/*.yaml` and
 * replace the best effort (see `reviewed.ts`); the extractor's split is then only used to
 * measure how often it agrees.
 */
import { plausibleNext } from '../../kb/sectioning/pdf-table.ts';
import { tidyCase } from '../../kb/sectioning/text-clean.ts';
import type { LoadedDocument } from '../../kb/types.ts';
import type { TargetRecord, TaskRecord } from '../schema.ts';
import { appendixKey, cellText, joinPieces, romanNumber } from './text.ts';

/** One appendix of the PDF text: "Phụ lục I" from its title line to the next appendix. */
export interface PdfAppendix {
  label: string;
  key: string;
  /** 1-based line of the "Phụ lục …" title. */
  titleLine: number;
  /** 1-based line of the table header ("STT Chỉ tiêu …", "TT Danh mục …"). */
  headerLine: number;
  /** 1-based last line (inclusive). */
  endLine: number;
  /** "target" when the header names "Chỉ tiêu", otherwise "task". */
  kind: 'task' | 'target';
  /** The appendix title line after the label ("DANH MỤC CÁC NHIỆM VỤ …"). */
  title: string;
}

/** A row found in a PDF-text table, before its fields are split. */
export interface PdfRow {
  /** Printed number ("4.2.1", "12"); for target tables the group's Roman numeral is separate. */
  number: string;
  /** Id suffix: "4.4.4", "4.4.4#2" for a repeated number; "I.3" in target tables. */
  key: string;
  /** Groups above it, top first ("4 Dữ liệu số", "4.2 Lĩnh vực Y tế"; "I Phát triển chính quyền số"). */
  group: string[];
  /** Text printed after the number on its own line. */
  rest: string;
  lineStart: number;
  lineEnd: number;
  /** The row's lines after the number line: [line number, text], blanks and page numbers dropped. */
  body: Array<[number, string]>;
}

const APPENDIX_TITLE = /^\s*Phụ lục\s+([IVX]+)\s*$/u;
const ROW = /^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?(?:\s+(.*?))?\s*$/u;
const ROMAN_ROW = /^\s*([IVX]{1,4})\s+(\S.*?)\s*$/u;

/** Finds the PDF-text appendices of a document ("Phụ lục I", "Phụ lục II", …). */
export function findPdfAppendices(doc: LoadedDocument): PdfAppendix[] {
  const found: Array<{ label: string; titleLine: number }> = [];
  doc.lines.forEach((line, index) => {
    const m = APPENDIX_TITLE.exec(line.normalize('NFC'));
    if (m && !line.includes('\t')) found.push({ label: `Phụ lục ${m[1]}`, titleLine: index + 1 });
  });
  const out: PdfAppendix[] = [];
  found.forEach((entry, k) => {
    const endLine = k + 1 < found.length ? (found[k + 1]?.titleLine ?? 0) - 1 : doc.lines.length;
    let headerLine = 0;
    for (let n = entry.titleLine + 1; n <= endLine; n++) {
      if (/^\s*S?TT\s+\p{Lu}/u.test(doc.lines[n - 1] ?? '')) {
        headerLine = n;
        break;
      }
    }
    if (headerLine === 0) return;
    const header = doc.lines[headerLine - 1] ?? '';
    let title = '';
    for (let n = entry.titleLine + 1; n < headerLine && title.length === 0; n++) title = cellText(doc.lines[n - 1] ?? '');
    out.push({
      label: entry.label,
      key: appendixKey(entry.label),
      titleLine: entry.titleLine,
      headerLine,
      endLine,
      kind: /chỉ\s*tiêu/iu.test(header) ? 'target' : 'task',
      title,
    });
  });
  return out;
}

/**
 * Splits an appendix into rows. Task tables number rows "1", "1.1", "4.2.1" (a row with
 * children is a group); target tables have Roman groups ("I Phát triển chính quyền số")
 * with rows 1, 2, 3… restarting in each.
 */
export function splitPdfRows(doc: LoadedDocument, appendix: PdfAppendix): { rows: PdfRow[]; groups: PdfRow[] } {
  const header = cellText(doc.lines[appendix.headerLine - 1] ?? '');
  const entries: Array<PdfRow & { roman: boolean; path: number[] }> = [];
  let current: (typeof entries)[number] | undefined;
  let lastPath: number[] = [];
  let lastRoman = 0;
  let skipping = true;

  for (let n = appendix.headerLine + 1; n <= appendix.endLine; n++) {
    const raw = doc.lines[n - 1] ?? '';
    const text = cellText(raw);
    if (text.length === 0) continue;
    if (text === header) {
      skipping = true;
      continue;
    }
    const roman = ROMAN_ROW.exec(text);
    // Roman groups open a table (target tables) or follow one; never in the middle of a task table.
    if (roman && romanNumber(roman[1] ?? '') === lastRoman + 1 && (entries.length === 0 || lastRoman > 0)) {
      lastRoman += 1;
      lastPath = [];
      current = { number: roman[1] ?? '', key: roman[1] ?? '', group: [], rest: roman[2] ?? '', lineStart: n, lineEnd: n, body: [], roman: true, path: [] };
      entries.push(current);
      skipping = false;
      continue;
    }
    const m = ROW.exec(text);
    if (m) {
      const path = (m[1] ?? '').split('.').map(Number);
      if (plausibleNext(lastPath, path)) {
        lastPath = path;
        current = { number: m[1] ?? '', key: m[1] ?? '', group: [], rest: m[2] ?? '', lineStart: n, lineEnd: n, body: [], roman: false, path };
        entries.push(current);
        skipping = false;
        continue;
      }
      if (/^\d{1,3}$/.test(text)) continue; // a page number left by the PDF extraction
    }
    if (skipping || !current) continue;
    current.body.push([n, text]);
    current.lineEnd = n;
  }

  const rows: PdfRow[] = [];
  const groups: PdfRow[] = [];
  const stack: Array<{ depth: number; title: string }> = [];
  const seen = new Map<string, number>();
  let romanLabel = '';
  entries.forEach((entry, index) => {
    const next = entries[index + 1];
    const depth = entry.roman ? 0 : entry.path.length;
    const isGroup =
      entry.roman ||
      (appendix.kind === 'task' &&
        next !== undefined &&
        !next.roman &&
        next.path.length > entry.path.length &&
        entry.path.every((v, k) => next.path[k] === v));
    while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= depth) stack.pop();
    if (entry.roman) romanLabel = entry.number;
    const group = stack.map((s) => s.title);
    if (isGroup) {
      const words = joinPieces([entry.rest, ...entry.body.map(([, t]) => t)]);
      stack.push({ depth, title: `${entry.number} ${tidyCase(words)}`.trim() });
      groups.push({ ...entry, group });
      return;
    }
    const base = appendix.kind === 'target' && romanLabel ? `${romanLabel}.${entry.number}` : entry.number;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    rows.push({
      number: entry.number,
      key: count === 1 ? base : `${base}#${count}`,
      group,
      rest: entry.rest,
      lineStart: entry.lineStart,
      lineEnd: entry.lineEnd,
      body: entry.body,
    });
  });
  return { rows, groups };
}

// ---------------------------------------------------------------------------------------
// Best-effort field split
// ---------------------------------------------------------------------------------------

const AGENCY_START = /^(Sở|Ban|Đài|Văn phòng|Công an|UBND|Các sở|Các Sở|Các cơ sở|Các doanh|Các chi nhánh|Phòng|Trung tâm|Bệnh viện|Hiệp hội|Cục|Tổ|Ngân hàng|TTYT|Doanh nghiệp)(?![\p{L}\p{N}])/u;
const STATUS_PART = /^(Nhiệm vụ|tiếp tục triển|tiếp tục|triển khai\/|nhiệm vụ|mới|mới phát|sinh|khai)$/u;
const LEGAL_START = /^(Theo |Kế hoạch số|KH \d|KH số|Công văn số|CV số|QĐ |Nghị định|NQ số|Thông tư)/u;
/** Column width of the short columns (units, status, legal basis) in 001's PDF text. */
const SHORT = 18;

function leadComplete(lead: string[]): boolean {
  const text = joinPieces(lead);
  if (text.split(' ').length < 2) return false;
  return !/(Văn phòng|Sở|Ban|Đài|Công an|Công|Xây|Thông tin|và|Truyền|,|\/|&)$/u.test(text);
}

/**
 * Splits a Phụ lục II/III row into fields by the agency, status and legal-basis patterns.
 * Best effort: see the module comment.
 */
export function splitTaskRow(row: PdfRow): Pick<TaskRecord, 'name' | 'content' | 'leadText' | 'coordinateText' | 'legalBasis' | 'product'> & { status?: TaskRecord['status'] } {
  const name: string[] = row.rest ? [row.rest] : [];
  const content: string[] = [];
  const lead: string[] = [];
  const coordinate: string[] = [];
  const status: string[] = [];
  const legal: string[] = [];
  let state: 'name' | 'content' | 'lead' | 'coordinate' | 'legal' = 'name';
  let previousLine = row.lineStart;

  for (const [no, text] of row.body) {
    const gap = no - previousLine > 1;
    previousLine = no;
    const short = text.length <= SHORT;
    if (state === 'name') {
      if (name.length > 0 && gap) state = 'content';
      else {
        name.push(text);
        continue;
      }
    }
    if (state === 'content') {
      if (short && AGENCY_START.test(text) && content.length > 0) state = 'lead';
      else {
        content.push(text);
        continue;
      }
    }
    if (!short) {
      content.push(text);
      continue;
    }
    if (STATUS_PART.test(text)) {
      status.push(text);
      continue;
    }
    if (LEGAL_START.test(text)) state = 'legal';
    if (state === 'lead' && lead.length > 0 && AGENCY_START.test(text) && leadComplete(lead)) state = 'coordinate';
    if (state === 'lead') lead.push(text);
    else if (state === 'coordinate') coordinate.push(text);
    else legal.push(text);
  }
  const statusText = joinPieces(status);
  return {
    name: joinPieces(name),
    content: joinPieces(content),
    leadText: joinPieces(lead),
    coordinateText: joinPieces(coordinate),
    legalBasis: joinPieces(legal),
    product: '',
    ...(/mới/u.test(statusText) ? { status: 'new' as const } : /tiếp tục/u.test(statusText) ? { status: 'continuing' as const } : {}),
  };
}

const MONITOR_START = /^(Sở|Ngân hàng)(?![\p{L}\p{N}])/u;
const CARRIER_START = /^(Các|UBND|Văn phòng)(?![\p{L}\p{N}])/u;

/** Splits a Phụ lục I row (target, monitoring agency, agencies carrying it out). Best effort. */
export function splitTargetRow(row: PdfRow): Pick<TargetRecord, 'text' | 'monitorText' | 'leadText'> {
  const text: string[] = row.rest ? [row.rest] : [];
  const monitor: string[] = [];
  const carriers: string[] = [];
  let state: 'text' | 'monitor' | 'lead' = 'text';
  const lines = row.body.map(([, t]) => t);
  if (text.length > 0) {
    const glued = /^(.*?%\.?)\s+((?:Sở|Ngân hàng)(?![\p{L}\p{N}]).*)$/u.exec(text[0] ?? '');
    if (glued) {
      text[0] = glued[1] ?? '';
      lines.unshift(glued[2] ?? '');
    }
  }
  for (const line of lines) {
    if (state === 'text' && MONITOR_START.test(line) && text.length > 0) state = 'monitor';
    if (state === 'monitor' && CARRIER_START.test(line) && monitor.length > 0) state = 'lead';
    if (state === 'monitor') {
      const both = /^(.*?)\s+((?:UBND|Các)(?![\p{L}\p{N}]).*)$/u.exec(line);
      if (both && monitor.length === 0) {
        monitor.push(both[1] ?? '');
        carriers.push(both[2] ?? '');
        state = 'lead';
        continue;
      }
    }
    if (state === 'text') text.push(line);
    else if (state === 'monitor') monitor.push(line);
    else carriers.push(line);
  }
  return {
    text: joinPieces(text).replace(/[.;]\s*$/u, ''),
    monitorText: joinPieces(monitor),
    leadText: joinPieces(carriers),
  };
}
