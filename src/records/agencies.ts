/**
 * The agency dictionary: every unit the plans name, with every form they write it in, and a
 * resolver that finds those units in a table cell, a sentence or a user's question.
 *
 * Why one dictionary: the records (who leads what), the quiz (distractors of the same kind)
 * and the answers (one canonical short name) must agree on what "Sở TT&TT", "STTTT",
 * "Sở Thông tin và\nTruyền thông" and "so tttt" are. The data lives in
 * `knowledge/agencies.yaml` (see its header for the fields and the closed set of kinds);
 * this module validates it strictly and compiles it once into a trie on folded tokens.
 *
 * Matching rules (decided here, relied on by the records extractor):
 * - tokens are runs of letters and digits, compared folded (no case, no diacritics, i/y
 *   unified); "&" is the token "và", and a "và" of a form may be missing in the text
 *   ("Sở TT TT", "Sở Văn hóa Thể thao Du lịch");
 * - line breaks are spaces; a tab, a comma, a semicolon, a bracket or an HTML tag is a hard
 *   break that a form may only cross where the form itself has punctuation
 *   ("Các sở, ngành; UBND huyện" matches the group written with commas, while
 *   "Phòng CNTT\tTrung tâm CNTT&TT" stays two units);
 * - the longest form wins, so a group phrase is one mention and never yields its parts;
 * - guards in the data stop forms that are really other words ("cơ sở y tế" is not Sở Y tế);
 * - a list that leaves out a repeated "Sở" ("Sở Công thương, Kế hoạch và Đầu tư",
 *   "Các sở: Kế hoạch và Đầu tư, Tài chính") yields each department.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { foldDiacritics, hasDiacritics, matchKey } from '../nlu/vietnamese.ts';

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

/**
 * The closed set of agency kinds; `knowledge/agencies.yaml` documents each one.
 * Why closed: the quiz draws distractors of the same kind and the lookups group by kind, so
 * a typo in a kind must fail the load, not create a new kind of one.
 */
export const AGENCY_KINDS = [
  'so',
  'ban',
  'chinh-quyen-tinh',
  'co-quan-dang',
  'doan-the',
  'bao-chi',
  'ubnd-cap-huyen',
  'ubnd-cap-xa',
  'don-vi-thuoc-so',
  'to-cong-tac',
  'doanh-nghiep',
  'co-quan-trung-uong',
  'co-quan-khac',
  'nhom',
] as const;

export type AgencyKind = (typeof AGENCY_KINDS)[number];

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One entry of `agencies.yaml`. */
export const AgencyEntrySchema = z.strictObject({
  id: z.string().regex(KEBAB_ID, 'id phải viết kiểu kebab-case / id must be kebab-case'),
  name: z.string().trim().min(1),
  short: z.string().trim().min(1),
  aliases: z.array(z.string().trim().min(1)).default([]),
  kind: z.enum(AGENCY_KINDS),
  parent: z.string().regex(KEBAB_ID).optional(),
  members: z.array(z.string().regex(KEBAB_ID)).optional(),
  memberKinds: z.array(z.enum(AGENCY_KINDS)).optional(),
  note: z.string().optional(),
  /** Confirmed to still exist after the 2025 reorganisation (see knowledge/changes.yaml). */
  status: z.literal('current').optional(),
  /** Where `status` was read (required with it). */
  statusSource: z.url().optional(),
});

/** Neighbouring words that make a form something else, keyed by the form's first/last word. */
const GuardMapSchema = z.record(z.string().min(1), z.array(z.string().min(1)));

/** The whole file. */
export const AgencyFileSchema = z.strictObject({
  guards: z
    .strictObject({
      notPrecededBy: GuardMapSchema.default({}),
      notFollowedBy: GuardMapSchema.default({}),
    })
    .default({ notPrecededBy: {}, notFollowedBy: {} }),
  agencies: z.array(AgencyEntrySchema).min(1),
});

export type AgencyFile = z.input<typeof AgencyFileSchema>;

/** A unit as the rest of the code sees it (validated, aliases as written). */
export interface Agency {
  readonly id: string;
  /** Full name as the documents write it. */
  readonly name: string;
  /** Short form for answers ("Sở TT&TT"). */
  readonly short: string;
  /** Other forms, as written in the data file (name and short are matched too). */
  readonly aliases: readonly string[];
  readonly kind: AgencyKind;
  readonly parent?: string;
  /** Groups only: units the group phrase covers, where a document lists them. */
  readonly members?: readonly string[];
  /** Groups only: kinds of unit the group's words name ("Các sở" → so). */
  readonly memberKinds?: readonly AgencyKind[];
  readonly note?: string;
  /** `current`: confirmed to still exist today; absent: not checked (or changed, see changes.yaml). */
  readonly status?: 'current';
  readonly statusSource?: string;
}

/** One agency found in a text: which, the text as written, and where (UTF-16 offsets). */
export interface AgencyMention {
  readonly agencyId: string;
  /** `text.slice(start, end)`. */
  readonly matched: string;
  readonly start: number;
  readonly end: number;
}

/** The data file is wrong: every problem found, each naming the entries concerned. */
export class AgencyDirectoryError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'AgencyDirectoryError';
  }
}

/**
 * Forms that name no unit on their own. A data entry using one is an error: it would make
 * "tỉnh" or "các cơ quan" resolve to something.
 */
const TOO_GENERIC = new Set([
  'so', 'tinh', 'ban', 'bo', 'phong', 'ubnd', 'uy ban', 'huyen', 'xa', 'cac co quan',
  'co quan', 'trung tam', 'van phong', 'doanh nghiep', 'cac doanh nghiep', 'cac so',
  'dang uy', 'hoi', 'dai', 'bao', 'to', 'nganh', 'cac nganh', 'don vi', 'cac don vi',
]);

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------

/** How two neighbouring tokens are separated. */
type Gap = 'space' | 'soft' | 'hard';

interface Token {
  /** Folded comparison key ("&" → "va"). */
  readonly key: string;
  /** Accented comparison key (matchKey: lower case, one tone placement, i/y unified). */
  readonly akey: string;
  /** Written with diacritics: then it must match a form's accents, not just its folding. */
  readonly accented: boolean;
  readonly start: number;
  readonly end: number;
  /** Separation from the previous token ('space' for the first). */
  readonly gap: Gap;
  /** First character is an upper-case letter (for "Sở A, B" lists). */
  readonly upper: boolean;
  /** A comma, semicolon or colon separates it from the previous token (a list). */
  readonly listSep: boolean;
}

const WORD = /[\p{L}\p{M}\p{Nd}]+|&/gu;
/** HTML tags inside table cells (002): a hard break, never words. */
const HTML_TAG = /<\/?[a-zA-Z][^<>]*>/g;
const HARD_PUNCT = /[,;()[\]{}\t|+…<>]/;
const NON_SPACE = /\S/;
const LIST_SEP = /[,;:]/;

interface WordKeys {
  readonly key: string;
  readonly akey: string;
  readonly accented: boolean;
}

const wordCache = new Map<string, WordKeys>();
const AMPERSAND: WordKeys = { key: 'va', akey: 'và', accented: true };

/** Keys of one word: accented (matchKey) and folded (no diacritics, lower case). */
function keysOf(word: string): WordKeys {
  if (word === '&') return AMPERSAND;
  let keys = wordCache.get(word);
  if (keys === undefined) {
    const akey = matchKey(word);
    keys = { key: foldDiacritics(akey), akey, accented: hasDiacritics(word) };
    if (wordCache.size > 20_000) wordCache.clear();
    wordCache.set(word, keys);
  }
  return keys;
}

function classifyGap(between: string): Gap {
  if (HARD_PUNCT.test(between)) return 'hard';
  if (NON_SPACE.test(between)) return 'soft';
  return 'space';
}

/** Tokens of `text` with offsets into `text` itself (HTML tags masked, lengths kept). */
function tokenizeForMatch(text: string): Token[] {
  const masked = text.includes('<') ? text.replace(HTML_TAG, (tag) => '|'.repeat(tag.length)) : text;
  const tokens: Token[] = [];
  let prevEnd = 0;
  for (const m of masked.matchAll(WORD)) {
    const start = m.index;
    const word = m[0];
    const end = start + word.length;
    const first = word[0] ?? '';
    const between = tokens.length === 0 ? '' : masked.slice(prevEnd, start);
    tokens.push({
      ...keysOf(word),
      start,
      end,
      gap: classifyGap(between),
      upper: first !== first.toLowerCase(),
      listSep: LIST_SEP.test(between),
    });
    prevEnd = end;
  }
  return tokens;
}

/** Folded key of a whole form: its tokens joined by spaces ("Sở TT&TT" → "so tt va tt"). */
export function agencyFormKey(form: string): string {
  return tokenizeForMatch(form)
    .map((t) => t.key)
    .join(' ');
}

// ---------------------------------------------------------------------------------------
// Trie
// ---------------------------------------------------------------------------------------

interface FormEnd {
  readonly agencyId: string;
  /** hard[j]: the form has punctuation before its token j (so the text may too). */
  readonly hard: readonly boolean[];
  /** Accented key of each form token, '' where the form is written without diacritics. */
  readonly akeys: readonly string[];
}

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  readonly ends: FormEnd[];
}

const newNode = (): TrieNode => ({ next: new Map(), ends: [] });

function insertForm(root: TrieNode, form: string, agencyId: string): void {
  const tokens = tokenizeForMatch(form);
  if (tokens.length === 0) return;
  let node = root;
  for (const t of tokens) {
    let child = node.next.get(t.key);
    if (child === undefined) {
      child = newNode();
      node.next.set(t.key, child);
    }
    node = child;
  }
  const hard = tokens.map((t, j) => j > 0 && t.gap !== 'space');
  const akeys = tokens.map((t) => (t.accented ? t.akey : ''));
  if (!node.ends.some((e) => e.agencyId === agencyId && same(e.hard, hard) && same(e.akeys, akeys))) {
    node.ends.push({ agencyId, hard, akeys });
  }
}

function same<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A match found in the text: token range [first, last] and the agency. */
interface Candidate {
  readonly agencyId: string;
  readonly first: number;
  readonly last: number;
}

/**
 * Every form of the trie that matches the text starting at token `first`.
 * A "và" of the form may be missing from the text; a hard break in the text is allowed only
 * where the form has punctuation too; a text word written with diacritics must carry the
 * form's ("số" is not "Sở"), one written without them matches on its folding ("so y te").
 */
function matchAt(root: TrieNode, tokens: readonly Token[], first: number, out: Candidate[]): void {
  // consumed[k] = [form token index, text token index] of the k-th consumed text token.
  const consumed: Array<[number, number]> = [];
  const walk = (node: TrieNode, ti: number, fj: number): void => {
    if (consumed.length > 0) {
      for (const end of node.ends) {
        if (formAllows(end, consumed, tokens)) {
          out.push({ agencyId: end.agencyId, first, last: ti - 1 });
        }
      }
    }
    const tok = tokens[ti];
    if (tok !== undefined) {
      const child = node.next.get(tok.key);
      if (child !== undefined) {
        consumed.push([fj, ti]);
        walk(child, ti + 1, fj + 1);
        consumed.pop();
      }
    }
    if (consumed.length > 0) {
      const skipVa = node.next.get('va');
      if (skipVa !== undefined && tok?.key !== 'va') walk(skipVa, ti, fj + 1);
    }
  };
  walk(root, first, 0);
}

/** Accents and breaks of the text words consumed agree with this form. */
function formAllows(end: FormEnd, consumed: ReadonlyArray<[number, number]>, tokens: readonly Token[]): boolean {
  if (consumed.length !== 0 && (consumed[consumed.length - 1]?.[0] ?? -1) !== end.hard.length - 1) {
    return false; // the form ends with a skipped "và"
  }
  for (const [fj, ti] of consumed) {
    const tok = tokens[ti] as Token;
    const want = end.akeys[fj] ?? '';
    if (tok.accented && want !== '' && tok.akey !== want) return false;
  }
  for (let k = 1; k < consumed.length; k++) {
    const [fj, ti] = consumed[k] as [number, number];
    const prevFj = (consumed[k - 1] as [number, number])[0];
    const textGap = (tokens[ti] as Token).gap;
    if (textGap !== 'hard') continue;
    let formHard = false;
    for (let j = prevFj + 1; j <= fj; j++) formHard ||= end.hard[j] === true;
    if (!formHard) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Directory
// ---------------------------------------------------------------------------------------

/** One guard: the word it applies to and the neighbours that cancel it. */
interface Guard {
  readonly word: WordKeys;
  readonly neighbours: readonly WordKeys[];
}

/** Guards by the folded key of the form word they apply to (first word / last word). */
interface Guards {
  readonly before: ReadonlyMap<string, readonly Guard[]>;
  readonly after: ReadonlyMap<string, readonly Guard[]>;
}

/** A text token is this word: same accents if both are written with them, else same folding. */
function isWord(tok: Token, w: WordKeys): boolean {
  return tok.accented && w.accented ? tok.akey === w.akey : tok.key === w.key;
}

function compileGuards(rec: Record<string, string[]>): Map<string, Guard[]> {
  const map = new Map<string, Guard[]>();
  for (const [word, neighbours] of Object.entries(rec)) {
    const w = keysOf(word.trim());
    const guard: Guard = { word: w, neighbours: neighbours.map((n) => keysOf(n.trim())) };
    map.set(w.key, [...(map.get(w.key) ?? []), guard]);
  }
  return map;
}

function guardBlocks(guards: readonly Guard[] | undefined, formWord: Token, neighbour: Token): boolean {
  return (guards ?? []).some((g) => isWord(formWord, g.word) && g.neighbours.some((n) => isWord(neighbour, n)));
}

/**
 * The validated dictionary with its resolver. Build it with {@link loadAgencyDirectory}
 * (or {@link parseAgencyDirectory} for data already in memory).
 */
export class AgencyDirectory {
  private readonly byId = new Map<string, Agency>();
  private readonly root = newNode();
  /** Department forms without their leading "Sở", for lists that leave it out. */
  private readonly soSuffixRoot = newNode();
  private readonly guards: Guards;

  /** Use {@link parseAgencyDirectory}: it validates first. */
  constructor(agencies: readonly Agency[], guards: { notPrecededBy: Record<string, string[]>; notFollowedBy: Record<string, string[]> }) {
    for (const a of agencies) this.byId.set(a.id, a);
    for (const a of agencies) {
      for (const form of formsOf(a)) insertForm(this.root, form, a.id);
    }
    for (const a of agencies) {
      if (a.kind !== 'so') continue;
      // Only the official forms: an alias such as "sở kế hoạch" would make "Kế hoạch số …"
      // after a department a department.
      for (const form of [a.name, a.short]) {
        const tokens = tokenizeForMatch(form);
        if (tokens.length < 2 || tokens[0]?.key !== 'so') continue;
        const suffix = form.slice((tokens[1] as Token).start);
        const key = agencyFormKey(suffix);
        if (TOO_GENERIC.has(key)) continue;
        insertForm(this.soSuffixRoot, suffix, a.id);
      }
    }
    this.guards = { before: compileGuards(guards.notPrecededBy), after: compileGuards(guards.notFollowedBy) };
  }

  /** The agency with this id, if any. */
  get(id: string): Agency | undefined {
    return this.byId.get(id);
  }

  /** All agencies, in data-file order. */
  all(): Agency[] {
    return [...this.byId.values()];
  }

  /** Agencies of one kind, in data-file order (quiz distractors, listings). */
  byKind(kind: AgencyKind): Agency[] {
    return this.all().filter((a) => a.kind === kind);
  }

  /** Units whose parent is `id` (Trung tâm CNTT&TT, Phòng CNTT … for Sở TT&TT). */
  children(id: string): Agency[] {
    return this.all().filter((a) => a.parent === id);
  }

  /**
   * Group phrases that cover `id`: listed as a member, or naming its kind. Why: a lookup of
   * "what is Sở Y tế assigned" should also show the tasks given to "Các sở, ngành".
   */
  groupsContaining(id: string): Agency[] {
    const a = this.byId.get(id);
    if (a === undefined) return [];
    return this.all().filter(
      (g) => g.kind === 'nhom' && g.id !== id && ((g.members?.includes(id) ?? false) || (g.memberKinds?.includes(a.kind) ?? false)),
    );
  }

  /** The short form for answers ("Sở TT&TT"); an unknown id is returned as is. */
  display(id: string): string {
    return this.byId.get(id)?.short ?? id;
  }

  /**
   * Every agency named in a cell or sentence, in text order, longest form first, each
   * stretch of text used once (a group phrase is one mention, never its parts).
   *
   * @example dir.mentions("Đài PT&TH/ Sở TT&TT")
   *   // [{agencyId:"dai-pt-th-tinh", matched:"Đài PT&TH", …}, {agencyId:"so-tt-tt", …}]
   */
  mentions(text: string): AgencyMention[] {
    const tokens = tokenizeForMatch(text);
    if (tokens.length === 0) return [];
    const candidates: Candidate[] = [];
    for (let i = 0; i < tokens.length; i++) matchAt(this.root, tokens, i, candidates);
    const picked = this.pickLongest(candidates.filter((c) => this.guardsPass(tokens, c)), tokens);
    this.extendSoLists(tokens, picked);
    picked.sort((a, b) => a.first - b.first);
    return picked.map((c) => {
      const start = (tokens[c.first] as Token).start;
      const end = (tokens[c.last] as Token).end;
      return { agencyId: c.agencyId, matched: text.slice(start, end), start, end };
    });
  }

  /** Ids of the agencies a text names, unique, in text order. */
  resolve(text: string): string[] {
    return [...new Set(this.mentions(text).map((m) => m.agencyId))];
  }

  /**
   * The agencies a user's question names, typed any way ("so y te", "Sở GD&ĐT",
   * "van phong tinh uy", "TN&MT"). Specific units are preferred: a group phrase is
   * returned only when the question names no specific unit.
   */
  findInQuestion(question: string): Agency[] {
    const found = this.resolve(question).map((id) => this.byId.get(id) as Agency);
    const specific = found.filter((a) => a.kind !== 'nhom');
    return specific.length > 0 ? specific : found;
  }

  /** False when a neighbouring word makes the form something else ("cơ sở y tế"). */
  private guardsPass(tokens: readonly Token[], c: Candidate): boolean {
    const firstTok = tokens[c.first] as Token;
    const before = tokens[c.first - 1];
    if (before !== undefined && firstTok.gap !== 'hard') {
      if (guardBlocks(this.guards.before.get(firstTok.key), firstTok, before)) return false;
    }
    const lastTok = tokens[c.last] as Token;
    const after = tokens[c.last + 1];
    if (after !== undefined && after.gap !== 'hard') {
      if (guardBlocks(this.guards.after.get(lastTok.key), lastTok, after)) return false;
    }
    return true;
  }

  /**
   * Non-overlapping candidates, leftmost-longest: more tokens first, then the earlier one
   * (the head noun comes first: "Chủ tịch UBND tỉnh Bắc Giang" is the Chairman, not
   * "UBND tỉnh Bắc Giang"), then the longer text.
   */
  private pickLongest(candidates: Candidate[], tokens: readonly Token[]): Candidate[] {
    const span = (c: Candidate): number => (tokens[c.last] as Token).end - (tokens[c.first] as Token).start;
    const sorted = [...candidates].sort(
      (a, b) => b.last - b.first - (a.last - a.first) || a.first - b.first || span(b) - span(a),
    );
    const used = new Uint8Array(tokens.length);
    const picked: Candidate[] = [];
    for (const c of sorted) {
      let free = true;
      for (let i = c.first; i <= c.last && free; i++) free = used[i] === 0;
      if (!free) continue;
      for (let i = c.first; i <= c.last; i++) used[i] = 1;
      picked.push(c);
    }
    return picked;
  }

  /**
   * "Sở Công thương, Kế hoạch và Đầu tư" and "Các sở: Kế hoạch và Đầu tư, Tài chính": after
   * a department (or "các sở:"), a comma/semicolon/colon then a capitalised department name
   * without "Sở" is that department.
   */
  private extendSoLists(tokens: readonly Token[], picked: Candidate[]): void {
    const used = new Uint8Array(tokens.length);
    for (const c of picked) for (let i = c.first; i <= c.last; i++) used[i] = 1;
    const starts: number[] = [];
    for (const c of picked) if (this.byId.get(c.agencyId)?.kind === 'so') starts.push(c.last + 1);
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (isWord(t, SO_WORD) && isWord(tokens[i - 1] as Token, CAC_WORD) && used[i] === 0) starts.push(i + 1);
    }
    const seen = new Set<number>();
    while (starts.length > 0) {
      const at = starts.pop() as number;
      if (seen.has(at)) continue;
      seen.add(at);
      const tok = tokens[at];
      if (tok === undefined || used[at] === 1 || !tok.upper || !tok.listSep) continue;
      const found: Candidate[] = [];
      matchAt(this.soSuffixRoot, tokens, at, found);
      const best = found
        .filter((c) => {
          for (let i = c.first; i <= c.last; i++) if (used[i] === 1) return false;
          return this.guardsPass(tokens, c);
        })
        .sort((a, b) => b.last - a.last)[0];
      if (best === undefined) continue;
      for (let i = best.first; i <= best.last; i++) used[i] = 1;
      picked.push(best);
      starts.push(best.last + 1);
    }
  }
}

const SO_WORD = keysOf('sở');
const CAC_WORD = keysOf('các');

/** name, short and aliases of an entry: every form it is matched on. */
function formsOf(a: Agency): string[] {
  return [a.name, a.short, ...a.aliases];
}

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

/**
 * Validates parsed YAML and builds the directory; throws {@link AgencyDirectoryError}
 * listing every problem (unknown kind or field, duplicate id, a form shared by two
 * entries, a parent or member that does not exist, a parent cycle, a form too generic to
 * name a unit).
 *
 * Why collect all problems: whoever edits the data file fixes them in one pass.
 */
export function parseAgencyDirectory(data: unknown, file = 'agencies.yaml'): AgencyDirectory {
  const parsed = AgencyFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new AgencyDirectoryError(
      file,
      parsed.error.issues.map((i) => `${describePath(data, i.path)}: ${i.message}`),
    );
  }
  const { agencies, guards } = parsed.data;
  const problems: string[] = [];
  const ids = new Map<string, number>();
  for (const a of agencies) ids.set(a.id, (ids.get(a.id) ?? 0) + 1);
  for (const [id, n] of ids) {
    if (n > 1) problems.push(`id "${id}" xuất hiện ${n} lần / id "${id}" is used ${n} times`);
  }

  const owner = new Map<string, { id: string; form: string }>();
  for (const a of agencies) {
    for (const form of [a.name, a.short, ...a.aliases]) {
      const key = agencyFormKey(form);
      if (key === '') {
        problems.push(`${a.id}: dạng "${form}" không có chữ / form "${form}" has no words`);
        continue;
      }
      if (TOO_GENERIC.has(key)) {
        problems.push(`${a.id}: dạng "${form}" quá chung / form "${form}" is too generic to name a unit`);
        continue;
      }
      const prev = owner.get(key);
      if (prev !== undefined && prev.id !== a.id) {
        problems.push(
          `dạng "${form}" trùng giữa "${prev.id}" ("${prev.form}") và "${a.id}" / ` +
            `form "${form}" belongs to both "${prev.id}" and "${a.id}"`,
        );
      } else if (prev === undefined) {
        owner.set(key, { id: a.id, form });
      }
    }
  }

  for (const a of agencies) {
    if (a.parent !== undefined) {
      if (a.parent === a.id) problems.push(`${a.id}: là cha của chính nó / is its own parent`);
      else if (!ids.has(a.parent)) {
        problems.push(`${a.id}: đơn vị cha "${a.parent}" không tồn tại / parent "${a.parent}" does not exist`);
      }
    }
    if (a.status !== undefined && a.statusSource === undefined) {
      problems.push(`${a.id}: "status" cần "statusSource" (URL) / status needs a statusSource URL`);
    }
    if (a.kind === 'don-vi-thuoc-so' && a.parent === undefined) {
      problems.push(`${a.id}: đơn vị thuộc sở cần "parent" / a don-vi-thuoc-so needs a parent`);
    }
    if ((a.members !== undefined || a.memberKinds !== undefined) && a.kind !== 'nhom') {
      problems.push(`${a.id}: chỉ nhóm mới có members / only a nhom entry has members or memberKinds`);
    }
    for (const m of a.members ?? []) {
      if (!ids.has(m)) problems.push(`${a.id}: thành viên "${m}" không tồn tại / member "${m}" does not exist`);
    }
  }

  const parentOf = new Map(agencies.map((a) => [a.id, a.parent]));
  for (const a of agencies) {
    const seen = new Set<string>([a.id]);
    let p = a.parent;
    while (p !== undefined && parentOf.has(p)) {
      if (seen.has(p)) {
        problems.push(`${a.id}: vòng lặp đơn vị cha / parent cycle through "${p}"`);
        break;
      }
      seen.add(p);
      p = parentOf.get(p);
    }
  }

  for (const [side, map] of Object.entries(guards)) {
    for (const [word, neighbours] of Object.entries(map)) {
      for (const w of [word, ...neighbours]) {
        if (agencyFormKey(w).split(' ').length !== 1) {
          problems.push(`guards.${side}: "${w}" phải là một từ / must be a single word`);
        }
      }
    }
  }

  if (problems.length > 0) throw new AgencyDirectoryError(file, problems);
  return new AgencyDirectory(agencies, guards);
}

/** "agencies[3].kind", with the entry's id when it has one: "agencies[3] (so-y-te).kind". */
function describePath(data: unknown, path: readonly PropertyKey[]): string {
  let id = '';
  if (path[0] === 'agencies' && typeof path[1] === 'number' && typeof data === 'object' && data !== null) {
    const list = (data as { agencies?: unknown }).agencies;
    const entry = Array.isArray(list) ? (list[path[1]] as { id?: unknown } | undefined) : undefined;
    if (typeof entry?.id === 'string') id = ` (${entry.id})`;
  }
  const text = path
    .map((p, k) => (typeof p === 'number' ? `[${p}]${k === 1 ? id : ''}` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return text || '(file)';
}

/**
 * Reads and validates `knowledge/agencies.yaml` (or another file of that shape).
 *
 * @throws AgencyDirectoryError when the file cannot be read or parsed, or breaks a rule.
 * @example const agencies = loadAgencyDirectory('knowledge/agencies.yaml');
 *          agencies.display('so-tt-tt'); // "Sở TT&TT"
 */
export function loadAgencyDirectory(path: string): AgencyDirectory {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new AgencyDirectoryError(path, [`không đọc được tệp / cannot read the file: ${message}`]);
  }
  return parseAgencyDirectory(data, path);
}
