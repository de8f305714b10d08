/**
 * Recognises the markers Vietnamese administrative documents use to structure text:
 * "Phụ lục I", "Phần thứ nhất", Roman "II." / "I-", "1.", "2.1.", lettered "a)" … "đ)",
 * "(1)", dash and plus bullets, and markdown headings without numbering.
 *
 * Structural markers have a fixed rank (Phần above Roman above "1." above "1.1." above "a)").
 * Minor markers ("(1)", "-", "+") nest in whatever order a document uses them, so their rank
 * is decided while reading (see the sectioner).
 */

/** One line's layout after markdown heading hashes are removed. */
export interface PreparedLine {
  /** 1-based line number in the source. */
  no: number;
  raw: string;
  /** Display text: hashes, emphasis and tags stripped, whitespace collapsed. */
  text: string;
  blank: boolean;
  /** Number of markdown `#` before the line, 0 when none. */
  hashes: number;
  /** A rule such as "-----" or "––––" (decoration, never content). */
  separator: boolean;
  /** Starts with a footnote marker ("¹ Các ban đảng…"). */
  footnote: boolean;
}

export type MarkerKind =
  | 'appendix'
  | 'part'
  | 'roman'
  | 'arabic'
  | 'letter'
  | 'mdheading'
  | 'paren'
  | 'dash'
  | 'plus';

export interface Marker {
  kind: MarkerKind;
  /** Normalised label: "Phụ lục I", "Phần thứ nhất", "II.", "2.1.", "c)", "(1)", "" for bullets. */
  label: string;
  /** Text after the marker on the same line (display form). */
  rest: string;
  /** Fixed rank of structural markers (lower = higher in the tree); undefined for minor ones. */
  rank?: number;
}

const ROMAN_VALUE: Record<string, number> = { I: 1, V: 5, X: 10 };

/** Value of a Roman numeral made of I, V, X (1–39); undefined if malformed. */
export function romanValue(text: string): number | undefined {
  if (!/^(X{0,3})(IX|IV|V?I{0,3})$/.test(text) || text.length === 0) return undefined;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const value = ROMAN_VALUE[text[i] ?? ''] ?? 0;
    const next = ROMAN_VALUE[text[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}

/** Strips markdown/HTML decoration for classification; keeps the words. */
export function displayText(raw: string): { text: string; hashes: number } {
  let t = raw.replace(/\t/g, ' ');
  let hashes = 0;
  const heading = /^\s*(#{1,6})\s+/.exec(t);
  if (heading) {
    hashes = heading[1]?.length ?? 0;
    t = t.slice(heading[0].length);
  }
  t = t
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/(\p{L})\*{2,}(?=[\p{Lu}(])/gu, '$1 ')
    .replace(/\*+/g, '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
  return { text: t, hashes };
}

/** Prepares every line once: display text, blank/separator/footnote flags. */
export function prepareLines(lines: readonly string[]): PreparedLine[] {
  return lines.map((raw, index) => {
    const { text, hashes } = displayText(raw);
    // A raw "* item" is a bullet, not emphasis: keep its marker visible as "- ".
    const starBullet = /^\s*\*\s+\S/.test(raw) && !/^\s*\*\s+[^*]*\*\s*$/.test(raw);
    return {
      no: index + 1,
      raw,
      text: starBullet ? `- ${text}` : text,
      blank: text.length === 0,
      hashes,
      separator: /^[-–—_=·.~]{3,}$/u.test(text.replace(/\s/g, '')),
      footnote: /^\s*[¹²³⁴⁵⁶⁷⁸⁹]+\s*\S/u.test(raw),
    };
  });
}

const NOT_LETTER = '(?![\\p{L}])';
const APPENDIX = new RegExp(`^phụ\\s*lục${NOT_LETTER}(?:\\s*(?:số\\s*)?([IVX]{1,5}|\\d{1,2})${NOT_LETTER})?\\s*[:.\\-–]?\\s*(.*)$`, 'iu');
const PART = new RegExp(`^phần\\s+thứ\\s+(nhất|hai|ba|tư|năm|sáu|bảy|tám)${NOT_LETTER}\\s*[:.\\-–]?\\s*(.*)$`, 'iu');
const ROMAN = /^([IVX]{1,6})\s*[.\-–]\s*(\S.*)$/u;
const ARABIC_DOT = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.(?![\d])\s*(\S.*)$/u;
const ARABIC_BARE = /^(\d{1,2}(?:\.\d{1,2}){1,3})\s+(\S.*)$/u;
const LETTER = /^([a-ik-nđ])\)\s*(\S.*)$/u;
const PAREN = /^\((\d{1,2})\)\s*(\S.*)$/u;
const DASH = /^[-–—•]\s+(\S.*)$/u;
const PLUS = /^\+\s*(\S.*)$/u;

function startsUpperOrDigit(text: string): boolean {
  return /^[\p{Lu}\p{N}“"(]/u.test(text);
}

/**
 * Classifies a line's display text. Returns undefined for plain text.
 * Why ranks are fixed for structural markers: documents mix markdown heading levels freely
 * (003 puts "2. Mục tiêu" at `##` and "1. Quan điểm" at `###`), numbering is reliable.
 */
export function classifyMarker(line: PreparedLine): Marker | undefined {
  const t = line.text;
  if (t.length === 0) return undefined;
  let m = APPENDIX.exec(t);
  if (m && t.length < 300 && !/[.;]$/.test(t)) {
    const number = m[1] ? ` ${m[1].toUpperCase()}` : '';
    return { kind: 'appendix', label: `Phụ lục${number}`, rest: (m[2] ?? '').trim(), rank: 0 };
  }
  m = PART.exec(t);
  if (m) return { kind: 'part', label: `Phần thứ ${(m[1] ?? '').toLowerCase()}`, rest: (m[2] ?? '').trim(), rank: 1 };
  m = ROMAN.exec(t);
  if (m && romanValue(m[1] ?? '') !== undefined && startsUpperOrDigit(m[2] ?? '')) {
    return { kind: 'roman', label: `${m[1]}.`, rest: m[2] ?? '', rank: 2 };
  }
  m = ARABIC_DOT.exec(t) ?? ARABIC_BARE.exec(t);
  if (m && startsUpperOrDigit(m[2] ?? '')) {
    const depth = (m[1] ?? '').split('.').length;
    return { kind: 'arabic', label: `${m[1]}.`, rest: m[2] ?? '', rank: 2 + Math.min(depth, 4) * 0.9 };
  }
  m = LETTER.exec(t);
  if (m) return { kind: 'letter', label: `${m[1]})`, rest: m[2] ?? '', rank: 6.5 };
  m = PAREN.exec(t);
  if (m) return { kind: 'paren', label: `(${m[1]})`, rest: m[2] ?? '' };
  m = DASH.exec(t);
  if (m && !line.separator) return { kind: 'dash', label: '', rest: m[1] ?? '' };
  m = PLUS.exec(t);
  if (m) return { kind: 'plus', label: '', rest: m[1] ?? '' };
  if (line.hashes > 0) return { kind: 'mdheading', label: '', rest: t, rank: 1 + line.hashes };
  return undefined;
}

/** Structural markers always start a new block; minor "(1)" only after a finished sentence. */
export function isStrongMarker(marker: Marker): boolean {
  return marker.kind !== 'paren';
}
