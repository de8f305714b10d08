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
    /** Free text for reviewers; ignored by the code. */
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
  })
  .strict();

export type ThesaurusEntry = z.infer<typeof ThesaurusEntrySchema>;
export type ThesaurusFile = z.input<typeof ThesaurusFileSchema>;
export type ThesaurusSection = 'abbreviations' | 'synonyms' | 'chat';

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
  return !form.notPrecededBy.some((seq) => start >= seq.length && sequenceAt(tokens, start - seq.length, seq, false));
}

/** Summary of one entry, for listings, validation reports and tests. */
export interface ThesaurusEntryInfo {
  readonly section: ThesaurusSection;
  readonly canonical: string;
  readonly variants: readonly string[];
  readonly caseSensitive: boolean;
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
    const sections: ThesaurusSection[] = ['abbreviations', 'synonyms', 'chat'];
    for (const section of sections) {
      parsed.data[section].forEach((entry, index) => this.add(section, index, entry));
    }
  }

  /** All entries as written in the file, in file order. */
  entries(): readonly ThesaurusEntryInfo[] {
    return this.info;
  }

  /**
   * Rewrites a token stream: chat spellings first (query mode only), then abbreviations
   * and synonyms; returns the match keys of the result. Used by {@link analyze}.
   */
  rewrite(tokens: readonly MatchToken[], mode: 'query' | 'document'): string[] {
    const afterChat = mode === 'query' ? this.pass(this.chatTrie, tokens) : tokens;
    return this.pass(this.mainTrie, afterChat).map((t) => t.key);
  }

  private pass(root: TrieNode, tokens: readonly MatchToken[]): readonly MatchToken[] {
    const out: MatchToken[] = [];
    let i = 0;
    while (i < tokens.length) {
      let node: TrieNode | undefined = root;
      let bestEnd = -1;
      let best: Terminal | undefined;
      for (let j = i; j < tokens.length; j++) {
        node = node.next.get((tokens[j] as MatchToken).folded);
        if (node === undefined) break;
        const terminal = node.terminal;
        if (terminal !== undefined && terminal.forms.some((f) => formMatches(f, tokens, i, j + 1))) {
          bestEnd = j + 1;
          best = terminal;
        }
      }
      if (best === undefined) {
        out.push(tokens[i] as MatchToken);
        i++;
      } else {
        out.push(...best.canonical);
        i = bestEnd;
      }
    }
    return out;
  }

  private add(section: ThesaurusSection, index: number, entry: ThesaurusEntry): void {
    const where = `${section}[${index}] "${entry.canonical}"`;
    const fail = (problem: string): never => {
      throw new ThesaurusError(`${this.source}: ${where}: ${problem}`);
    };
    const canonical = matchTokens(entry.canonical).map((t) => ({ ...t, surface: t.key }));
    if (canonical.length === 0) fail('the canonical form has no letters or digits');
    const canonicalKey = canonical.map((t) => t.key).join(' ');
    const context = (field: 'notFollowedBy' | 'notPrecededBy'): MatchToken[][] =>
      (entry[field] ?? []).map((s) => {
        const seq = matchTokens(s);
        if (seq.length === 0) fail(`${field} "${s}" has no letters or digits`);
        return seq;
      });
    const notFollowedBy = context('notFollowedBy');
    const notPrecededBy = context('notPrecededBy');
    const trie = section === 'chat' ? this.chatTrie : this.mainTrie;
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
      addForm(entry.canonical, { tokens: matchTokens(entry.canonical), caseSensitive: false, notFollowedBy: [], notPrecededBy: [] });
    }
    for (const v of entry.variants) {
      addForm(v, { tokens: matchTokens(v), caseSensitive, notFollowedBy, notPrecededBy });
    }
    this.info.push({ section, canonical: entry.canonical, variants: entry.variants, caseSensitive });
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
