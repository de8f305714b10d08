/**
 * Small text helpers shared by the record extractors: cell cleaning that keeps the printed
 * words exactly (no tone re-placement, no re-casing), joining of wrapped pieces, the
 * budget-number rule and the appendix keys used in record ids.
 *
 * Why not the sectioner's `cleanText`: that one normalises tone placement ("uỷ" → "ủy") for
 * search. Records store lead units and names exactly as printed, and a test checks each
 * field against the source lines, so here only markup and whitespace are touched.
 */
import { stripMarkup } from '../../kb/sectioning/text-clean.ts';
import { joinWrapped } from '../../kb/sectioning/text-clean.ts';

/**
 * A table cell or document line as people read it: HTML tags, markdown emphasis and
 * footnote markers (¹²³) removed, NFC, whitespace collapsed, spaces before closing
 * punctuation dropped. Words are kept exactly as printed.
 *
 * @example cellText('<i>Quy chế</i>  quản lý ,') // "Quy chế quản lý,"
 */
export function cellText(raw: string): string {
  const cached = CELL_CACHE.get(raw);
  if (cached !== undefined) return cached;
  const clean = cleanCell(raw);
  if (CELL_CACHE.size > 50_000) CELL_CACHE.clear();
  CELL_CACHE.set(raw, clean);
  return clean;
}

/** Lines are cleaned many times over (headers, sections, rows): a pure function, so cached. */
const CELL_CACHE = new Map<string, string>();

function cleanCell(raw: string): string {
  return stripMarkup(raw.normalize('NFC'))
    .replace(/\s+([,;:.!?)\]”](?:\s|$))/g, '$1')
    .replace(/\s+([,;:.!?)\]”])$/g, '$1')
    .replace(/([([“])\s+/g, '$1')
    .trim();
}

/**
 * Joins the pieces of a wrapped cell or PDF line run. A piece ending in a hyphen glued to a
 * word or number ("324/KH-" + "UBND", "2022-" + "2025") continues without a space.
 *
 * @example joinPieces(['Theo Kế', 'hoạch số', '324/KH-', 'UBND']) // "Theo Kế hoạch số 324/KH-UBND"
 */
export function joinPieces(pieces: readonly string[]): string {
  return joinWrapped(pieces).replace(/\s+/g, ' ');
}

/**
 * Reads a printed amount in million VND.
 *
 * The rule (document 004): a dot followed by exactly three digits is a thousands separator
 * ("5.820" = 5820, "1.061" = 1061, "61.408" = 61408); a dot or comma followed by one or two
 * digits is a decimal mark ("10.5" = 10.5 — row 2.3 of Phụ lục 1 prints 126 = 105 + 10.5 +
 * 10.5, which only adds up this way). Plain digits are read as they are ("2400").
 * Returns undefined for an empty or non-numeric cell.
 *
 * @example parseAmount('5.820') // 5820
 * @example parseAmount('10.5')  // 10.5
 */
export function parseAmount(printed: string): number | undefined {
  const t = printed.replace(/\s+/g, '');
  if (t.length === 0) return undefined;
  if (/^\d{1,3}(\.\d{3})+$/.test(t)) return Number(t.replace(/\./g, ''));
  if (/^\d+[.,]\d{1,2}$/.test(t)) return Number(t.replace(',', '.'));
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

/**
 * The key of an appendix inside record ids: "Phụ lục III" → "III", "Phụ lục 1" → "PL1",
 * an unnumbered "Phụ lục" → "PL".
 */
export function appendixKey(appendix: string): string {
  const m = /phụ\s*lục\s*(?:số\s*)?([IVX]+|\d+)?/iu.exec(appendix.normalize('NFC'));
  const label = m?.[1];
  if (!label) return 'PL';
  return /^\d+$/.test(label) ? `PL${label}` : label;
}

/** Roman numeral value (I–XXXIX), or undefined when the text is not one. */
export function romanNumber(text: string): number | undefined {
  if (!/^(X{0,3})(IX|IV|V?I{0,3})$/.test(text) || text.length === 0) return undefined;
  const values: Record<string, number> = { I: 1, V: 5, X: 10 };
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const value = values[text[i] ?? ''] ?? 0;
    const next = values[text[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}
