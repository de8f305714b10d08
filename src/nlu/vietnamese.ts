/**
 * Vietnamese text handling: the one place that knows how Vietnamese is written.
 *
 * The documents and the people who ask about them write the same word in several ways:
 * composed or decomposed Unicode, "hoà" or "hòa", "kĩ" or "kỹ", with or without accents,
 * "ko" for "không", "CSDL" for "cơ sở dữ liệu". Everything downstream (the index, the
 * classifier, the entity extractor) compares text through the functions here so that the
 * variants meet on one form.
 *
 * Layers, from display to matching:
 * - {@link normalizeText}: display-safe text (NFC, one tone placement, spaces collapsed).
 * - {@link tokenize}: lower-cased syllables and the few multi-character tokens we keep whole.
 * - {@link matchKey}: the accented key a token is compared on (i/y spellings unified).
 * - {@link foldDiacritics}: the accent-free form, for text typed without a Vietnamese keyboard.
 * - {@link analyze}: the token stream for search and classification, thesaurus applied.
 */
import type { Thesaurus } from './thesaurus.ts';

// ---------------------------------------------------------------------------------------
// Tone placement
// ---------------------------------------------------------------------------------------

/** The five tone marks as combining characters (grave, acute, tilde, hook above, dot below). */
const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);

/** Vowels that carry a quality mark; when present the tone always sits on one of them. */
const MARKED_VOWELS = 'ăâêôơư';

/**
 * One Vietnamese syllable, toneless and lower-cased: initial consonant, vowel nucleus,
 * final consonant. "gi" and "qu" are initials when a vowel follows ("già", "quá"); the
 * regex backtracks so that "gìn" parses as g + i + n.
 */
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?([aăâeêioôơuưy]+)(ch|ng|nh|[cmnpt])?$/;

/** Initials after which the documents write "y" where reformed spelling writes "i" (kỹ/kĩ). */
const I_Y_INITIALS = new Set(['h', 'k', 'l', 'm', 't', 'qu']);

/** "i" with each tone → "y" with the same tone, for {@link matchKey}. */
const I_TO_Y: Readonly<Record<string, string>> = {
  i: 'y', ì: 'ỳ', í: 'ý', ỉ: 'ỷ', ĩ: 'ỹ', ị: 'ỵ',
};

/** A run of letters (with any stray combining marks): the unit tone placement works on. */
const WORD_RUN = /[\p{L}\p{M}]+/gu;

/** Pure ASCII words carry no tone and need no work (most latin words, abbreviations). */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Index of the vowel that carries the tone inside a toneless nucleus, or -1 when the
 * nucleus is not one we know how to place (then the word is left as written).
 *
 * The rule (the placement most Vietnamese keyboards produce and most of the documents use):
 * 1. a vowel with a quality mark takes it; with two (ươ) the later one: "người", "thuở";
 * 2. otherwise, with a final consonant, the last vowel: "hoạch", "toán", "huỳnh";
 * 3. otherwise, open syllables: three vowels → the middle one ("ngoài", "khuya");
 *    two vowels → the first one ("hòa", "thủy", "khỏe", "mùa", "tài").
 */
function tonePosition(nucleus: string, hasFinal: boolean): number {
  let marked = -1;
  for (let i = 0; i < nucleus.length; i++) {
    if (MARKED_VOWELS.includes(nucleus[i] as string)) marked = i;
  }
  if (marked >= 0) return marked;
  if (nucleus.length === 1) return 0;
  if (hasFinal) return nucleus.length - 1;
  if (nucleus.length === 2) return 0;
  if (nucleus.length === 3) return 1;
  return -1;
}

/** The parsed form of one toned word: toneless text, where the tone goes, and which tone. */
interface ParsedSyllable {
  /** NFC text without its tone mark, case kept. */
  readonly toneless: string;
  /** The tone mark (combining character), or '' for the level tone. */
  readonly tone: string;
  /** Initial consonant, lower-cased ('' when none). */
  readonly initial: string;
  readonly nucleus: string;
  readonly final: string;
}

/** Splits a word into its parts; undefined when it is not a single Vietnamese syllable. */
function parseSyllable(word: string): ParsedSyllable | undefined {
  let tone = '';
  let tones = 0;
  let base = '';
  for (const ch of word.normalize('NFD')) {
    if (TONE_MARKS.has(ch)) {
      tone = ch;
      tones++;
    } else {
      base += ch;
    }
  }
  if (tones > 1) return undefined;
  const toneless = base.normalize('NFC');
  const m = SYLLABLE.exec(toneless.toLowerCase());
  if (m === null) return undefined;
  return { toneless, tone, initial: m[1] ?? '', nucleus: m[2] ?? '', final: m[3] ?? '' };
}

/** Puts the tone mark of one word where {@link tonePosition} says; other words unchanged. */
function placeTone(word: string): string {
  if (ASCII_ONLY.test(word)) return word;
  return toneCache.get(word, computePlaceTone);
}

function computePlaceTone(word: string): string {
  const s = parseSyllable(word);
  if (s === undefined || s.tone === '') return word.normalize('NFC');
  const pos = tonePosition(s.nucleus, s.final !== '');
  if (pos < 0) return word.normalize('NFC');
  // Every letter of a parsed syllable is one UTF-16 unit in NFC, so indexes line up.
  const at = s.initial.length + pos + 1;
  return (s.toneless.slice(0, at) + s.tone + s.toneless.slice(at)).normalize('NFC');
}

// ---------------------------------------------------------------------------------------
// Public text functions
// ---------------------------------------------------------------------------------------

/** Characters that are invisible and only get in the way (zero-width, BOM, soft hyphen). */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/**
 * Display-safe Vietnamese text: NFC whatever the input (composed, decomposed or mixed),
 * one canonical tone placement, whitespace collapsed to single spaces, ends trimmed,
 * case kept. Idempotent.
 *
 * Why: the documents mix "hoá"/"hóa" and "thuỷ"/"thủy"; decomposed text from PDFs or
 * macOS looks identical but compares unequal. Everything that shows or compares text
 * starts here.
 *
 * Tone placement: the mark goes on the vowel with a quality mark (ê, ơ, …) if there is
 * one, else on the last vowel when a final consonant follows ("hoạch"), else on the middle
 * of three vowels ("ngoài") or the first of two ("hòa", "thủy", "khỏe"). "qu" and "gi"
 * are consonants, so "quá", "giá", "gìn" keep theirs. Non-Vietnamese words are untouched.
 *
 * @example normalizeText("  Ho\u0061\u0300  bi\u0300nh ") // "Hòa bình"
 * @example normalizeText("Thuỷ lợi, sức khoẻ") // "Thủy lợi, sức khỏe"
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(/\u00d0/g, '\u0110') // Icelandic Eth, a common stand-in for "Đ"
    .replace(WORD_RUN, placeTone)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Removes diacritics, đ → d, lower-cases: "Tỷ lệ Đạt" → "ty le dat".
 *
 * Why: many people type without a Vietnamese keyboard; the folded form is what their text
 * and the documents have in common.
 */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ\u00d0]/g, 'd')
    .toLowerCase();
}

/**
 * True when the text has any Vietnamese diacritic (tone, quality mark or đ).
 *
 * Why: accented input can be matched exactly; unaccented input has to be matched loosely.
 */
export function hasDiacritics(text: string): boolean {
  return /[\p{M}đĐ\u00d0]/u.test(text.normalize('NFD'));
}

/**
 * One token: a run of letters and digits, joined across "&" ("tt&tt", "cntt&tt") and
 * across "." or "," between digits ("4.2.1", "5.820", "1,5"), with a "%" after a number.
 * Everything else separates: "2023-2025" → "2023", "2025"; "04/5/2019" → "04", "5",
 * "2019"; "433-NQ/TU" → "433", "nq", "tu"; "VH,TT&DL" → "vh", "tt&dl".
 */
const TOKEN = /[\p{L}\p{M}\p{Nd}]+(?:(?:&|(?<=\p{Nd})[.,](?=\p{Nd}))[\p{L}\p{M}\p{Nd}]+)*(?:(?<=\p{Nd})%)?/gu;

/** Tokens of normalised text with their case kept (for case-sensitive thesaurus entries). */
function surfaceTokens(text: string): string[] {
  return normalizeText(text).match(TOKEN) ?? [];
}

/**
 * Lower-cased, normalised syllables and the tokens kept whole.
 *
 * Token rules (decided here, relied on by the index):
 * - letters and digits together form a token: "lgsp", "27gb", "4g", "open", "data";
 * - "&" joins: "tt&tt", "nn&ptnt", "kh&đt", "cntt&tt";
 * - "." and "," join only between digits: "4.2.1", "5.820", "1,5"; a trailing dot is
 *   punctuation;
 * - "%" stays on a number: "70%";
 * - hyphen, slash and all other punctuation split: "2023-2025" → "2023", "2025" (so a
 *   question about 2025 finds the range), "04/5/2019" → "04", "5", "2019";
 * - superscripts (footnote "¹") are not digits and are dropped.
 *
 * @example tokenize("Mục 4.2.1: đạt 70% (Sở TT&TT)") // ["mục","4.2.1","đạt","70%","sở","tt&tt"]
 */
export function tokenize(text: string): string[] {
  return surfaceTokens(text).map((t) => t.toLowerCase());
}

/** Bounded memo for per-token work; cleared when full (documents repeat a small vocabulary). */
class TokenCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly limit: number) {}
  get(key: string, compute: (k: string) => string): string {
    let v = this.map.get(key);
    if (v === undefined) {
      v = compute(key);
      if (this.map.size >= this.limit) this.map.clear();
      this.map.set(key, v);
    }
    return v;
  }
}

const toneCache = new TokenCache(50_000);
const keyCache = new TokenCache(50_000);
const foldCache = new TokenCache(50_000);

/** matchKey for one letter run (already NFC, tone placed, lower-cased). */
function keyOfWord(word: string): string {
  if (ASCII_ONLY.test(word) && !word.includes('i')) return word;
  const s = parseSyllable(word);
  if (s === undefined || s.nucleus !== 'i' || s.final !== '' || !I_Y_INITIALS.has(s.initial)) {
    return word;
  }
  const at = s.initial.length;
  const vowel = word[at] as string;
  return word.slice(0, at) + (I_TO_Y[vowel] ?? vowel) + word.slice(at + 1);
}

function computeKey(token: string): string {
  return normalizeText(token).toLowerCase().replace(WORD_RUN, keyOfWord);
}

/**
 * The accented key a token is compared on: lower-cased, canonical tone placement, and the
 * i/y spellings the documents mix unified on "y" after h, k, l, m, t and qu in an open
 * syllable: kĩ → kỹ, lí → lý, mĩ → mỹ, tỉ → tỷ, kì → kỳ, qui → quy. Not touched: "y"
 * inside ay/ây/uy, a standalone "y"/"ý", and i after other consonants ("đi", "bị", "thì").
 *
 * Why: "tỉ lệ" and "tỷ lệ", "quản lí" and "quản lý" are the same words and must match.
 * The key is for comparing, not for display ("mì" keys as "mỳ").
 */
export function matchKey(token: string): string {
  return keyCache.get(token, computeKey);
}

/** {@link foldDiacritics} with a memo, for per-token use in hot paths. */
function foldToken(token: string): string {
  return foldCache.get(token, foldDiacritics);
}

// ---------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------

/**
 * A token as the thesaurus matcher sees it: original case (for case-sensitive entries
 * such as "AI"), matching key, folded form, and whether it was typed with accents.
 */
export interface MatchToken {
  /** Normalised text as written, case kept: "AI", "Csdl". */
  readonly surface: string;
  /** {@link matchKey} of the token: "kỹ", "csdl". */
  readonly key: string;
  /** {@link foldDiacritics} of the key (so i/y are unified too): "ky" for "kĩ", "csdl". */
  readonly folded: string;
  /** Typed with diacritics: then it must match a variant exactly, not just when folded. */
  readonly accented: boolean;
  /**
   * The last token of a clause: punctuation that ends one (, . ; : ? ! …, a line break)
   * or the end of the text follows. Set by {@link matchTokens}; fillers such as "vậy" are
   * dropped only there.
   */
  readonly clauseEnd?: boolean;
}

/**
 * Builds {@link MatchToken}s from a token written as-is (case kept).
 *
 * Why exported: the thesaurus precompiles its variants with the very same function, so a
 * variant and the text it should match can never disagree on tokenisation.
 */
export function toMatchToken(surface: string): MatchToken {
  const lower = surface.toLowerCase();
  const key = matchKey(lower);
  // Folded from the key, not the surface, so that "kĩ" and "kỹ" (and unaccented "ki")
  // share one folded form and meet in the thesaurus trie.
  return { surface, key, folded: foldToken(key), accented: hasDiacritics(lower) };
}

/**
 * Tokenises text into {@link MatchToken}s: the input of the thesaurus matcher.
 *
 * Why: analysis needs the case of each token (for "AI" vs "ai") and both its key and its
 * folded form; computing them once per token keeps analysis fast.
 */
export function matchTokens(text: string): MatchToken[] {
  const normal = normalizeText(text);
  const found = [...normal.matchAll(TOKEN)];
  return found.map((m, i) => {
    const end = m.index + m[0].length;
    const next = found[i + 1];
    const between = normal.slice(end, next === undefined ? normal.length : next.index);
    const token = toMatchToken(m[0]);
    return next === undefined || CLAUSE_END.test(between) ? { ...token, clauseEnd: true } : token;
  });
}

/** Punctuation between two tokens that ends a clause (normalizeText turned line breaks into spaces). */
const CLAUSE_END = /[,.;:?!…]/;

/**
 * The token stream the search index and the classifier use:
 * tokenize → matchKey → chat spellings (query mode only) → abbreviations and synonyms
 * (both modes) → accented canonical tokens.
 *
 * - Thesaurus variants match on whole token sequences, longest first, case-insensitive
 *   (unless the entry says `caseSensitive`), and diacritic-insensitive for tokens typed
 *   without accents: "lam giay khai sinh" matches "làm giấy khai sinh", "csdl" matches
 *   "CSDL". A token typed *with* accents must match exactly, so "hỏng" never matches the
 *   chat spelling "hông".
 * - Chat spellings ("ko", "k", "dc") apply to queries only: documents have list markers
 *   such as "k)" that must not become "không".
 * - Unaccented text that matches nothing stays as typed (lower-cased).
 *
 * @example analyze("lam giay khai sinh online ko", th, "query")
 *   // ["đăng","ký","khai","sinh","trực","tuyến","không"]
 */
export function analyze(text: string, thesaurus: Thesaurus, mode: 'query' | 'document'): string[] {
  return thesaurus.rewrite(matchTokens(text), mode);
}
