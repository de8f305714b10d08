/**
 * Extractor for appendix tables written as tab-separated lines (documents 002 and 004, and
 * any .docx table the loader turns into tabs): every data row becomes a TaskRecord, every
 * group row a GroupRecord.
 *
 * What it copes with (all seen in the documents):
 *  - HTML inside cells (`<i>`, `<p>`, `<ul style=…>`), stripped;
 *  - the header repeated after each page break, with its second line of years (skipped);
 *  - a two-line header whose year columns (2022–2025) sit under "Lộ trình thực hiện/ Kinh phí";
 *  - a cell wrapped onto a following line that starts with a tab (after a blank line, or
 *    starting in lower case, or a line of figures under a group row): merged cell by cell;
 *  - group rows (Roman "I", "II", arabic "1" with children) kept as groups, with subtotals;
 *  - a mis-numbered group ("I" inside "II") read as the next lower level;
 *  - lettered sub-rows "a)", "b)" kept as tasks under their parent ("1.2.a)", parentId);
 *  - untitled italic lines ("Các nhiệm vụ về quản lý nhà nước") as unnumbered groups;
 *  - rows printed without a number, which become "V (không số)" under their group;
 *  - "TỔNG CỘNG" lines, skipped;
 *  - amounts in million VND ("5.820" = 5820, "10.5" = 10.5: see {@link parseAmount}).
 *
 * Deterministic: same lines in, same records out.
 */
import type { LoadedDocument } from '../../kb/types.ts';
import { startsLowercase, tidyCase } from '../../kb/sectioning/text-clean.ts';
import {
  GroupRecordSchema,
  TaskRecordSchema,
  type Budget,
  type GroupRecord,
  type RecordSet,
  type TaskRecord,
} from '../schema.ts';
import { appendixKey, cellText, joinPieces, parseAmount, romanNumber } from './text.ts';

/** What one extractor returns for one document. */
export interface ExtractorOutput {
  tasks: TaskRecord[];
  groups: GroupRecord[];
  coverage: RecordSet['coverage'];
  problems: RecordSet['problems'];
}

type Role = 'stt' | 'name' | 'content' | 'lead' | 'coordinate' | 'period' | 'product' | 'total' | 'legal';

interface Layout {
  roles: Map<number, Role>;
  /** Column index → year ("2022"). */
  years: Map<number, string>;
  signature: string;
}

type Kind = 'numbered' | 'letter' | 'unnumbered' | 'label';

interface Entry {
  kind: Kind;
  /** Printed number ("1.2", "II", "a)"), "" when none. */
  stt: string;
  /** Raw pieces per column (one per source line the cell spans). */
  pieces: string[][];
  lineStart: number;
  lineEnd: number;
  level: number;
}

const YEAR = /^(19|20)\d{2}$/;
const NUMBER = /^\d{1,2}(\.\d{1,2}){0,3}\.?$/;
const LETTER = /^[a-zđ]\)$/u;
const FIGURES = /^[\d.,\s]+$/;

/** True when `raw` is a header line of a tab table: "STT\tNội dung\t…" or "TT\tTên nhiệm vụ…". */
export function isTabHeader(raw: string): boolean {
  if ((raw.match(/\t/g) ?? []).length < 2) return false;
  return /^(S?TT|Số\s*TT)$/iu.test(cellText(raw.split('\t')[0] ?? ''));
}

function roleOf(label: string): Role | undefined {
  const l = label.toLowerCase();
  if (/^(s?tt|số\s*tt)$/u.test(l)) return 'stt';
  if (/chủ\s*trì/u.test(l)) return 'lead';
  if (/phối\s*hợp/u.test(l)) return 'coordinate';
  if (/thời\s*gian/u.test(l)) return 'period';
  if (/sản\s*phẩm|kết\s*quả/u.test(l)) return 'product';
  if (/kinh\s*phí/u.test(l) && !/lộ\s*trình/u.test(l)) return 'total';
  if (/mục\s*tiêu|quy\s*mô/u.test(l)) return 'content';
  if (/ghi\s*chú|căn\s*cứ/u.test(l)) return 'legal';
  if (/nội\s*dung|tên|nhiệm\s*vụ|danh\s*mục/u.test(l)) return 'name';
  return undefined;
}

function readLayout(header: string, sub: readonly string[]): Layout {
  const labels = header.split('\t').map(cellText);
  const roles = new Map<number, Role>();
  labels.forEach((label, index) => {
    const role = roleOf(label);
    if (role && ![...roles.values()].includes(role)) roles.set(index, role);
  });
  const years = new Map<number, string>();
  for (const line of sub) {
    line.split('\t').forEach((cell, index) => {
      const t = cellText(cell);
      if (YEAR.test(t)) years.set(index, t);
    });
  }
  return { roles, years, signature: `${labels[0] ?? ''}|${labels[1] ?? ''}` };
}

function isYearLine(raw: string): boolean {
  if (!raw.includes('\t')) return false;
  const cells = raw.split('\t').map(cellText).filter((c) => c.length > 0);
  return cells.length > 0 && cells.every((c) => YEAR.test(c));
}

function columnOf(layout: Layout, role: Role): number | undefined {
  for (const [index, r] of layout.roles) if (r === role) return index;
  return undefined;
}

/** The appendix label as printed above a table: "Phụ lục", "Phụ lục 1", "Phụ lục III". */
function appendixLabel(lines: readonly string[], before: number): string | undefined {
  for (let n = before - 1; n >= 0; n--) {
    const t = cellText(lines[n] ?? '');
    const m = /^phụ\s*lục(?:\s*(?:số\s*)?([IVX]+|\d+)\b)?/iu.exec(t);
    if (m) return m[1] ? `Phụ lục ${m[1]}` : 'Phụ lục';
    if (isTabHeader(lines[n] ?? '') && n < before - 1) return undefined;
  }
  return undefined;
}

/**
 * Extracts every tab-separated appendix table of a document.
 *
 * @example
 * const out = extractTabAppendices(doc004);
 * out.tasks.find((t) => t.name.startsWith('Xây dựng phòng họp trực tuyến chung của Tỉnh ủy'))?.budget?.total // 3200
 */
export function extractTabAppendices(doc: LoadedDocument): ExtractorOutput {
  const out: ExtractorOutput = { tasks: [], groups: [], coverage: [], problems: [] };
  const lines = doc.lines;
  for (let i = 0; i < lines.length; i++) {
    if (!isTabHeader(lines[i] ?? '')) continue;
    const appendix = appendixLabel(lines, i) ?? 'Phụ lục';
    const end = parseTable(doc, i, appendix, out);
    i = end - 1;
  }
  return out;
}

/** Parses one table from its header at index `start`; returns the index after its last line. */
function parseTable(doc: LoadedDocument, start: number, appendix: string, out: ExtractorOutput): number {
  const lines = doc.lines;
  const header = lines[start] ?? '';
  let i = start + 1;
  const sub: string[] = [];
  while (i < lines.length && isYearLine(lines[i] ?? '')) sub.push(lines[i++] ?? '');
  const layout = readLayout(header, sub);
  const width = Math.max(header.split('\t').length, ...sub.map((s) => s.split('\t').length));
  const nameCol = columnOf(layout, 'name') ?? 1;

  const entries: Entry[] = [];
  let current: Entry | undefined;
  let sawBlank = false;
  let lastTopRoman = 0;
  let romanSeen = false;

  for (; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const no = i + 1;
    if (raw.trim().length === 0) {
      sawBlank = true;
      continue;
    }
    if (!raw.includes('\t')) break;
    const cells = raw.split('\t');
    const clean = cells.map(cellText);
    if (`${clean[0] ?? ''}|${clean[1] ?? ''}` === layout.signature) {
      while (i + 1 < lines.length && ((lines[i + 1] ?? '').trim() === '' || isYearLine(lines[i + 1] ?? ''))) i++;
      sawBlank = false;
      current = undefined;
      continue;
    }
    const first = clean[0] ?? '';
    const filled = clean.map((c, index) => (c.length > 0 ? index : -1)).filter((index) => index >= 0);
    const make = (kind: Kind, stt: string, level: number): Entry => ({
      kind,
      stt,
      pieces: Array.from({ length: width }, (_, k) => (cells[k] !== undefined && cellText(cells[k] ?? '').length > 0 ? [cells[k] ?? ''] : [])),
      lineStart: no,
      lineEnd: no,
      level,
    });

    if (/^(tổng\s*cộng|cộng)\b/iu.test(first)) {
      current = undefined;
    } else if (first.length === 0) {
      if (filled.length === 0) continue;
      const firstText = clean[filled[0] ?? 0] ?? '';
      const figuresOnly = filled.every((index) => FIGURES.test(clean[index] ?? ''));
      if (current && (sawBlank || startsLowercase(firstText) || figuresOnly)) {
        cells.forEach((cell, k) => {
          if (cellText(cell).length > 0) current?.pieces[k]?.push(cell);
        });
        current.lineEnd = no;
      } else if (filled.length === 1 && filled[0] === nameCol) {
        current = make('label', '', 0);
        entries.push(current);
        current = undefined;
      } else {
        const previous = lastRow(entries);
        const level = previous ? (previous.kind === 'unnumbered' ? previous.level : previous.level + 1) : 1;
        current = make('unnumbered', '', level);
        entries.push(current);
      }
    } else if (LETTER.test(first)) {
      const parent = [...entries].reverse().find((e) => e.kind === 'numbered');
      current = make('letter', first, (parent?.level ?? 1) + 1);
      entries.push(current);
    } else if (NUMBER.test(first) || romanNumber(first) !== undefined) {
      const stt = first.replace(/\.$/, '');
      const roman = romanNumber(stt);
      let level: number;
      if (roman !== undefined) {
        level = roman > lastTopRoman ? 1 : 2;
        if (roman > lastTopRoman) lastTopRoman = roman;
        romanSeen = true;
      } else level = (romanSeen ? 1 : 0) + stt.split('.').length;
      current = make('numbered', stt, level);
      entries.push(current);
    } else if (filled.length === 1) {
      // An untitled group line shifted into the first column: "<i>Các nhiệm vụ …</i>\t\t…".
      current = make('label', '', 0);
      current.pieces[nameCol] = [cells[0] ?? ''];
      current.pieces[0] = [];
      entries.push(current);
      current = undefined;
    } else {
      const previous = lastRow(entries);
      current = make('unnumbered', '', previous ? previous.level + 1 : 1);
      entries.push(current);
    }
    sawBlank = false;
  }

  buildRecords(doc, appendix, layout, entries, out);
  return i;
}

/** The last entry that is a row (labels have no level of their own until the end). */
function lastRow(entries: readonly Entry[]): Entry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]?.kind !== 'label') return entries[i];
  return undefined;
}

function cell(entry: Entry, index: number | undefined): string {
  if (index === undefined) return '';
  return joinPieces((entry.pieces[index] ?? []).map(cellText));
}

function rawCell(entry: Entry, index: number | undefined): string {
  if (index === undefined) return '';
  return (entry.pieces[index] ?? []).join(' ');
}

/** Splits "Name (<i>details…</i>)" into a name and its italic description (002's layout). */
function splitNameContent(raw: string): { name: string; content: string } {
  const at = raw.search(/\(\s*<i>/i);
  if (at <= 0) return { name: cellText(raw).replace(/[\s:]+$/u, ''), content: '' };
  const name = cellText(raw.slice(0, at));
  let content = cellText(raw.slice(at).replace(/^\(\s*/, ''));
  const opens = (content.match(/\(/g) ?? []).length;
  const closes = (content.match(/\)/g) ?? []).length;
  if (closes > opens) content = content.replace(/\)\s*$/, '').trim();
  return { name, content };
}

/**
 * The budget cells of a row. One correction, reported as a note: when the row's period is a
 * single year but its only yearly amount (equal to the total) is printed under another
 * year's column, the amount is filed under the period's year. 004 does this three times
 * (rows 1.2 and 2 of group I, row 1.1 of group II): the group subtotals of the same table
 * only add up with the amount in the period's year.
 */
function budgetOf(entry: Entry, layout: Layout, period: string): { budget?: Budget; moved?: string } {
  const totalCol = columnOf(layout, 'total');
  if (totalCol === undefined && layout.years.size === 0) return {};
  const totalText = cell(entry, totalCol);
  const total = parseAmount(totalText);
  const printed: Array<{ year: string; text: string; amount: number }> = [];
  for (const [index, year] of [...layout.years].sort((a, b) => a[0] - b[0])) {
    const text = cell(entry, index);
    const amount = parseAmount(text);
    if (amount !== undefined) printed.push({ year, text, amount });
  }
  let moved: string | undefined;
  const only = printed.length === 1 ? printed[0] : undefined;
  if (only && YEAR.test(period) && only.year !== period && only.amount === total && [...layout.years.values()].includes(period)) {
    moved = `${only.text} in ở cột ${only.year}, thời gian thực hiện ${period}: ghi vào năm ${period}`;
    only.year = period;
  }
  if (total === undefined && printed.length === 0) return {};
  const byYear: Record<string, number> = {};
  for (const p of printed) byYear[p.year] = p.amount;
  const yearTexts = printed.map((p) => `${p.year}: ${p.text}`);
  const text = [total !== undefined ? totalText : '', yearTexts.length > 0 ? `(${yearTexts.join('; ')})` : '']
    .filter((part) => part.length > 0)
    .join(' ');
  return { budget: { ...(total !== undefined ? { total } : {}), byYear, text }, ...(moved ? { moved } : {}) };
}

function buildRecords(doc: LoadedDocument, appendix: string, layout: Layout, entries: Entry[], out: ExtractorOutput): void {
  const key = appendixKey(appendix);
  const col = (role: Role) => columnOf(layout, role);
  const rows = entries.filter((e) => e.kind !== 'label');

  // An untitled label sits just above the rows it heads: its level is theirs minus a half.
  entries.forEach((entry, index) => {
    if (entry.kind !== 'label') return;
    const next = entries.slice(index + 1).find((e) => e.kind !== 'label');
    entry.level = (next?.level ?? 2) - 0.5;
  });

  const isGroup = (entry: Entry): boolean => {
    if (entry.kind === 'letter') return false;
    const index = rows.indexOf(entry);
    const next = rows.slice(index + 1).find((e) => e.kind !== 'letter');
    return next !== undefined && next.level > entry.level;
  };

  interface Open {
    level: number;
    title: string;
    /** Row number used for unnumbered rows under it ("V", "2"); a label passes its parent's on. */
    row: string;
    /** Qualified row used in ids ("II.1"). */
    qualified: string;
    id: string;
  }
  const stack: Open[] = [];
  const seenIds = new Map<string, number>();
  const uniqueId = (base: string): string => {
    const count = (seenIds.get(base) ?? 0) + 1;
    seenIds.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  };
  let topRoman: string | undefined;
  let parent: { task: TaskRecord; qualified: string } | undefined;
  let rowsSeen = 0;
  let produced = 0;
  let labels = 0;
  const childTotals = new Map<string, Array<number | undefined>>();
  const addToParentGroup = (total: number | undefined) => {
    const top = stack[stack.length - 1];
    if (top) childTotals.get(top.id)?.push(total);
  };

  for (const entry of entries) {
    if (entry.kind !== 'letter') {
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= entry.level) stack.pop();
    }
    if (entry.kind === 'numbered' && entry.level === 1 && romanNumber(entry.stt) !== undefined) topRoman = entry.stt;
    const rawName = rawCell(entry, col('name'));
    const { name, content: nameDetails } = splitNameContent(rawName);
    const contentCell = cell(entry, col('content'));
    const { budget, moved } = budgetOf(entry, layout, cell(entry, col('period')));
    if (moved) out.problems.push({ file: doc.meta.file, message: `Dòng ${entry.lineStart}: kinh phí ${moved} / amount printed under another year's column, filed under the period's year` });
    const lines: [number, number] = [entry.lineStart, entry.lineEnd];
    const path = stack.map((s) => s.title);
    const top = stack[stack.length - 1];

    let row = entry.stt;
    let qualified: string;
    if (entry.kind === 'letter' && parent) {
      row = `${parent.task.row}.${entry.stt}`;
      qualified = `${parent.qualified}.${entry.stt}`;
    } else {
      if (entry.kind === 'unnumbered') row = top?.row ? `${top.row} (không số)` : '(không số)';
      const underRoman = topRoman !== undefined && row !== topRoman && !row.startsWith(`${topRoman} `);
      qualified = underRoman ? `${topRoman}.${row}` : row;
    }

    if (entry.kind === 'label' || isGroup(entry)) {
      const isLabel = entry.kind === 'label';
      if (isLabel) labels++;
      const cleanName = name.replace(/[\s:;,]+$/u, '');
      const group = GroupRecordSchema.parse({
        id: uniqueId(`${doc.meta.id}:${key}:${isLabel ? `${top?.qualified ?? ''}#nhóm${labels}` : qualified}`),
        docId: doc.meta.id,
        appendix,
        row: entry.stt,
        name: cleanName || cellText(rawName) || '(không tên)',
        path,
        leadText: cell(entry, col('lead')),
        ...(budget ? { budget } : {}),
        lines,
      });
      out.groups.push(group);
      addToParentGroup(budget?.total);
      stack.push({
        level: entry.level,
        title: tidyCase(group.row ? `${group.row} ${group.name}` : group.name),
        row: isLabel ? (top?.row ?? '') : row,
        qualified: isLabel ? (top?.qualified ?? '') : qualified,
        id: group.id,
      });
      childTotals.set(group.id, []);
      if (!isLabel) parent = undefined;
      continue;
    }

    rowsSeen++;
    const groupPath = entry.kind === 'letter' && parent ? [...path, `${parent.task.row} ${parent.task.name}`] : path;
    const record = {
      id: uniqueId(`${doc.meta.id}:${key}:${qualified}`),
      docId: doc.meta.id,
      appendix,
      row: row || '(không số)',
      group: groupPath,
      name: name || cellText(rawName) || contentCell,
      content: [nameDetails, contentCell].filter((part) => part.length > 0).join(' '),
      leadText: cell(entry, col('lead')),
      coordinateText: cell(entry, col('coordinate')),
      period: cell(entry, col('period')),
      product: cell(entry, col('product')),
      ...(budget ? { budget } : {}),
      legalBasis: cell(entry, col('legal')),
      lines,
      origin: 'extracted' as const,
      ...(entry.kind === 'letter' && parent ? { parentId: parent.task.id } : {}),
    };
    const parsed = TaskRecordSchema.safeParse(record);
    if (!parsed.success) {
      out.problems.push({ file: doc.meta.file, message: `Dòng ${entry.lineStart}: không tạo được bản ghi nhiệm vụ / could not build a task record: ${parsed.error.message}` });
      continue;
    }
    out.tasks.push(parsed.data);
    produced++;
    if (entry.kind !== 'letter') {
      parent = { task: parsed.data, qualified };
      addToParentGroup(budget?.total);
    }
    checkBudget(doc, parsed.data.budget, entry.lineStart, out);
  }

  for (const group of out.groups) {
    const totals = childTotals.get(group.id);
    const total = group.budget?.total;
    if (!totals || total === undefined || totals.length === 0 || totals.some((t) => t === undefined)) continue;
    const sum = totals.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (Math.abs(sum - total) > 0.01) {
      out.problems.push({
        file: doc.meta.file,
        message: `Số liệu văn bản không khớp, dòng ${group.lines[0]}: tổng nhóm ${total} ≠ cộng các dòng con ${sum} / document figures disagree: group total vs sum of rows`,
      });
    }
  }
  out.coverage.push({ docId: doc.meta.id, appendix, kind: 'task', rows: rowsSeen, records: produced, reviewed: 0 });
}

function checkBudget(doc: LoadedDocument, budget: Budget | undefined, line: number, out: ExtractorOutput): void {
  if (!budget || budget.total === undefined) return;
  const years = Object.values(budget.byYear);
  if (years.length === 0) return;
  const sum = years.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - budget.total) > 0.01) {
    out.problems.push({
      file: doc.meta.file,
      message: `Số liệu văn bản không khớp, dòng ${line}: tổng kinh phí ${budget.total} ≠ cộng theo năm ${sum} / document figures disagree: total vs sum of years`,
    });
  }
}
