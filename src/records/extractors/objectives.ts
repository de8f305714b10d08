/**
 * Targets from the prose of a plan's objectives section ("Mục tiêu cụ thể"): every clause
 * with a figure ("đạt trên 70%", "100% cán bộ…", "từ 30% - 50%") becomes a TargetRecord with
 * its value, comparator, unit, year or period and group heading.
 *
 * How a section is read:
 *  - it starts at a heading "… Mục tiêu cụ thể …" and ends at the next heading of the same
 *    or a higher level (or a Roman heading, or "(Phân công …" line);
 *  - lettered or numbered sub-headings ("a) Phát triển chính quyền số", "2.1. Bảo đảm hạ
 *    tầng kỹ thuật", "a) *Về hạ tầng CNTT*: …") name the group;
 *  - "Giai đoạn 2019-2020", "Đến năm 2020" set the period of what follows (a clause may name
 *    its own year); the heading's "đến năm 2025" or a one-year plan's year is the default;
 *  - a paragraph is split into clauses at ";" and sentence ends (never inside brackets); a
 *    clause with a figure starts a target and takes the figure-less clauses joined to it by
 *    ";" after it, so "100% CSDL … chia sẻ; mở dữ liệu …" stays one target.
 */
import type { LoadedDocument } from '../../kb/types.ts';
import { TargetRecordSchema, type TargetRecord } from '../schema.ts';
import { cellText, joinPieces } from './text.ts';

/** The numeric part of a target: main value, optional upper bound, comparator, unit. */
export interface TargetValue {
  value?: number;
  valueMax?: number;
  comparator: string;
  unit: string;
}

const COMPARATORS = ['không dưới', 'tối thiểu', 'ít nhất', 'tối đa', 'khoảng', 'trên', 'dưới', 'đạt', 'từ'];
const UNITS = ['GB/tháng/thuê bao', 'thiết bị/100 dân', 'bưu gửi/người', '%/năm', '%', 'km', 'trạm', 'điểm', 'tỷ đồng'];

function readNumber(text: string): number {
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) return Number(text.replace(/\./g, ''));
  return Number(text.replace(',', '.'));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const VALUE = new RegExp(
  `(?:(${COMPARATORS.map(escape).join('|')})\\s+)?(\\d+(?:[.,]\\d+)*)\\s*(%)?(?:\\s*[-–]\\s*(\\d+(?:[.,]\\d+)?)\\s*)?(${UNITS.map(escape).join('|')})?`,
  'giu',
);

/**
 * Reads the first figure of a target clause that carries a unit (%, GB/tháng/thuê bao, …):
 * "đạt trên 70%" → {value 70, comparator "trên", unit "%"}; "từ 30% - 50%" → 30, max 50;
 * "đạt từ 75 – 100 thiết bị/100 dân" → 75, max 100, "thiết bị/100 dân". Years and counts
 * without a unit ("15 tuổi", "năm 2025") are skipped. Comparators are lower-cased.
 *
 * @example parseTargetValue('Tỷ trọng kinh tế số … đạt tối thiểu 15%') // { value: 15, comparator: 'tối thiểu', unit: '%' }
 */
export function parseTargetValue(text: string): TargetValue {
  VALUE.lastIndex = 0;
  for (let m = VALUE.exec(text); m; m = VALUE.exec(text)) {
    if (m[0].length === 0) {
      VALUE.lastIndex++;
      continue;
    }
    const percent = m[3];
    const max = m[4];
    const unit = m[5] ?? (percent ? '%' : '');
    if (!percent && !m[5]) continue;
    // "100 thiết bị" style units need the number right before them; a year never has a unit.
    const before = text.slice(0, m.index);
    if (/\p{L}$/u.test(before)) continue;
    return {
      value: readNumber(m[2] ?? ''),
      ...(max ? { valueMax: readNumber(max) } : {}),
      comparator: (m[1] ?? '').toLowerCase(),
      unit: unit === '%/năm' || percent ? (unit === '%/năm' ? '%/năm' : '%') : unit,
    };
  }
  return { comparator: '', unit: '' };
}

interface Piece {
  line: number;
  start: number;
  end: number;
}

interface Paragraph {
  text: string;
  pieces: Piece[];
}

const HEADING = /^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(\d+(?:\.\d+)*\.|[IVX]+\.|[a-zđ]\))\s*(.*)$/u;
const SECTION = /mục\s*tiêu\s*cụ\s*thể/iu;

function headingLevel(label: string): number {
  if (/^[IVX]+\.$/.test(label)) return 1;
  if (/^[a-zđ]\)$/u.test(label)) return 9;
  return 1 + label.split('.').filter((p) => p.length > 0).length;
}

/** The objectives sections of a document: [first line, last line] (1-based), with the heading. */
export function findObjectiveSections(doc: LoadedDocument): Array<{ from: number; to: number; heading: string }> {
  const out: Array<{ from: number; to: number; heading: string }> = [];
  const lines = doc.lines;
  for (let i = 0; i < lines.length; i++) {
    const text = cellText(lines[i] ?? '');
    const m = HEADING.exec(text);
    if (!m || !SECTION.test(m[2] ?? '') || /^[a-zđ]\)$/u.test(m[1] ?? '')) continue;
    const level = headingLevel(m[1] ?? '');
    let j = i + 1;
    for (; j < lines.length; j++) {
      const t = cellText(lines[j] ?? '');
      if (/^\(Phân công/u.test(t)) break;
      const h = HEADING.exec(t);
      if (!h) continue;
      const label = h[1] ?? '';
      if (/^[a-zđ]\)$/u.test(label)) continue;
      // A heading is a line that is short or all in capitals; "2. Báo cáo …" inside a list is not.
      if (headingLevel(label) <= level && (h[2] ?? '').length < 120) break;
    }
    out.push({ from: i + 2, to: j, heading: text });
    i = j - 1;
  }
  return out;
}

function paragraphs(doc: LoadedDocument, from: number, to: number): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph | undefined;
  for (let n = from; n <= to; n++) {
    const text = cellText(doc.lines[n - 1] ?? '');
    if (text.length === 0) continue;
    const startsNew = /^[-+•]\s/u.test(text) || HEADING.test(text) || !current || !/^\p{Ll}/u.test(text);
    const previousBlank = n > from && cellText(doc.lines[n - 2] ?? '').length === 0;
    if (startsNew && (previousBlank || /^[-+•]\s/u.test(text) || HEADING.test(text) || !current)) {
      current = { text: '', pieces: [] };
      out.push(current);
    }
    if (!current) continue;
    const before = current.text;
    const joined = joinPieces([before, text]);
    const start = joined.length - text.length;
    current.text = joined;
    current.pieces.push({ line: n, start, end: joined.length });
  }
  return out;
}

/** Splits at ";" and sentence ends outside brackets; returns [start, end) offsets and the separator after. */
function clauses(text: string): Array<{ start: number; end: number; sep: ';' | '.' | '' }> {
  const out: Array<{ start: number; end: number; sep: ';' | '.' | '' }> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ';' || (ch === '.' && /\s/.test(text[i + 1] ?? '') && /\p{Lu}|\d/u.test(text[i + 2] ?? '')))) {
      out.push({ start, end: i, sep: ch === ';' ? ';' : '.' });
      start = i + 1;
    }
  }
  out.push({ start, end: text.length, sep: '' });
  return out.filter((c) => text.slice(c.start, c.end).trim().length > 0);
}

const PERIOD = /(?:giai\s*đoạn\s*(\d{4})\s*[-–]\s*(\d{4}))|(?:(?:đến|từ nay đến)\s*năm\s*(\d{4}))|(?:^|\s)năm\s*(\d{4})\s*:/iu;

function periodIn(text: string): string | undefined {
  const m = PERIOD.exec(text);
  if (!m) return undefined;
  if (m[1] && m[2]) return `${m[1]}-${m[2]}`;
  return m[3] ?? m[4];
}

function hasFigure(text: string): boolean {
  return parseTargetValue(text).value !== undefined;
}

function tidyClause(text: string): string {
  return text
    .trim()
    .replace(/^[-+•]\s+/u, '')
    .replace(/^(?:giai\s*đoạn\s*\d{4}\s*[-–]\s*\d{4}|đến\s*năm\s*\d{4})\s*[:,]\s*/iu, '')
    .replace(/[\s.;:]+$/u, '')
    .trim();
}

/**
 * Every quantified target of every "Mục tiêu cụ thể" section of a document.
 *
 * @example extractObjectiveTargets(doc003).find((t) => t.text.includes('90% văn bản'))?.year // "2019-2020"
 */
export function extractObjectiveTargets(doc: LoadedDocument): TargetRecord[] {
  const out: TargetRecord[] = [];
  let n = 0;
  const defaultYear = /^\d{4}$/.test(doc.meta.period) ? doc.meta.period : '';
  for (const section of findObjectiveSections(doc)) {
    let period = periodIn(section.heading) ?? defaultYear;
    let group = '';
    for (const para of paragraphs(doc, section.from, section.to)) {
      let text = para.text;
      let offset = 0;
      const heading = HEADING.exec(text);
      if (heading && !/^[-+•]/u.test(text)) {
        const rest = heading[2] ?? '';
        const colon = rest.indexOf(':');
        if (colon > 0 && colon < 60) {
          group = rest.slice(0, colon).trim();
          offset = text.length - rest.length + colon + 1;
          text = text.slice(offset);
        } else {
          group = rest.replace(/[:.]\s*$/u, '').trim();
          continue;
        }
      }
      const parts = clauses(text);
      let open: { start: number; end: number; period: string } | undefined;
      const flush = () => {
        if (!open) return;
        const clause = text.slice(open.start, open.end);
        const cleaned = tidyClause(clause);
        const lead = clause.indexOf(cleaned.slice(0, 12));
        const absStart = offset + open.start + Math.max(0, lead);
        const absEnd = absStart + cleaned.length;
        const lines = para.pieces.filter((p) => p.end > absStart && p.start < absEnd).map((p) => p.line);
        const value = parseTargetValue(cleaned);
        const ownYear = periodIn(cleaned);
        const parsed = TargetRecordSchema.safeParse({
          id: `${doc.meta.id}:target:${++n}`,
          docId: doc.meta.id,
          group: group || section.heading,
          text: cleaned,
          ...value,
          year: ownYear ?? open.period,
          lines: [Math.min(...lines), Math.max(...lines)],
          origin: 'extracted',
        });
        if (parsed.success) out.push(parsed.data);
        open = undefined;
      };
      let previousSep: string = '';
      for (const part of parts) {
        const clause = text.slice(part.start, part.end);
        const found = periodIn(clause);
        if (found) period = found;
        if (hasFigure(clause)) {
          flush();
          open = { start: part.start, end: part.end, period };
        } else if (open && previousSep === ';') {
          open.end = part.end;
        } else flush();
        previousSep = part.sep;
      }
      flush();
    }
  }
  return out;
}
