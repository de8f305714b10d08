/**
 * Trains the static embedding model: syllable vocabulary → windowed co-occurrence → PPMI →
 * randomized truncated SVD → centred, SIF-weighted syllable vectors; then thesaurus variants
 * ("csdl", "online") are tied to their expansions and diacritic-free spellings ("ty") get the
 * frequency-weighted mean of their accented forms. Mean pooling over these vectors is the
 * whole model at run time, so the weighting here is what makes content words count.
 */
import type { ThesaurusPair, TrainingCorpus } from './corpus.ts';
import { SeededRandom, csrFromRows, randomizedSvd } from './linalg.ts';
import { foldSyllable, tonePlacements } from './syllables.ts';
import { PAD_TOKEN, UNK_TOKEN, type ModelVocabulary } from './tokenizer-json.ts';

/** Knobs of the trainer; defaults are what `npm run model:build` uses. */
export interface TrainOptions {
  dim: number;
  seed: number;
  /** Co-occurrence window on each side, weighted 1/distance. */
  window: number;
  /** Minimum count for a syllable to get its own vector. */
  minCount: number;
  /** Context-distribution smoothing exponent (Levy et al. 2015). */
  contextAlpha: number;
  /** Singular-value exponent: vectors = U·S^p. */
  eigenPower: number;
  /** SIF smoothing `a` in a / (a + p(w)). */
  sifA: number;
  /** Max augmented sentences per thesaurus (canonical, variant) pair and direction. */
  augmentCap: number;
  /** Extra weight of an unaccented syllable's own vector when it shares its spelling with folded forms. */
  foldSelfBoost: number;
  /** Folded vectors weight each accented spelling by count^foldCountPower (1 = by frequency). */
  foldCountPower: number;
  /** Share of its folded spelling's vector mixed into each accented syllable (0 = none). */
  foldShare: number;
  powerIterations: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  dim: 256,
  seed: 20240601,
  window: 5,
  minCount: 1,
  contextAlpha: 0.75,
  eigenPower: 0.5,
  sifA: 1e-3,
  augmentCap: 40,
  foldSelfBoost: 2,
  foldCountPower: 1,
  foldShare: 0.25,
  powerIterations: 4,
};

/** A trained model ready for export. */
export interface TrainedModel {
  vocab: ModelVocabulary;
  /** Row-major `tokens.length × dim` float32 matrix; rows of [PAD]/[UNK] are zero. */
  matrix: Float32Array;
  dim: number;
  stats: {
    sentences: number;
    augmentedSentences: number;
    corpusTokens: number;
    trainedSyllables: number;
    variantTokens: number;
    foldedTokens: number;
    aliasSpellings: number;
    svdRank: number;
  };
}

function indexOfSequence(haystack: string[], needle: string[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Replaces every occurrence of `from` by `to` and crops the result to the replaced span(s)
 * ± `margin` syllables: augmentation only needs the variant's own contexts, and whole
 * copied sentences would inflate every other word's counts.
 */
function replaceSequence(sentence: string[], from: string[], to: string[], margin: number): string[] {
  const out: string[] = [];
  let first = -1;
  let last = -1;
  let i = 0;
  while (i < sentence.length) {
    const at = indexOfSequence(sentence, from, i);
    if (at < 0) break;
    out.push(...sentence.slice(i, at));
    if (first < 0) first = out.length;
    out.push(...to);
    last = out.length;
    i = at + from.length;
  }
  out.push(...sentence.slice(i));
  if (first < 0) return out;
  return out.slice(Math.max(0, first - margin), last + margin);
}

/**
 * Thesaurus augmentation: copies of corpus sentences with a canonical phrase replaced by a
 * variant and vice versa, so variants get contexts (and appear as contexts) like their meaning.
 */
export function augmentWithThesaurus(
  sentences: string[][],
  thesaurus: ThesaurusPair[],
  cap: number,
  margin: number,
  rng: SeededRandom,
): string[][] {
  const out: string[][] = [];
  const withSeq = (seq: string[]): number[] => {
    const hits: number[] = [];
    sentences.forEach((s, i) => {
      if (indexOfSequence(s, seq, 0) >= 0) hits.push(i);
    });
    return hits;
  };
  for (const pair of thesaurus) {
    const canonHits = withSeq(pair.canonical);
    for (const variant of pair.variants) {
      for (const i of rng.shuffle([...canonHits]).slice(0, cap)) {
        out.push(replaceSequence(sentences[i] as string[], pair.canonical, variant, margin));
      }
      for (const i of rng.shuffle(withSeq(variant)).slice(0, cap)) {
        out.push(replaceSequence(sentences[i] as string[], variant, pair.canonical, margin));
      }
      // A variant never seen in the corpus still gets one context: its canonical phrase.
      out.push([...variant, ...pair.canonical]);
    }
  }
  return out;
}

const byCountThenSpelling =
  (counts: Map<string, number>) =>
  (a: string, b: string): number =>
    (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);

function normalizeRow(m: Float64Array, row: number, dim: number): void {
  let n = 0;
  for (let j = 0; j < dim; j++) n += (m[row * dim + j] as number) ** 2;
  n = Math.sqrt(n);
  if (n > 0) for (let j = 0; j < dim; j++) m[row * dim + j] = (m[row * dim + j] as number) / n;
}

/**
 * Trains the model from a loaded corpus. Pure and deterministic: the same corpus and
 * options give the same vocabulary and bit-identical vectors.
 */
export function trainStaticEmbeddings(corpus: TrainingCorpus, options: Partial<TrainOptions> = {}): TrainedModel {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const rng = new SeededRandom(o.seed);
  const augmented = augmentWithThesaurus(corpus.sentences, corpus.thesaurus, o.augmentCap, o.window, rng);
  const sentences = [...corpus.sentences, ...augmented];

  // 1. Vocabulary of trained syllables.
  const counts = new Map<string, number>();
  const corpusCounts = new Map<string, number>();
  for (const s of sentences) for (const t of s) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const s of corpus.sentences) for (const t of s) corpusCounts.set(t, (corpusCounts.get(t) ?? 0) + 1);
  const trained = [...counts.keys()].filter((t) => (counts.get(t) ?? 0) >= o.minCount).sort(byCountThenSpelling(counts));
  const rowOf = new Map<string, number>();
  trained.forEach((t, i) => rowOf.set(t, i));
  const n = trained.length;
  // Word probabilities (for SIF and centring) come from the real corpus, not the augmentation;
  // a syllable seen only in augmented text counts as seen once.
  let totalTokens = 0;
  for (const t of trained) totalTokens += Math.max(1, corpusCounts.get(t) ?? 0);
  const probability = (t: string): number => Math.max(1, corpusCounts.get(t) ?? 0) / totalTokens;

  // 2. Windowed co-occurrence, 1/distance weighted, symmetric.
  const cooc: Array<Map<number, number>> = Array.from({ length: n }, () => new Map<number, number>());
  for (const s of sentences) {
    const ids = s.map((t) => rowOf.get(t) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i] as number;
      if (a < 0) continue;
      for (let d = 1; d <= o.window && i + d < ids.length; d++) {
        const b = ids[i + d] as number;
        if (b < 0) continue;
        const w = 1 / d;
        const ra = cooc[a] as Map<number, number>;
        const rb = cooc[b] as Map<number, number>;
        ra.set(b, (ra.get(b) ?? 0) + w);
        rb.set(a, (rb.get(a) ?? 0) + w);
      }
    }
  }

  // 3. PPMI with smoothed context distribution.
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (const [j, v] of cooc[i] as Map<number, number>) {
      rowSum[i] = (rowSum[i] as number) + v;
      colSum[j] = (colSum[j] as number) + v;
      total += v;
    }
  }
  let alphaTotal = 0;
  for (let j = 0; j < n; j++) alphaTotal += (colSum[j] as number) ** o.contextAlpha;
  const ppmiRows: Array<Map<number, number>> = cooc.map((row, i) => {
    const out = new Map<number, number>();
    const pw = (rowSum[i] as number) / total;
    for (const [j, v] of row) {
      const pc = (colSum[j] as number) ** o.contextAlpha / alphaTotal;
      const pmi = Math.log(v / total / (pw * pc));
      if (pmi > 0) out.set(j, pmi);
    }
    return out;
  });
  const ppmi = csrFromRows(ppmiRows, n);

  // 4. Truncated SVD → U·S^p.
  const rank = Math.max(1, Math.min(o.dim, n - 1));
  const svd = randomizedSvd(ppmi, rank, { rng, powerIterations: o.powerIterations });
  const dim = o.dim;
  const vec = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < svd.rank; c++) {
      vec[i * dim + c] = (svd.u[i * svd.rank + c] as number) * (svd.s[c] as number) ** o.eigenPower;
    }
    normalizeRow(vec, i, dim);
  }

  // 5. Remove the frequency-weighted common direction, renormalise, weight by SIF.
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const p = probability(trained[i] as string);
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + p * (vec[i * dim + j] as number);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) vec[i * dim + j] = (vec[i * dim + j] as number) - (mean[j] as number);
    normalizeRow(vec, i, dim);
    const p = probability(trained[i] as string);
    const sif = o.sifA / (o.sifA + p);
    for (let j = 0; j < dim; j++) vec[i * dim + j] = (vec[i * dim + j] as number) * sif;
  }

  // Vectors keyed by spelling from here on (variants and folded forms may be new spellings).
  const vectors = new Map<string, Float64Array>();
  trained.forEach((t, i) => vectors.set(t, vec.slice(i * dim, (i + 1) * dim)));

  // 6. Tie single-syllable thesaurus variants to the SUM of their canonical syllables' vectors:
  //    mean pooling then gives "csdl đất đai" the same direction as "cơ sở dữ liệu đất đai".
  const variantSums = new Map<string, { sum: Float64Array; entries: number }>();
  for (const pair of corpus.thesaurus) {
    const parts = pair.canonical.map((t) => vectors.get(t)).filter((v): v is Float64Array => v !== undefined);
    if (parts.length === 0) continue;
    const sum = new Float64Array(dim);
    for (const p of parts) for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (p[j] as number);
    for (const variant of pair.variants) {
      if (variant.length !== 1) continue;
      const key = variant[0] as string;
      const acc = variantSums.get(key) ?? { sum: new Float64Array(dim), entries: 0 };
      for (let j = 0; j < dim; j++) acc.sum[j] = (acc.sum[j] as number) + (sum[j] as number);
      acc.entries++;
      variantSums.set(key, acc);
    }
  }
  const variantKeys = [...variantSums.keys()].sort();
  for (const key of variantKeys) {
    const { sum, entries } = variantSums.get(key) as { sum: Float64Array; entries: number };
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) / entries;
    const own = vectors.get(key);
    const c = corpusCounts.get(key) ?? 0;
    const lambda = own ? (0.5 * c) / (c + 20) : 0;
    if (own && lambda > 0) {
      let ns = 0;
      let no = 0;
      for (let j = 0; j < dim; j++) {
        ns += (sum[j] as number) ** 2;
        no += (own[j] as number) ** 2;
      }
      const scale = no > 0 ? Math.sqrt(ns / no) : 0;
      for (let j = 0; j < dim; j++) sum[j] = (1 - lambda) * (sum[j] as number) + lambda * scale * (own[j] as number);
    }
    vectors.set(key, sum);
  }

  // 7. Diacritic-free spellings: frequency-weighted mean of every spelling that folds to them.
  const foldGroups = new Map<string, string[]>();
  for (const t of [...vectors.keys()].sort()) {
    const f = foldSyllable(t);
    const g = foldGroups.get(f) ?? [];
    g.push(t);
    foldGroups.set(f, g);
  }
  const foldedVectors = new Map<string, Float64Array>();
  for (const [f, group] of foldGroups) {
    if (group.length === 1 && group[0] === f) continue;
    const acc = new Float64Array(dim);
    let wsum = 0;
    for (const t of group) {
      const w = Math.max(1, corpusCounts.get(t) ?? 0) ** o.foldCountPower * (t === f ? o.foldSelfBoost : 1);
      const v = vectors.get(t) as Float64Array;
      for (let j = 0; j < dim; j++) acc[j] = (acc[j] as number) + w * (v[j] as number);
      wsum += w;
    }
    for (let j = 0; j < dim; j++) acc[j] = (acc[j] as number) / wsum;
    foldedVectors.set(f, acc);
  }
  if (o.foldShare > 0) {
    for (const t of [...vectors.keys()].sort()) {
      const fv = foldedVectors.get(foldSyllable(t));
      if (!fv || foldSyllable(t) === t) continue;
      const v = vectors.get(t) as Float64Array;
      for (let j = 0; j < dim; j++) v[j] = (1 - o.foldShare) * (v[j] as number) + o.foldShare * (fv[j] as number);
    }
  }
  for (const [f, v] of foldedVectors) vectors.set(f, v);

  // 8. Ids: specials, trained syllables by frequency, then new spellings alphabetically.
  const tokens = [PAD_TOKEN, UNK_TOKEN, ...trained];
  const known = new Set(tokens);
  const extra = [...vectors.keys()].filter((t) => !known.has(t)).sort();
  tokens.push(...extra);
  const idOf = new Map<string, number>();
  tokens.forEach((t, i) => idOf.set(t, i));
  const aliases: Array<[string, number]> = [];
  const aliased = new Set<string>();
  for (const t of tokens) {
    for (const spelling of tonePlacements(t)) {
      if (idOf.has(spelling) || aliased.has(spelling)) continue;
      aliased.add(spelling);
      aliases.push([spelling, idOf.get(t) as number]);
    }
  }

  const matrix = new Float32Array(tokens.length * dim);
  tokens.forEach((t, i) => {
    const v = vectors.get(t);
    if (v) for (let j = 0; j < dim; j++) matrix[i * dim + j] = v[j] as number;
  });

  return {
    vocab: { tokens, aliases },
    matrix,
    dim,
    stats: {
      sentences: corpus.sentences.length,
      augmentedSentences: augmented.length,
      corpusTokens: totalTokens,
      trainedSyllables: n,
      variantTokens: variantKeys.length,
      foldedTokens: extra.filter((t) => foldedVectors.has(t)).length,
      aliasSpellings: aliases.length,
      svdRank: svd.rank,
    },
  };
}
