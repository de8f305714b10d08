/**
 * The loaded procedure catalog and the data-driven matching of a message to a procedure,
 * an aspect ("giấy tờ", "thời gian", "lệ phí") or a field ("các thủ tục hộ tịch").
 *
 * Matching: every procedure's name and phrasings are indexed with the same BM25 (syllables
 * and bigrams, accented and folded, thesaurus applied) the knowledge base uses. A
 * procedure's score mixes how much of its best phrasing the message contains (rarity
 * weighted, so "khai sinh" counts more than "đăng ký") with the BM25 rank that separates
 * near neighbours ("bản sao giấy khai sinh" vs "khai sinh"). Nothing keys on wording in
 * code: adding a phrasing to the catalog is how a new way of asking is taught.
 */
import { join } from 'node:path';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { LexicalIndex, type Analyzer } from '../retrieval/lexical-index.ts';
import { ExampleScorer, loadAspects, type Aspect, type AspectsFile } from './aspects.ts';
import { loadCatalogDir, type CatalogProblem, type LoadedProcedure } from './catalog-loader.ts';
import type { Procedure } from './schema.ts';

/** A procedure is recognised when its score reaches this… */
export const MATCH_MIN_SCORE = 0.6;
/** …and this share of the message's topic words belongs to the catalog's vocabulary. */
export const MATCH_MIN_COVERAGE = 0.34;
/** How surely a follow-up must name another procedure to leave the current one. */
export const SWITCH_MIN_SCORE = 0.75;
/** An aspect is recognised in a follow-up message from this score. */
export const ASPECT_MIN_SCORE = 0.7;
/** A request for a list ("các thủ tục …") from this score. */
export const LISTING_MIN_SCORE = 0.6;

const RECALL_WEIGHT = 0.8;

export interface ProcedureMatch {
  procedure: Procedure;
  /** 0..1: recall of the best phrasing's distinctive words, scaled by its relative BM25 score. */
  score: number;
  /** 0..1: share of the message's topic words the procedure, aspects or common words account for. */
  coverage: number;
}

export interface ProcedureCatalogOptions {
  procedures: readonly LoadedProcedure[];
  aspects: AspectsFile;
  analyzer: Analyzer;
  problems?: readonly CatalogProblem[];
}

export class ProcedureCatalog {
  readonly procedures: readonly Procedure[];
  readonly problems: readonly CatalogProblem[];
  readonly aspects: readonly Aspect[];
  private readonly byCode: ReadonlyMap<string, LoadedProcedure>;
  private readonly entries: Array<{ procedure: number; tokens: string[] }>;
  private readonly lexical: LexicalIndex;
  private readonly vocabulary: Array<Set<string>>;
  /** Folded syllables that name each procedure (its name and phrasings, less common and aspect words). */
  private readonly naming: Array<Set<string>>;
  private readonly query: (text: string) => string[];
  private readonly fillers: Set<string>;
  /** Folded syllables of the common words and fillers (see `topicText`). */
  private readonly plainWords: Set<string>;
  private readonly neutral: Set<string>;
  private readonly aspectScorer: ExampleScorer<string>;
  private readonly listingScorer: ExampleScorer<'listing'>;
  private readonly fieldKeys: Array<{ field: string; folded: string }>;
  private readonly requestKeys: string[];
  private readonly serviceKeys: string[];
  private readonly planQuestionKeys: string[];
  /** Folded names of confusable procedures the catalog lacks, per procedure (`notFor`). */
  private readonly notForKeys: string[][];

  constructor(private readonly options: ProcedureCatalogOptions) {
    const { procedures, aspects, analyzer } = options;
    this.procedures = procedures.map((p) => p.procedure);
    this.problems = options.problems ?? [];
    this.aspects = aspects.aspects;
    this.byCode = new Map(procedures.map((p) => [p.procedure.code, p]));
    const texts: string[] = [];
    this.entries = [];
    this.procedures.forEach((p, i) => {
      for (const text of [p.name, ...p.phrasings]) {
        texts.push(text);
        this.entries.push({ procedure: i, tokens: [] });
      }
    });
    this.lexical = LexicalIndex.build(texts, analyzer);
    const query = (text: string) => analyzer(text, 'query');
    const folded = (list: readonly string[]) => list.flatMap((e) => query(e).map((t) => foldDiacritics(t)));
    // A phrasing's evidence is its distinctive words: "lấy chồng cần giấy tờ gì" is about
    // "lấy chồng", so "cần giấy tờ gì" alone must not recognise it.
    // Words of follow-up questions ("mất bao lâu") are not evidence either, unless a
    // procedure's own name uses them ("khai" in "khai sinh", "cấp" in "cấp phiếu").
    const nameWords = new Set(folded(this.procedures.map((p) => p.name)));
    const aspectWords = folded(aspects.aspects.flatMap((a) => a.examples)).filter((t) => !nameWords.has(t));
    const common = new Set([...folded(aspects.commonWords), ...aspectWords]);
    texts.forEach((text, i) => (this.entries[i]!.tokens = this.lexical.queryKeywords(text).filter((t) => !common.has(t))));
    this.vocabulary = this.procedures.map(() => new Set<string>());
    for (const e of this.entries) for (const t of e.tokens) this.vocabulary[e.procedure]!.add(t);
    this.query = query;
    this.fillers = new Set(folded(aspects.fillers));
    this.plainWords = new Set([...aspects.commonWords, ...aspects.fillers].flatMap((w) => foldPhrase(w).split(' ')).filter(Boolean));
    this.naming = this.procedures.map((p) => new Set(folded([p.name, ...p.phrasings]).filter((t) => !common.has(t))));
    this.aspectScorer = new ExampleScorer(aspects.aspects.map((a) => ({ key: a.id, examples: a.examples })), query);
    this.listingScorer = new ExampleScorer([{ key: 'listing' as const, examples: aspects.listing.examples }], query);
    this.neutral = new Set([...common, ...folded(aspects.aspects.flatMap((a) => a.examples)), ...folded(aspects.listing.examples)]);
    this.requestKeys = aspects.requestWords.map(foldPhrase).filter((w) => w.length > 0);
    this.serviceKeys = aspects.serviceTopics.map(foldPhrase).filter((w) => w.length > 0);
    this.planQuestionKeys = aspects.planQuestionWords.map(foldPhrase).filter((w) => w.length > 0);
    this.notForKeys = this.procedures.map((p) => p.notFor.map(foldPhrase).filter((w) => w.length > 0));
    this.fieldKeys = [...new Set(this.procedures.map((p) => p.field))].map((field) => ({ field, folded: foldPhrase(field) }));
  }

  /** Loads `<knowledgeDir>/tthc/` (procedures and aspects.yaml). */
  static load(knowledgeDir: string, analyzer: Analyzer): ProcedureCatalog {
    const dir = join(knowledgeDir, 'tthc');
    const { procedures, problems } = loadCatalogDir(dir);
    const aspects = loadAspects(join(dir, 'aspects.yaml'));
    return new ProcedureCatalog({ procedures, aspects, analyzer, problems });
  }

  get(code: string): Procedure | undefined {
    return this.byCode.get(code)?.procedure;
  }

  /** The catalog file a procedure came from (for citations). */
  fileOf(code: string): string | undefined {
    return this.byCode.get(code)?.file;
  }

  aspect(id: string): Aspect | undefined {
    return this.aspects.find((a) => a.id === id);
  }

  /** Fields (lĩnh vực) in catalog order, each with its procedures. */
  fields(): Array<{ field: string; procedures: Procedure[] }> {
    const out = new Map<string, Procedure[]>();
    for (const p of this.procedures) out.set(p.field, [...(out.get(p.field) ?? []), p]);
    return [...out.entries()].map(([field, procedures]) => ({ field, procedures }));
  }

  /** Procedures ranked for a message (best first), with their scores; empty when nothing shares a word. */
  rank(text: string, limit = 5): ProcedureMatch[] {
    const hits = this.lexical.search(text, 200);
    if (hits.length === 0) return [];
    const maxBm25 = hits[0]!.score;
    const query = new Set(this.lexical.queryKeywords(text));
    const best = new Map<number, number>();
    for (const hit of hits) {
      const entry = this.entries[hit.index]!;
      const recall = this.weightedShare(entry.tokens, query);
      // BM25 only separates near neighbours; without distinctive words there is no match.
      const score = recall * (RECALL_WEIGHT + (1 - RECALL_WEIGHT) * (maxBm25 > 0 ? hit.score / maxBm25 : 0));
      if (score > (best.get(entry.procedure) ?? 0)) best.set(entry.procedure, score);
    }
    return [...best.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([i, score]) => ({ procedure: this.procedures[i]!, score, coverage: this.coverage(i, [...query]) }));
  }

  /** The procedure a message asks about, when the evidence is strong enough. */
  recognize(text: string): ProcedureMatch | undefined {
    // A message naming a procedure people confuse with a catalogued one ("ly hôn" for kết
    // hôn, "đăng ký lại khai sinh") is about that missing procedure: no card fits it.
    if (this.namesMissing(text)) return undefined;
    const top = this.rank(text, 1)[0];
    return top && top.score >= MATCH_MIN_SCORE && top.coverage >= MATCH_MIN_COVERAGE ? top : undefined;
  }

  /**
   * The aspect a message asks for ("mất bao lâu" → thoigian), if any. With `code`, the words
   * naming that procedure are set aside first: in "làm giấy khai sinh xong được nhận giấy gì"
   * the aspect is what is left ("xong được nhận giấy gì").
   */
  detectAspect(text: string, code?: string): { aspect: Aspect; score: number } | undefined {
    const index = code === undefined ? -1 : this.procedures.findIndex((p) => p.code === code);
    const naming = this.naming[index];
    const tokens = new Set(this.query(text).map((t) => foldDiacritics(t)));
    if (naming) for (const t of naming) tokens.delete(t);
    for (const t of this.fillers) tokens.delete(t);
    const best = this.aspectScorer.bestOf(tokens, naming);
    const aspect = best && best.score >= ASPECT_MIN_SCORE ? this.aspect(best.key) : undefined;
    return aspect && best ? { aspect, score: best.score } : undefined;
  }

  /** True when the message asks for a list of procedures ("các thủ tục …", "có những thủ tục nào"). */
  asksForList(text: string): boolean {
    return (this.listingScorer.best(text)?.score ?? 0) >= LISTING_MIN_SCORE;
  }

  /** Fields the message names ("hộ tịch", "ho tich"), longest first. */
  fieldsNamedIn(text: string): string[] {
    const q = ' ' + foldPhrase(text) + ' ';
    return this.fieldKeys
      .filter((f) => q.includes(' ' + f.folded + ' '))
      .sort((a, b) => b.folded.length - a.folded.length)
      .map((f) => f.field);
  }

  /**
   * A follow-up in context: with a procedure in the conversation, "cần giấy tờ gì?" becomes
   * "#tthc:<code>:giayto". Undefined when the message names another procedure or no aspect.
   */
  followUpPayload(text: string, currentCode: string | undefined): string | undefined {
    if (!currentCode || !this.byCode.has(currentCode) || text.startsWith('#')) return undefined;
    // Within a conversation about one procedure, only a clear naming of another switches to it
    // ("người già …" brushes against khai tử's phrasings; "còn khai tử thì sao" names it).
    const other = this.recognize(text);
    if (other && other.procedure.code !== currentCode && other.score >= SWITCH_MIN_SCORE) return undefined;
    // "Còn ly hôn thì cần giấy tờ gì?" is about a procedure the catalog lacks, not the last one.
    if (this.namesMissing(text)) return undefined;
    const aspect = this.detectAspect(text, currentCode);
    return aspect ? `#tthc:${currentCode}:${aspect.aspect.id}` : undefined;
  }

  /**
   * The message without the words that only say "a procedure" or carry nothing ("thủ tục",
   * "được không", "ạ"): "nộp hồ sơ xong có nhận kết quả qua bưu điện được không" → "xong
   * nhận kết quả bưu điện". A sharper query for the plans when the whole message finds nothing.
   */
  topicText(text: string): string {
    return text
      .split(/\s+/u)
      .filter((w) => {
        const f = foldPhrase(w);
        return f.length > 0 && !this.plainWords.has(f);
      })
      .join(' ');
  }

  /** True when the message names a procedure people confuse with a catalogued one but the catalog lacks ("ly hôn"). */
  namesMissing(text: string): boolean {
    const q = ' ' + foldPhrase(text) + ' ';
    return this.procedures.some((p) => this.excludes(p, q));
  }

  private excludes(procedure: Procedure, foldedQuery: string): boolean {
    const keys = this.notForKeys[this.procedures.indexOf(procedure)] ?? [];
    return keys.some((k) => foldedQuery.includes(' ' + k + ' '));
  }

  /** True when the message uses a word that asks to get a procedure done ("thủ tục", "xin", "nộp"). */
  soundsLikeRequest(text: string): boolean {
    const q = ' ' + foldPhrase(text) + ' ';
    return this.requestKeys.some((k) => q.includes(' ' + k + ' '));
  }

  /**
   * True when the message is about public services at large ("tổ công nghệ số cộng đồng",
   * "thanh toán trực tuyến", "qua bưu điện"), a question the plans may answer.
   */
  asksAboutServices(text: string): boolean {
    const q = ' ' + foldPhrase(text) + ' ';
    return this.serviceKeys.some((k) => q.includes(' ' + k + ' '));
  }

  /** True when the message asks what a plan sets ("từ năm nào thì không cấp phép …"), not how to do a procedure. */
  asksWhatPlansSet(text: string): boolean {
    const q = ' ' + foldPhrase(text) + ' ';
    return this.planQuestionKeys.some((k) => q.includes(' ' + k + ' '));
  }

  /**
   * Share of the message's topic words that only say "a procedure" ("nộp hồ sơ thủ tục hành
   * chính qua mạng ở đâu" → 1): a general question, not one about a procedure the catalog lacks.
   */
  genericShare(text: string): number {
    const tokens = this.lexical.queryKeywords(text);
    return tokens.length === 0 ? 1 : tokens.filter((t) => this.neutral.has(t)).length / tokens.length;
  }

  /** Rarity-weighted share of `tokens` present in `set`. */
  private weightedShare(tokens: readonly string[], set: ReadonlySet<string>): number {
    let found = 0;
    let total = 0;
    for (const t of tokens) {
      const w = this.lexical.rarity(t);
      total += w;
      if (set.has(t)) found += w;
    }
    return total > 0 ? found / total : 0;
  }

  /**
   * Share of the message's topic words explained by procedure `i`'s vocabulary or the neutral
   * words (unweighted: colloquial fillers such as "ông nội", "học bạ" are rare but harmless).
   */
  private coverage(i: number, queryTokens: readonly string[]): number {
    if (queryTokens.length === 0) return 0;
    const vocab = this.vocabulary[i]!;
    return queryTokens.filter((t) => vocab.has(t) || this.neutral.has(t)).length / queryTokens.length;
  }

}

function foldPhrase(text: string): string {
  return foldDiacritics(text.toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
