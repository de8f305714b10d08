/**
 * BM25 over Vietnamese syllables and syllable bigrams, each in accented and folded form.
 *
 * Why both forms: "tỷ lệ" typed with diacritics should prefer the exact words, while
 * "ty le" typed without them must still find "tỷ lệ". Bigrams matter because Vietnamese
 * words are mostly two syllables ("dữ liệu", "trực tuyến"): a bigram match is a word match.
 */
import { foldDiacritics, hasDiacritics } from '../nlu/vietnamese.ts';

/** Turns text into canonical syllables (the Vietnamese analyzer with its thesaurus). */
export type Analyzer = (text: string, mode: 'query' | 'document') => string[];

export interface LexicalHit {
  /** Position of the document in the array given to `build`. */
  index: number;
  score: number;
  /** Share of the query's topic syllables found in the document, weighted by rarity (0..1). */
  coverage: number;
}

interface Posting {
  doc: number;
  tf: number;
}

const K1 = 1.2;
const B = 0.75;
/** Bigrams carry more evidence than single syllables. */
const BIGRAM_BOOST = 1.5;
/** An exact accented match counts a little more than a folded one. */
const ACCENTED_BOOST = 0.4;

/** Syllables that carry no topic: question words and glue. They still count in bigrams. */
const QUERY_GLUE = new Set(
  [
    'ai', 'gì', 'gi', 'nào', 'nao', 'bao', 'nhiêu', 'nhieu', 'là', 'la', 'của', 'cua', 'và', 'va', 'các', 'cac',
    'những', 'nhung', 'do', 'được', 'duoc', 'có', 'co', 'không', 'khong', 'thì', 'thi', 'với', 'voi', 'cho',
    'về', 've', 'trong', 'ở', 'o', 'đâu', 'dau', 'hãy', 'hay', 'ạ', 'a', 'nhé', 'nhe', 'ơi', 'oi', 'thế', 'the',
    'sao', 'như', 'nhu', 'tôi', 'toi', 'em', 'mình', 'minh', 'muốn', 'muon', 'biết', 'biet', 'cho', 'xin',
  ].map((w) => w.normalize('NFC')),
);

/** "70%" also means "phần trăm", so "bao nhiêu phần trăm" finds a target written as a number. */
const PERCENT = /^\d+(?:[.,]\d+)?%$/;

export function withPercentWords(tokens: readonly string[]): string[] {
  if (!tokens.some((t) => PERCENT.test(t))) return [...tokens];
  return tokens.flatMap((t) => (PERCENT.test(t) ? [t, 'phần', 'trăm'] : [t]));
}

export function termsOf(tokens: readonly string[], accented: boolean): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (t: string, w: number) => terms.set(t, (terms.get(t) ?? 0) + w);
  const folded = tokens.map((t) => foldDiacritics(t));
  for (let i = 0; i < tokens.length; i++) {
    const f = folded[i]!;
    add('f:' + f, 1);
    if (accented) add('a:' + tokens[i]!, 1);
    if (i + 1 < tokens.length) {
      add('F:' + f + ' ' + folded[i + 1]!, 1);
      if (accented) add('A:' + tokens[i]! + ' ' + tokens[i + 1]!, 1);
    }
  }
  return terms;
}

function termWeight(term: string): number {
  const bigram = term[0] === 'F' || term[0] === 'A';
  const accented = term[0] === 'a' || term[0] === 'A';
  return (bigram ? BIGRAM_BOOST : 1) * (accented ? ACCENTED_BOOST : 1);
}

export class LexicalIndex {
  private constructor(
    private readonly postings: Map<string, Posting[]>,
    private readonly docLengths: Float64Array,
    private readonly avgLength: number,
    private readonly foldedSets: Array<Set<string>>,
    private readonly foldedBigramSets: Array<Set<string>>,
    private readonly analyzer: Analyzer,
  ) {}

  /** Builds the index over the given texts (their order is the hit `index`). */
  static build(texts: readonly string[], analyzer: Analyzer): LexicalIndex {
    const postings = new Map<string, Posting[]>();
    const docLengths = new Float64Array(texts.length);
    const foldedSets: Array<Set<string>> = [];
    const foldedBigramSets: Array<Set<string>> = [];
    texts.forEach((text, doc) => {
      const tokens = withPercentWords(analyzer(text, 'document'));
      docLengths[doc] = tokens.length;
      const folded = tokens.map((t) => foldDiacritics(t));
      foldedSets.push(new Set(folded));
      foldedBigramSets.push(new Set(folded.slice(1).map((t, i) => folded[i] + ' ' + t)));
      for (const [term, tf] of termsOf(tokens, true)) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push({ doc, tf });
      }
    });
    const total = docLengths.reduce((s, n) => s + n, 0);
    return new LexicalIndex(postings, docLengths, texts.length ? total / texts.length : 1, foldedSets, foldedBigramSets, analyzer);
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Distinct topic syllables of a query, folded: what coverage is measured against. */
  queryKeywords(query: string): string[] {
    const tokens = this.analyzer(query, 'query');
    return [...new Set(tokens.map((t) => foldDiacritics(t)).filter((t) => !QUERY_GLUE.has(t)))];
  }

  /**
   * Pairs of adjacent topic syllables (folded): most Vietnamese words have two syllables, so
   * these are the question's words. "lương tối thiểu" → ["luong toi", "toi thieu"].
   */
  queryPhrases(query: string): string[] {
    const tokens = this.analyzer(query, 'query').map((t) => foldDiacritics(t));
    const phrases = new Set<string>();
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (!QUERY_GLUE.has(tokens[i]!) && !QUERY_GLUE.has(tokens[i + 1]!)) phrases.add(tokens[i] + ' ' + tokens[i + 1]);
    }
    return [...phrases];
  }

  /** Share of `phrases` (from `queryPhrases`) found in document `index`; undefined when there are none. */
  phraseCoverage(index: number, phrases: readonly string[]): number | undefined {
    if (phrases.length === 0) return undefined;
    const set = this.foldedBigramSets[index]!;
    return phrases.filter((p) => set.has(p)).length / phrases.length;
  }

  search(query: string, limit = 20, filter?: (index: number) => boolean): LexicalHit[] {
    const tokens = this.analyzer(query, 'query');
    if (tokens.length === 0) return [];
    const queryTerms = termsOf(tokens, hasDiacritics(query));
    const n = this.docLengths.length;
    const scores = new Map<number, number>();
    for (const [term, qtf] of queryTerms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const unigram = term[0] === 'f' || term[0] === 'a';
      if (unigram && QUERY_GLUE.has(term.slice(2))) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      const w = termWeight(term) * idf * Math.min(qtf, 2);
      for (const { doc, tf } of list) {
        if (filter && !filter(doc)) continue;
        const len = this.docLengths[doc]!;
        const s = (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / this.avgLength));
        scores.set(doc, (scores.get(doc) ?? 0) + w * s);
      }
    }
    const keywords = [...new Set(tokens.map((t) => foldDiacritics(t)).filter((t) => !QUERY_GLUE.has(t)))];
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([index, score]) => ({ index, score, coverage: this.coverage(index, keywords) }));
  }

  /**
   * Share of `keywords` (folded) that occur in document `index`, each weighted by its rarity
   * in the collection: "Bắc Giang" or "tỉnh" found everywhere prove little, while a word the
   * documents never use ("thời tiết") weighs most when it is missing.
   */
  coverage(index: number, keywords: readonly string[]): number {
    if (keywords.length === 0) return 0;
    const set = this.foldedSets[index]!;
    let found = 0;
    let total = 0;
    for (const k of keywords) {
      const w = this.rarity(k);
      total += w;
      if (set.has(k)) found += w;
    }
    return total > 0 ? found / total : 0;
  }

  /** BM25's idf of a folded syllable (a syllable no document has gets the highest weight). */
  rarity(folded: string): number {
    const df = this.postings.get('f:' + folded)?.length ?? 0;
    const n = this.docLengths.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}
