/**
 * Text clean-up shared by the sectioner's parts: markup removal, joining hard-wrapped lines,
 * sentence detection, heading casing and splitting long paragraphs. Pure functions, so the
 * same input always gives the same chunks.
 */
import { normalizeText } from '../../nlu/vietnamese.ts';
import { decodeEntities } from '../loaders/html-to-lines.ts';

/** Longest chunk text before a paragraph is split at sentence boundaries. */
export const MAX_CHUNK_CHARS = 900;

/**
 * Removes HTML tags, markdown emphasis (`**`, `*`, `_x_`), footnote markers (¹²³) and
 * collapses whitespace. Why: chunk text is shown to people and indexed for search; markup
 * is noise for both.
 */
export function stripMarkup(text: string): string {
  let out = text
    .replace(/<\s*(br|\/p|p|\/li|li|ul|\/ul|ol|\/ol|\/div|div|tr|\/tr|td|\/td)\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
  out = decodeEntities(out);
  // "LỤC**Kế hoạch***(Ban hành" — bold markers glued between words stand for a space.
  out = out.replace(/(\p{L})\*{2,}(?=[\p{Lu}(])/gu, '$1 ');
  out = out.replace(/\*+/g, '');
  out = out.replace(/(^|[\s(“"])_{1,3}(?=\S)([^_]*?\S)_{1,3}(?=[\s).,;:!?”"]|$)/gu, '$1$2');
  out = out.replace(/[¹²³⁴⁵⁶⁷⁸⁹⁰]+/g, '');
  return out.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Markup stripped, spaces tidied before punctuation, Vietnamese normalised (NFC, tones). */
export function cleanText(text: string): string {
  const stripped = stripMarkup(text)
    .replace(/\s+([,;:.!?)\]”](?:\s|$))/g, '$1')
    .replace(/([([“])\s+/g, '$1');
  return normalizeText(stripped);
}

/**
 * Joins hard-wrapped lines into one string: a line ending in a hyphen glued to a word
 * ("324/KH-" + "UBND") continues without a space; others are joined with a space.
 */
export function joinWrapped(pieces: readonly string[]): string {
  let out = '';
  for (const raw of pieces) {
    const piece = raw.trim();
    if (piece.length === 0) continue;
    if (out.length === 0) out = piece;
    else if (/[\p{L}\p{N}/]-$/u.test(out)) out += piece;
    else out += ` ${piece}`;
  }
  return out;
}

/**
 * True when text ends a sentence. `strict` accepts only . ! ? … and a colon; otherwise a
 * semicolon or a closing bracket also counts (enough to end a paragraph before a heading).
 */
export function endsSentence(text: string, strict = false): boolean {
  const t = text.replace(/[\s*_]+$/u, '');
  if (/(?:[.!?…:]|\.\/\.)["'”’»)]*$/u.test(t)) return true;
  return !strict && /[;)”"]$/u.test(t);
}

/** True when the first letter of the text is lower-case (a wrapped line's continuation). */
export function startsLowercase(text: string): boolean {
  const first = /\p{L}/u.exec(text)?.[0];
  return first !== undefined && first === first.toLowerCase() && first !== first.toUpperCase();
}

/** True when most letters are capitals: "II. NHIỆM VỤ", "PHỤ LỤC". */
export function isMostlyUppercase(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < 2) return false;
  const upper = letters.filter((ch) => ch === ch.toUpperCase() && ch !== ch.toLowerCase()).length;
  return upper / letters.length >= 0.8;
}

/** Acronyms that contain a vowel (vowel-less tokens such as CNTT are recognised anyway). */
const ACRONYMS = new Set([
  'UBND', 'ĐUKDN', 'ATTT', 'ICT', 'IOC', 'SOC', 'GIS', 'AI', 'OCOP', 'UBKT', 'UBMTTQ', 'EMR', 'PACS',
  'LIS', 'VNPT', 'IPV6', 'LAN', 'WAN', 'SMEDX', 'MOOCS', 'ĐA', 'NĐ', 'QĐ', 'VPTW', 'BTTTT',
]);

/** Proper nouns restored after lower-casing an all-caps heading. */
const PROPER_NOUNS = [
  'Ban Thường vụ Tỉnh ủy',
  'Bắc Giang',
  'Tỉnh ủy',
  'Việt Nam',
  'Trung ương',
  'Hương Mai',
  'Mặt trận Tổ quốc',
];

const VOWELS = /[aeiouy]/i;

function keepsCase(token: string): boolean {
  const core = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (core.length === 0) return false;
  if (/[\p{N}&/]/u.test(core)) return true;
  if (core !== core.toUpperCase()) return false;
  const bare = core.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (core.length >= 2 && !VOWELS.test(bare)) return true;
  return core.split('-').every((part) => ACRONYMS.has(part) || (part.length >= 2 && !VOWELS.test(part.normalize('NFD').replace(/[\u0300-\u036f]/g, ''))));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PROPER_PATTERNS = PROPER_NOUNS.map((phrase) => ({
  phrase,
  pattern: new RegExp(
    `(?<![\\p{L}])${escapeRegExp(phrase).replace(/ủy/g, '(?:ủy|uỷ)')}(?![\\p{L}])`,
    'giu',
  ),
}));

/**
 * Sentence-cases an all-caps text ("DỮ LIỆU SỐ TỈNH BẮC GIANG" → "Dữ liệu số tỉnh Bắc Giang"),
 * keeping acronyms (CNTT, UBND, CT-XH) and a few proper nouns. Mixed-case text is returned
 * unchanged. Why: section paths are read by people in answers ("mục II. Nhiệm vụ").
 */
export function tidyCase(text: string, capitalizeFirst = true): string {
  if (!isMostlyUppercase(text)) return capitalizeFirst ? upperFirst(text) : text;
  let out = text
    .split(/(\s+)/)
    .map((token) => (keepsCase(token) ? token : token.toLowerCase()))
    .join('');
  for (const { phrase, pattern } of PROPER_PATTERNS) out = out.replace(pattern, phrase);
  return capitalizeFirst ? upperFirst(out) : out;
}

/** Upper-cases the first letter only. */
export function upperFirst(text: string): string {
  return text.replace(/\p{L}/u, (ch) => ch.toUpperCase());
}

/** Longest heading kept whole in a section path; longer ones are cut (full text becomes a chunk). */
export const MAX_TITLE_CHARS = 130;

/**
 * A heading short enough for a section path: the part before a colon, or the text cut at a
 * word boundary with "…". Trailing ":" "." ";" are dropped.
 */
export function shortTitle(text: string, max = MAX_TITLE_CHARS): string {
  const t = text.trim().replace(/[\s:;,.]+$/u, '');
  if (t.length <= max) return t;
  const colon = t.indexOf(':');
  if (colon >= 15 && colon <= max * 1.25) return t.slice(0, colon).trim();
  const cut = t.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/u, '')}…`;
}

/**
 * Splits text longer than `max` at sentence boundaries (then at semicolons or commas, then
 * spaces), greedily packing pieces up to `max`. Short text comes back as one piece.
 */
export function splitLongText(text: string, max = MAX_CHUNK_CHARS): string[] {
  if (text.length <= max) return [text];
  const sentences = text.split(/(?<=[.!?…;])\s+(?=[\p{Lu}\p{N}(“"'+–-])/u).flatMap((s) => breakPiece(s, max));
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current.length === 0) current = sentence;
    else if (current.length + 1 + sentence.length <= max) current += ` ${sentence}`;
    else {
      out.push(current);
      current = sentence;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

function breakPiece(piece: string, max: number): string[] {
  if (piece.length <= max) return [piece];
  const byClause = piece.split(/(?<=[;,])\s+/);
  if (byClause.length > 1 && byClause.every((c) => c.length <= max)) return byClause;
  const words = piece.split(' ');
  const out: string[] = [];
  let current = '';
  for (const word of words) {
    if (current.length > 0 && current.length + 1 + word.length > max) {
      out.push(current);
      current = word;
    } else current = current.length > 0 ? `${current} ${word}` : word;
  }
  if (current.length > 0) out.push(current);
  return out;
}
