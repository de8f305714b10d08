/**
 * Traceability: does a record's field text occur within the lines it cites?
 *
 * Why: reviewed data is typed by a person, and the extractors rebuild cells from wrapped or
 * interleaved lines. Either can drift from the document. This check makes every field
 * provably come from its lines: the field, with whitespace ignored, must be covered by a few
 * pieces that occur in order in the cited lines (markup stripped, NFC, whitespace ignored).
 * One piece is a cell printed on one line; several pieces are a cell wrapped over lines, or
 * (in PDF text) a cell whose lines are interleaved with the other columns'.
 *
 * The comparison is exact apart from whitespace and markup: no diacritic folding, no case
 * folding, so "Sở TT&TT" never matches "Sở TTTT".
 */
import { stripMarkup } from '../../kb/sectioning/text-clean.ts';
import type { ResponsibilityRecord, TargetRecord, TaskRecord } from '../schema.ts';

/** Outcome of tracing one field. */
export interface TraceResult {
  ok: boolean;
  /** How many in-order pieces were needed. */
  pieces: number;
  /** The first part of the field that could not be found, when `ok` is false. */
  missing?: string;
}

/** Shortest piece accepted (shorter runs could be assembled from scattered letters). */
const MIN_PIECE = 2;

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * Text with whitespace removed, plus where the removed whitespace, punctuation and line ends
 * were: pieces may only start and end at such boundaries, so "Sở TTTT" is never assembled
 * from "Sở TT" + "TT" of "Sở TT&TT".
 */
interface Squashed {
  text: string;
  /** boundary[i]: a word boundary sits before character i (i = text.length: the end). */
  boundary: Uint8Array;
  /** lineEnd[i]: a source line ends before character i. */
  lineEnd: Uint8Array;
}

function squashLines(pieces: readonly string[], markLineEnds: boolean): Squashed {
  const chars: string[] = [];
  const spaceBefore: number[] = [];
  const lineEnds: number[] = [];
  for (const piece of pieces) {
    let pending = true;
    for (const ch of piece.normalize('NFC')) {
      if (/\s/u.test(ch)) {
        pending = true;
        continue;
      }
      if (pending) spaceBefore.push(chars.length);
      pending = false;
      chars.push(ch);
    }
    if (markLineEnds) lineEnds.push(chars.length);
  }
  const text = chars.join('');
  // Indexes into `text` are UTF-16 offsets; map code-point positions to them.
  const offsets: number[] = [];
  let offset = 0;
  for (const ch of chars) {
    offsets.push(offset);
    offset += ch.length;
  }
  offsets.push(offset);
  const boundary = new Uint8Array(text.length + 1);
  const lineEnd = new Uint8Array(text.length + 1);
  boundary[0] = 1;
  boundary[text.length] = 1;
  for (const k of spaceBefore) boundary[offsets[k] ?? 0] = 1;
  for (const k of lineEnds) {
    boundary[offsets[k] ?? 0] = 1;
    lineEnd[offsets[k] ?? 0] = 1;
  }
  for (let k = 1; k < chars.length; k++) {
    if (!WORD_CHAR.test(chars[k - 1] ?? '') || !WORD_CHAR.test(chars[k] ?? '')) boundary[offsets[k] ?? 0] = 1;
  }
  return { text, boundary, lineEnd };
}

/** The cited lines as one whitespace-free string, markup removed. */
export function traceHaystack(lines: readonly string[], range: readonly [number, number]): string {
  return haystack(lines, range).text;
}

function haystack(lines: readonly string[], range: readonly [number, number]): Squashed {
  const [from, to] = range;
  const parts: string[] = [];
  for (let n = from; n <= to && n <= lines.length; n++) parts.push(stripMarkup(lines[n - 1] ?? ''));
  return squashLines(parts, true);
}

/**
 * Checks that `value` occurs within `range` of `lines` in at most `maxPieces` in-order pieces
 * (default: one per cited line, plus one). Each piece starts and ends at a word boundary of
 * the source (whitespace, punctuation, line end), and ends at a word boundary of the value
 * unless the source line ends there (a word broken over two lines: "324/KH-" + "UBND").
 * An empty value is trivially traceable.
 *
 * @example traceField('Sở Y tế', lines, [1564, 1590]).ok // true
 */
export function traceField(
  value: string,
  lines: readonly string[],
  range: readonly [number, number],
  maxPieces?: number,
): TraceResult {
  const needle = squashLines([value], false);
  if (needle.text.length === 0) return { ok: true, pieces: 0 };
  return traceIn(needle, haystack(lines, range), maxPieces ?? range[1] - range[0] + 2);
}

function traceIn(needle: Squashed, hay: Squashed, maxPieces: number): TraceResult {
  const n = needle.text;
  const h = hay.text;
  let pos = 0;
  let cursor = 0;
  let pieces = 0;
  while (pos < n.length) {
    const k = Math.min(MIN_PIECE, n.length - pos);
    const prefix = n.slice(pos, pos + k);
    let bestLen = 0;
    let bestAt = -1;
    for (let at = h.indexOf(prefix, cursor); at >= 0; at = h.indexOf(prefix, at + 1)) {
      if (!hay.boundary[at]) continue;
      let m = k;
      while (pos + m < n.length && h[at + m] === n[pos + m]) m++;
      for (let len = m; len >= k && len > bestLen; len--) {
        const end = at + len;
        const needleOk = pos + len === n.length || needle.boundary[pos + len] === 1 || hay.lineEnd[end] === 1;
        if (hay.boundary[end] === 1 && needleOk) {
          bestLen = len;
          bestAt = at;
          break;
        }
      }
    }
    if (bestLen === 0) return { ok: false, pieces, missing: n.slice(pos, pos + 40) };
    pieces++;
    if (pieces > maxPieces) return { ok: false, pieces, missing: `${n.slice(pos, pos + 40)} (quá nhiều mảnh / too many pieces)` };
    pos += bestLen;
    cursor = bestAt + bestLen;
  }
  return { ok: true, pieces };
}

/** One field of one record that does not trace to its lines. */
export interface TraceFailure {
  id: string;
  field: string;
  value: string;
  missing: string;
}

/** The printed numbers of a budget's text ("5.820 (2023: 5.820)" → ["5.820", "5.820"]). */
export function budgetNumbers(text: string): string[] {
  return text
    .replace(/\b(19|20)\d{2}:/g, ' ')
    .split(/[^\d.,]+/)
    .map((part) => part.replace(/^[.,]+|[.,]+$/g, ''))
    .filter((part) => /\d/.test(part));
}

/**
 * Every text field of a task that does not occur within its lines (empty list = traceable).
 * Budget numbers are traced one by one, as printed.
 */
export function traceTask(task: TaskRecord, lines: readonly string[]): TraceFailure[] {
  const fields: Array<[string, string]> = [
    ['name', task.name],
    ['content', task.content],
    ['leadText', task.leadText],
    ['coordinateText', task.coordinateText],
    ['period', task.period],
    ['product', task.product],
    ['legalBasis', task.legalBasis],
  ];
  if (task.budget) budgetNumbers(task.budget.text).forEach((n, i) => fields.push([`budget[${i}]`, n]));
  return failures(task.id, fields, lines, task.lines);
}

/** Every text field of a target that does not occur within its lines. */
export function traceTarget(target: TargetRecord, lines: readonly string[]): TraceFailure[] {
  return failures(
    target.id,
    [
      ['text', target.text],
      ['monitorText', target.monitorText],
      ['leadText', target.leadText],
    ],
    lines,
    target.lines,
  );
}

/**
 * Every text of a responsibility record that does not occur within its lines: the agency
 * text within the record's lines, each duty within the duty's own lines (which must lie
 * inside the record's).
 */
export function traceResponsibility(record: ResponsibilityRecord, lines: readonly string[]): TraceFailure[] {
  const out = failures(record.id, [['agencyText', record.agencyText]], lines, record.lines);
  record.duties.forEach((duty, i) => {
    const [from, to] = duty.lines;
    if (from < record.lines[0] || to > record.lines[1] || from > to) {
      out.push({ id: record.id, field: `duties[${i}].lines`, value: `${from}-${to}`, missing: `ngoài ${record.lines[0]}-${record.lines[1]} / outside the record's lines` });
    }
    out.push(...failures(record.id, [[`duties[${i}]`, duty.text]], lines, duty.lines));
  });
  return out;
}

function failures(
  id: string,
  fields: Array<[string, string]>,
  lines: readonly string[],
  range: readonly [number, number],
): TraceFailure[] {
  const out: TraceFailure[] = [];
  for (const [field, value] of fields) {
    const result = traceField(value, lines, range);
    if (!result.ok) out.push({ id, field, value, missing: result.missing ?? '' });
  }
  return out;
}
