/**
 * The thesaurus: abbreviations, synonyms and chat spellings as data
 * (`knowledge/thesaurus.yaml`), compiled into token tries for {@link analyze}.
 *
 * Why data: the vocabulary of the documents and of citizens grows without code changes,
 * and a reviewer can read every rewrite the assistant makes in one file.
 *
 * Why a strict loader: a wrong rewrite silently breaks search, so an entry that is
 * malformed, or a variant claimed by two different canonical forms, stops the start-up
 * with a message naming the file and the entry.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { matchTokens, type MatchToken } from './vietnamese.ts';

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

/** One entry: the canonical form and the variants rewritten to it. */
export const ThesaurusEntrySchema = z
  .object({
    /** The accented form everything is rewritten to ("cơ sở dữ liệu"). */
    canonical: z.string().trim().min(1),
    /** What people or documents write instead ("CSDL"). Matched on whole tokens. */
    variants: z.array(z.string().trim().min(1)).min(1),
    /**
     * Variants match only when written exactly (case included). For abbreviations that
     * are also ordinary words in lower case: "AI" (trí tuệ nhân tạo) vs "ai" (who).
     * The canonical form itself is always matched case-insensitively.
     */
    caseSensitive: z.boolean().optional(),
    /**
     * Token sequences that, when they follow a variant, cancel the rewrite:
     * "qua mạng" → "trực tuyến", but not in "qua mạng xã hội".
     */
    notFollowedBy: z.array(z.string().trim().min(1)).optional(),
    /**
     * Token sequences that, when they come right before a variant, cancel the rewrite:
     * "qua mạng" → "trực tuyến", but not in "thông qua mạng".
     */
    notPrecededBy: z.array(z.string().trim().min(1)).optional(),
    /**
     * Contexts the rewrite needs: with this field the variant is rewritten only inside one
     * of them. `_` stands for the variant: "ai _" (right after "ai"), "_ ban hành" (right
     * before "ban hành"), "người _ kết". For a variant that is safe in a few contexts only:
     * chat "ki" is "ký" in "ai ki", but "kì"/"kỳ" in "định ki", "ki họp".
     */
    onlyIn: z.array(z.string().trim().min(1)).optional(),
    /** Free text for reviewers; ignored by the code. */
    note: z.string().optional(),
  })
  .strict();

/**
 * A filler: words that carry no content in a question ("vậy", "ạ", "ad", "nhé"), dropped
 * from queries before anything else (so they neither count against coverage nor pair with
 * a topic word in a bigram). Queries only.
 */
export const FillerEntrySchema = z
  .object({
    variants: z.array(z.string().trim().min(1)).min(1),
    /**
     * Dropped only at the end of a clause (before , . ? ! ; : or the end of the text), or
     * when only other fillers follow up to there: "bao giờ tắt vậy ad?" drops "vậy", while
     * "cho vay vốn" keeps "vay".
     */
    atEnd: z.boolean().optional(),
    caseSensitive: z.boolean().optional(),
    notFollowedBy: z.array(z.string().trim().min(1)).optional(),
    notPrecededBy: z.array(z.string().trim().min(1)).optional(),
    note: z.string().optional(),
  })
  .strict();

/** The whole file. Sections are optional; unknown keys are an error (typos caught). */
export const ThesaurusFileSchema = z
  .object({
    /** Abbreviations and their expansions; applied to queries and documents. */
    abbreviations: z.array(ThesaurusEntrySchema).default([]),
    /** Other ways to say the same thing; applied to queries and documents. */
    synonyms: z.array(ThesaurusEntrySchema).default([]),
    /** Chat spellings ("ko", "dc"); applied to queries only. */
    chat: z.array(ThesaurusEntrySchema).default([]),
    /** Words without content in a question ("vậy", "ạ", "ad"); dropped from queries only. */
    fillers: z.array(FillerEntrySchema).default([]),
  })
  .strict();

export type ThesaurusEntry = z.infer<typeof ThesaurusEntrySchema>;
export type FillerEntry = z.infer<typeof FillerEntrySchema>;
export type ThesaurusFile = z.input<typeof ThesaurusFileSchema>;
export type ThesaurusSection = 'abbreviations' | 'synonyms' | 'chat' | 'fillers';

/** A thesaurus file that cannot be used; the message names the file and the entry. */
export class ThesaurusError extends Error {
  override readonly name = 'ThesaurusError';
}

// ---------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------

/** One way of writing an entry, as tokens, with how strictly it must match. */
interface Form {
  readonly tokens: readonly MatchToken[];
  readonly caseSensitive: boolean;
  readonly notFollowedBy: readonly (readonly MatchToken[])[];
  readonly notPrecededBy: readonly (readonly MatchToken[])[];
  /** Contexts of which one must surround the form (empty: no such requirement). */
  readonly onlyIn: readonly Context[];
  /** Fillers only: dropped at the end of a clause only. */
  readonly atEnd: boolean;
}

/** One `onlyIn` context: the tokens right before and right after the variant. */
interface Context {
  readonly before: readonly MatchToken[];
  readonly after: readonly MatchToken[];
}

/** What a trie path ending here rewrites to, and the written forms that lead here. */
interface Terminal {
  readonly canonical: readonly MatchToken[];
  readonly canonicalKey: string;
  readonly where: string;
  readonly forms: Form[];
}

/** A trie keyed on folded tokens: accent-free, so unaccented input can walk it. */
interface TrieNode {
  readonly next: Map<string, TrieNode>;
  terminal?: Terminal;
}

function newNode(): TrieNode {
  return { next: new Map() };
}

/** Does the input token satisfy one token of a written form (folded forms already equal)? */
function tokenMatches(input: MatchToken, form: MatchToken, caseSensitive: boolean): boolean {
  if (caseSensitive) return input.surface === form.surface;
  // Accented input must match exactly (on the key); unaccented input matches when folded.
  return !input.accented || input.key === form.key;
}

function sequenceAt(
  tokens: readonly MatchToken[],
  start: number,
  seq: readonly MatchToken[],
  caseSensitive: boolean,
): boolean {
  if (start + seq.length > tokens.length) return false;
  for (let k = 0; k < seq.length; k++) {
    const t = tokens[start + k] as MatchToken;
    const f = seq[k] as MatchToken;
    if (t.folded !== f.folded || !tokenMatches(t, f, caseSensitive)) return false;
  }
  return true;
}

function formMatches(form: Form, tokens: readonly MatchToken[], start: number, end: number): boolean {
  if (!sequenceAt(tokens, start, form.tokens, form.caseSensitive)) return false;
  if (form.notFollowedBy.some((seq) => sequenceAt(tokens, end, seq, false))) return false;
  if (form.notPrecededBy.some((seq) => precededBy(tokens, start, seq))) return false;
  return form.onlyIn.length === 0 || form.onlyIn.some((c) => precededBy(tokens, start, c.before) && sequenceAt(tokens, end, c.after, false));
}

function precededBy(tokens: readonly MatchToken[], start: number, seq: readonly MatchToken[]): boolean {
  return start >= seq.length && sequenceAt(tokens, start - seq.length, seq, false);
}

/** Summary of one entry, for listings, validation reports and tests. */
export interface ThesaurusEntryInfo {
  readonly section: ThesaurusSection;
  readonly canonical: string;
  readonly variants: readonly string[];
  readonly caseSensitive: boolean;
  /** The `onlyIn` contexts as written ("ai _"); empty when the variant needs none. */
  readonly onlyIn: readonly string[];
  /** Fillers only: dropped at the end of a clause only. */
  readonly atEnd: boolean;
}

/**
 * A compiled thesaurus: two tries (chat spellings for queries; abbreviations and
 * synonyms for everything) keyed on folded token sequences, so one walk per position
 * finds the longest match whether or not the text has accents.
 *
 * Every canonical form of two or more tokens is also matched as a variant of itself, so
 * "dang ky khai sinh" comes out accented as "đăng ký khai sinh".
 */
export class Thesaurus {
  private readonly fillerTrie = newNode();
  private readonly chatTrie = newNode();
  private readonly mainTrie = newNode();
  /** Folded variant → the entry that claimed it first, to reject conflicting claims. */
  private readonly folded = new Map<string, { readonly canonicalKey: string; readonly where: string }>();
  private readonly info: ThesaurusEntryInfo[] = [];

  /**
   * Compiles validated data; throws {@link ThesaurusError} on a conflict.
   * @param source file name used in error messages.
   */
  constructor(data: ThesaurusFile, readonly source = '<inline>') {
    const parsed = ThesaurusFileSchema.safeParse(data);
    if (!parsed.success) throw schemaError(source, data, parsed.error);
    const sections = ['abbreviations', 'synonyms', 'chat'] as const;
    for (const section of sections) {
      parsed.data[section].forEach((entry, index) => this.add(section, index, entry));
    }
    parsed.data.fillers.forEach((entry, index) => this.add('fillers', index, { ...entry, canonical: '' }));
  }

  /** All entries as written in the file, in file order (fillers have an empty canonical form). */
  entries(): readonly ThesaurusEntryInfo[] {
    return this.info;
  }

  /**
   * Rewrites a token stream: fillers dropped and chat spellings rewritten (query mode
   * only), then abbreviations and synonyms; returns the match keys of the result. Used by
   * {@link analyze}.
   */
  rewrite(tokens: readonly MatchToken[], mode: 'query' | 'document'): string[] {
    const afterChat = mode === 'query' ? this.pass(this.chatTrie, this.dropFillers(tokens)) : tokens;
    return this.pass(this.mainTrie, afterChat).map((t) => t.key);
  }

  /** The longest match at `i`: its end and the forms that match there (none: no match). */
  private longestAt(root: TrieNode, tokens: readonly MatchToken[], i: number): { end: number; terminal: Terminal; forms: Form[] } | undefined {
    let node: TrieNode | undefined = root;
    let best: { end: number; terminal: Terminal; forms: Form[] } | undefined;
    for (let j = i; j < tokens.length; j++) {
      node = node.next.get((tokens[j] as MatchToken).folded);
      if (node === undefined) break;
      const terminal = node.terminal;
      if (terminal === undefined) continue;
      const forms = terminal.forms.filter((f) => formMatches(f, tokens, i, j + 1));
      if (forms.length > 0) best = { end: j + 1, terminal, forms };
    }
    return best;
  }

  private pass(root: TrieNode, tokens: readonly MatchToken[]): readonly MatchToken[] {
    const out: MatchToken[] = [];
    let i = 0;
    while (i < tokens.length) {
      const best = this.longestAt(root, tokens, i);
      if (best === undefined) {
        out.push(tokens[i] as MatchToken);
        i++;
      } else {
        out.push(...best.terminal.canonical);
        i = best.end;
      }
    }
    return out;
  }

  /**
   * Drops fillers: those allowed anywhere, and `atEnd` ones when nothing but fillers
   * follows them up to the end of their clause. Spans are found left to right (longest
   * first), then kept or dropped right to left so "vậy ad?" loses both words.
   */
  private dropFillers(tokens: readonly MatchToken[]): readonly MatchToken[] {
    const spans: Array<{ from: number; to: number; filler?: 'anywhere' | 'end' }> = [];
    for (let i = 0; i < tokens.length; ) {
      const best = this.longestAt(this.fillerTrie, tokens, i);
      if (best === undefined) {
        spans.push({ from: i, to: i + 1 });
        i++;
      } else {
        spans.push({ from: i, to: best.end, filler: best.forms.some((f) => !f.atEnd) ? 'anywhere' : 'end' });
        i = best.end;
      }
    }
    const kept: boolean[] = new Array<boolean>(spans.length).fill(true);
    let tailOpen = true;
    for (let s = spans.length - 1; s >= 0; s--) {
      const span = spans[s]!;
      if ((tokens[span.to - 1] as MatchToken).clauseEnd === true) tailOpen = true;
      if (span.filler === 'anywhere' || (span.filler === 'end' && tailOpen)) kept[s] = false;
      else tailOpen = false;
    }
    if (kept.every(Boolean)) return tokens;
    return spans.flatMap((span, s) => (kept[s] ? tokens.slice(span.from, span.to) : []));
  }

  private add(section: ThesaurusSection, index: number, entry: ThesaurusEntry & { atEnd?: boolean }): void {
    const filler = section === 'fillers';
    const where = filler ? `${section}[${index}] "${entry.variants[0] ?? ''}"` : `${section}[${index}] "${entry.canonical}"`;
    const fail = (problem: string): never => {
      throw new ThesaurusError(`${this.source}: ${where}: ${problem}`);
    };
    const canonical = filler ? [] : matchTokens(entry.canonical).map((t) => ({ ...t, surface: t.key }));
    if (!filler && canonical.length === 0) fail('the canonical form has no letters or digits');
    const canonicalKey = canonical.map((t) => t.key).join(' ');
    const context = (field: 'notFollowedBy' | 'notPrecededBy'): MatchToken[][] =>
      (entry[field] ?? []).map((s) => {
        const seq = matchTokens(s);
        if (seq.length === 0) fail(`${field} "${s}" has no letters or digits`);
        return seq;
      });
    const notFollowedBy = context('notFollowedBy');
    const notPrecededBy = context('notPrecededBy');
    const onlyIn: Context[] = (entry.onlyIn ?? []).map((pattern) => {
      const parts = pattern.split('_');
      if (parts.length !== 2) fail(`onlyIn "${pattern}" needs exactly one "_" standing for the variant`);
      const before = matchTokens(parts[0] ?? '');
      const after = matchTokens(parts[1] ?? '');
      if (before.length + after.length === 0) fail(`onlyIn "${pattern}" has no words around "_"`);
      return { before, after };
    });
    const atEnd = entry.atEnd ?? false;
    const trie = filler ? this.fillerTrie : section === 'chat' ? this.chatTrie : this.mainTrie;
    const caseSensitive = entry.caseSensitive ?? false;

    const addForm = (text: string, form: Form): void => {
      if (form.tokens.length === 0) fail(`variant "${text}" has no letters or digits`);
      const foldedKey = form.tokens.map((t) => t.folded).join(' ');
      const seen = this.folded.get(foldedKey);
      if (seen !== undefined && seen.canonicalKey !== canonicalKey) {
        fail(`"${text}" is also listed under ${seen.where}; a variant may have one canonical form only`);
      }
      let node = trie;
      for (const t of form.tokens) {
        let next = node.next.get(t.folded);
        if (next === undefined) {
          next = newNode();
          node.next.set(t.folded, next);
        }
        node = next;
      }
      // Each trie has its own terminal: chat forms must never apply to documents.
      node.terminal ??= { canonical, canonicalKey, where, forms: [] };
      node.terminal.forms.push(form);
      if (seen === undefined) this.folded.set(foldedKey, { canonicalKey, where });
    };

    // A multi-token canonical form matches itself, so unaccented text gets its accents
    // back; a single syllable is too ambiguous for that ("lam" = làm? lâm? lạm?).
    if (canonical.length > 1) {
      addForm(entry.canonical, { tokens: matchTokens(entry.canonical), caseSensitive: false, notFollowedBy: [], notPrecededBy: [], onlyIn: [], atEnd: false });
    }
    for (const v of entry.variants) {
      addForm(v, { tokens: matchTokens(v), caseSensitive, notFollowedBy, notPrecededBy, onlyIn, atEnd });
    }
    this.info.push({ section, canonical: entry.canonical, variants: entry.variants, caseSensitive, onlyIn: entry.onlyIn ?? [], atEnd });
  }
}

/** Turns a zod error into one message naming the file and the offending entry. */
function schemaError(source: string, data: unknown, error: z.ZodError): ThesaurusError {
  const issue = error.issues[0];
  if (issue === undefined) return new ThesaurusError(`${source}: invalid thesaurus`);
  const path = issue.path;
  let where = path.length === 0 ? 'top level' : path.map(String).join('.');
  if (path.length >= 2 && typeof path[1] === 'number') {
    const section = String(path[0]);
    const entries = (data as Record<string, unknown> | null)?.[section];
    const entry = Array.isArray(entries) ? (entries[path[1]] as { canonical?: unknown } | undefined) : undefined;
    const canonical = typeof entry?.canonical === 'string' ? ` "${entry.canonical}"` : '';
    where = `${section}[${path[1]}]${canonical}` + (path.length > 2 ? ` (${path.slice(2).map(String).join('.')})` : '');
  }
  return new ThesaurusError(`${source}: ${where}: ${issue.message}`);
}

/**
 * Parses thesaurus YAML text. Throws {@link ThesaurusError} naming `source` on bad YAML,
 * a schema violation or a conflicting variant.
 */
export function parseThesaurus(yamlText: string, source = '<inline>'): Thesaurus {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ThesaurusError(`${source}: not valid YAML: ${message}`);
  }
  if (data === null || data === undefined) data = {};
  return new Thesaurus(data as ThesaurusFile, source);
}

/**
 * Loads and compiles `knowledge/thesaurus.yaml` (or another file of the same format).
 * Fails fast with a {@link ThesaurusError} naming the file and the entry.
 *
 * @example const th = loadThesaurus("knowledge/thesaurus.yaml");
 */
export function loadThesaurus(path: string): Thesaurus {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ThesaurusError(`${path}: cannot read the thesaurus: ${message}`);
  }
  return parseThesaurus(text, path);
}
