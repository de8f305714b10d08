/**
 * Vietnamese text handling: the one place that knows how Vietnamese is written.
 * STUB — signatures are fixed; internals are being completed (see tests/nlu/).
 */

/** NFC, canonical tone-mark placement (hoà → hòa), collapsed spaces. Case kept. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Removes diacritics, đ → d, lower-cases: "Tỷ lệ Đạt" → "ty le dat". */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

/** Lower-cased syllables (letters/digits runs) of normalised text. */
export function tokenize(text: string): string[] {
  return normalizeText(text).toLowerCase().match(/[\p{L}\p{N}]+(?:[.,&][\p{L}\p{N}]+)*%?/gu) ?? [];
}
