/**
 * Vietnamese syllable handling for the bundled static embedding model.
 *
 * The model's tokenizer (tokenizer.json) and the trainer must agree byte for byte on how
 * text becomes syllables, so the rules live here once: NFC, lower-case, then runs of
 * letters, combining marks and decimal digits (so a footnote mark like ² is dropped). The same regex is written into tokenizer.json's
 * `Split` pre-tokenizer.
 */

/** Source of the syllable regex, as written into tokenizer.json (Oniguruma and JS agree on it). */
export const SYLLABLE_PATTERN = '[\\p{L}\\p{M}\\p{Nd}]+';

const SYLLABLE_RE = new RegExp(SYLLABLE_PATTERN, 'gu');

/**
 * The tokenizer's normalizer (NFC, then lower-case), so trainer and runtime see the same text.
 * @example normalizeForModel('Hoà BÌNH') // 'hoà bình'
 */
export function normalizeForModel(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/**
 * Splits already-normalised text into syllables exactly like the tokenizer's pre-tokenizer.
 * @example splitSyllables('tỷ lệ 70%') // ['tỷ', 'lệ', '70']
 */
export function splitSyllables(normalized: string): string[] {
  return normalized.match(SYLLABLE_RE) ?? [];
}

/** Normalise and split in one step: what the reference tokenizer does before vocabulary lookup. */
export function syllablesOf(text: string): string[] {
  return splitSyllables(normalizeForModel(text));
}

/**
 * Folds a syllable to what people type without diacritics (lower-case, no marks, đ → d), so the
 * model can give "ty" a vector close to "tỷ".
 * @example foldSyllable('Tỷ') // 'ty'
 */
export function foldSyllable(syllable: string): string {
  return syllable
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .normalize('NFC');
}

/** Combining tone marks: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);

/** Open syllables ending in oa/oe/uy (not after q) are where old and new tone placement differ. */
const MOVABLE_TONE_RE = /(^|[^q])(o[ae]|uy)$/u;

/**
 * Both tone placements of a syllable, old style first ("hòa", "hoà"); a single element when
 * placement is unambiguous. The trainer counts the old style and the tokenizer maps both to
 * one id, so users writing either style get the same vector.
 * @example tonePlacements('hoà') // ['hòa', 'hoà']
 */
export function tonePlacements(syllable: string): string[] {
  const nfd = syllable.normalize('NFC').normalize('NFD');
  let tone = '';
  let bare = '';
  for (const ch of nfd) {
    if (TONE_MARKS.has(ch)) tone = ch;
    else bare += ch;
  }
  const toneless = bare.normalize('NFC');
  const m = MOVABLE_TONE_RE.exec(toneless);
  if (!tone || !m || m[2] === undefined) return [syllable.normalize('NFC')];
  const stem = toneless.slice(0, toneless.length - 2);
  const [v1, v2] = [m[2][0] ?? '', m[2][1] ?? ''];
  const oldStyle = (stem + v1 + tone + v2).normalize('NFC');
  const newStyle = (stem + v1 + v2 + tone).normalize('NFC');
  return [oldStyle, newStyle];
}

/**
 * The spelling the trainer counts under: the old-style tone placement ("hoà" → "hòa"),
 * matching the project's `normalizeText` convention.
 */
export function canonicalSyllable(syllable: string): string {
  return tonePlacements(syllable)[0] ?? syllable;
}
