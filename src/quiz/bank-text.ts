/**
 * Text comparison for the question bank: "does this option occur in the cited lines?",
 * "are these two options the same?", "which documents does this stem name?".
 *
 * Why a key of tokens: the sources are PDF text with hard line breaks ("324/KH-\nUBND"),
 * Markdown emphasis ("***tháng 6/2019.***"), HTML inside table cells and mixed spellings
 * ("hoá"/"hóa", "tỉ"/"tỷ"). Comparing folded token sequences, bounded by token edges, makes
 * "đạt trên 70%" match across a line break and keeps "10%" from matching inside "110%".
 */
import type { DocumentMeta } from '../kb/types.ts';
import { foldDiacritics, matchKey, normalizeText, tokenize } from '../nlu/vietnamese.ts';

/** Markup the sources carry that is not text: HTML tags, Markdown emphasis, footnote marks. */
const MARKUP = /<[^>]{1,200}>|[*_`¹²³⁴⁵⁶⁷⁸⁹⁰]/g;

/** Folded tokens of a text: markup removed, i/y unified, diacritics and case dropped. */
export function foldTokens(text: string): string[] {
  return tokenize(normalizeText(text.replace(MARKUP, ' '))).map((t) => foldDiacritics(matchKey(t)));
}

/**
 * The comparison key of a text: its folded tokens joined by single spaces and framed by
 * spaces, so a substring test on keys respects token edges.
 *
 * @example textKey("Đạt trên\n70%") // " dat tren 70% "
 */
export function textKey(text: string): string {
  let key = keyMemo.get(text);
  if (key === undefined) {
    const tokens = foldTokens(text);
    key = tokens.length === 0 ? '' : ` ${tokens.join(' ')} `;
    if (keyMemo.size >= 20_000) keyMemo.clear();
    keyMemo.set(text, key);
  }
  return key;
}

/** Keys already computed: stems, cited passages and document names are compared many times. */
const keyMemo = new Map<string, string>();

/** True when `needle`'s tokens occur, in order and contiguous, among `haystack`'s. */
export function keyContains(haystack: string, needle: string): boolean {
  const n = textKey(needle);
  return n !== '' && textKey(haystack).includes(n);
}

/**
 * The key two options are compared on for "distinct options": folded, case and all spaces
 * and punctuation dropped ("Sở TT&TT" = "so tt & tt" = "SỞ TT&TT").
 */
export function optionKey(option: string): string {
  return foldDiacritics(normalizeText(option)).replace(/[^\p{L}\p{N}%]+/gu, '');
}

/** The lines `from`..`to` (1-based, inclusive) joined by newlines; empty when out of range. */
export function linesText(lines: readonly string[], range: readonly [number, number]): string {
  const [from, to] = range;
  if (from < 1 || to < from || to > lines.length) return '';
  return lines.slice(from - 1, to).join('\n');
}

/** Passages between curly or straight double quotes, or «guillemets». */
export function quotedPassages(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/“([^”]+)”|"([^"]+)"|«([^»]+)»/g)) {
    const passage = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (passage !== '') out.push(passage);
  }
  return out;
}

/**
 * The forms a stem may use to name a document: its short name (with and without the
 * trailing "của …"), title, number (when printed) and aliases.
 */
export function documentNameForms(doc: DocumentMeta): string[] {
  const forms = [doc.shortName, doc.title, ...doc.aliases];
  const withoutIssuer = doc.shortName.replace(/\s+của\s+.*$/u, '');
  if (withoutIssuer !== doc.shortName) forms.push(withoutIssuer);
  if (/\d/.test(doc.number) && !doc.number.includes('…')) forms.push(doc.number);
  return [...new Set(forms.map((f) => f.trim()).filter((f) => foldTokens(f).length >= 2))];
}

/**
 * Ids of the documents a text names, in catalog order.
 *
 * @example documentsNamedIn("Theo Nghị quyết 433, …", docs) // ["003"]
 */
export function documentsNamedIn(text: string, documents: readonly DocumentMeta[]): string[] {
  const key = textKey(text);
  return documents.filter((d) => documentNameForms(d).some((f) => key.includes(textKey(f)))).map((d) => d.id);
}

/**
 * Numbers printed in a text, read the Vietnamese way: "5.820" → 5820, "0,22" → 0.22,
 * "10.5" → 10.5 (a dot not followed by exactly three digits is a decimal point).
 */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(NUMBER)].map((m) => parseVietnameseNumber(m[0]));
}

/** A printed number: digits with "." or "," between digit groups. */
export const NUMBER = /\d+(?:[.,]\d+)*/g;

/** Parses one printed number ("5.820", "0,22", "10.5", "2.400"). */
export function parseVietnameseNumber(printed: string): number {
  if (printed.includes(',')) return Number(printed.replace(/\./g, '').replace(',', '.'));
  if (/^\d{1,3}(?:\.\d{3})+$/.test(printed)) return Number(printed.replace(/\./g, ''));
  return Number(printed);
}

/** Formats a number the Vietnamese way: 5820 → "5.820", 0.22 → "0,22", 10.5 → "10,5". */
export function formatVietnameseNumber(value: number): string {
  const [int = '0', frac] = String(Math.round(value * 1000) / 1000).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return frac === undefined ? grouped : `${grouped},${frac}`;
}
