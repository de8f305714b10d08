/**
 * Intent classifier trained from the YAML examples at start-up, in milliseconds, with no
 * model file to ship or keep in sync: the examples are the model.
 *
 * Why this shape:
 * - Features are taken from folded text (no diacritics, lower case, digits → 0) so "Tỷ lệ"
 *   and "ty le" look the same, and any room code or year has one shape: word unigrams,
 *   word bigrams (with sentence-boundary markers, so "ai chủ trì…" at the start counts)
 *   and character 4-grams (across word boundaries), which absorb chat spellings and
 *   typos ("dc", "ko", "tthc").
 *   Features are hashed (FNV-1a) so n-grams are never materialised as strings.
 * - Weighting is TF-IDF (sublinear tf), L2-normalised; words and bigrams weigh twice as
 *   much as character n-grams (5-fold cross-validation preferred it).
 * - The model is multinomial logistic regression trained by SGD for a fixed number of
 *   epochs with a fixed shuffle seed: the same examples give the same model, bit for bit.
 * - Softmax alone is over-confident on text unlike anything it has seen (it must share
 *   probability 1 among the known intents), so the confidence is damped by how close the
 *   text is to its nearest training example (cosine similarity over the same features).
 *   Text unlike any intent therefore gets a low confidence, and the router can fall back.
 */
import type { IntentDefinition } from './intents.ts';
import { foldDiacritics, tokenize } from './vietnamese.ts';
import { mulberry32 } from '../core/random.ts';

/** One intent's score in a {@link IntentPrediction} ranking. */
export interface IntentScore {
  intent: string;
  /** Probability damped by similarity to the training data (see {@link IntentPrediction.confidence}). */
  score: number;
}

/** What the classifier says about one message. */
export interface IntentPrediction {
  /** The best intent (ties go to the intent declared first). */
  intent: string;
  /**
   * 0–1: the softmax probability of `intent`, multiplied by a coverage factor that falls
   * to 0 as the text stops resembling any training example. Equal to `ranking[0].score`.
   */
  confidence: number;
  /** Every intent, best first. Scores sum to at most 1 (less when coverage is low). */
  ranking: IntentScore[];
}

/** Tuning knobs; the defaults were chosen with `src/cli/nlu-report.ts` (5-fold CV). */
export interface IntentClassifierOptions {
  /** SGD passes over the examples. */
  epochs: number;
  /** Initial learning rate, decayed linearly to 10% over training. */
  learningRate: number;
  /** L2 penalty per example step. */
  l2: number;
  /** An example already predicted right with at least this probability is not updated (saves time). */
  skipAbove: number;
  /** Shuffle seed; fixed so training is deterministic. */
  seed: number;
  /** Relative weight of word unigrams, word bigrams and character n-grams. */
  wordWeight: number;
  bigramWeight: number;
  charWeight: number;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Cosine similarity to the nearest example at or below which confidence is 0… */
  coverageLow: number;
  /** …and at or above which it is not damped at all. */
  coverageHigh: number;
}

/** Defaults used when {@link IntentClassifier.train} is called without options. */
export const DEFAULT_CLASSIFIER_OPTIONS: Readonly<IntentClassifierOptions> = Object.freeze({
  epochs: 3,
  learningRate: 3.0,
  l2: 1e-4,
  skipAbove: 0.95,
  seed: 20240601,
  wordWeight: 2.0,
  bigramWeight: 2.0,
  charWeight: 1.0,
  charMin: 4,
  charMax: 4,
  coverageLow: 0.05,
  coverageHigh: 0.25,
});

/** Minimal input: the loader's `IntentDefinition` satisfies it, and so do test fixtures. */
export type TrainingIntent = Pick<IntentDefinition, 'name' | 'examples'>;

/**
 * Hashes stay signed 32-bit integers throughout (never `>>> 0`): V8 keeps those unboxed,
 * while uint32 values above 2^31 become heap numbers and make cold start-up code slow.
 */
const FNV_OFFSET = 0x811c9dc5 | 0;
const HASH_MULTIPLIER = 0x9e3779b1 | 0;
const FNV_PRIME = 0x01000193;
/** Feature families, each hashed in its own space. */
const FAMILY_WORD = 0;
const FAMILY_BIGRAM = 1;
const FAMILY_CHAR = 2;
const FAMILY_SEEDS = [0x1e3779b1, 0x05ebca6b, 0x42b2ae35] as const;

/**
 * Open-addressing map from a feature hash to a dense vocabulary index. A `Map` works too
 * but costs most of the training time: uint32 keys are heap numbers to V8.
 */
class HashIndex {
  private keys: Int32Array;
  /** Vocabulary index + 1; 0 marks an empty slot. */
  private slots: Int32Array;
  size = 0;

  /** Sized for `expected` entries up front, so training never rehashes (and never deoptimises). */
  constructor(expected: number) {
    let capacity = 1 << 10;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  /** Index of `hash`, or -1 when it was never added. */
  get(hash: number): number {
    const mask = this.slots.length - 1;
    const key = hash | 0;
    for (let i = Math.imul(key, HASH_MULTIPLIER) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      if (this.keys[i] === key) return slot - 1;
    }
  }

  /** Index of `hash`, adding it as the next index (= previous `size`) when new. */
  getOrAdd(hash: number): number {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    const key = hash | 0;
    for (let i = Math.imul(key, HASH_MULTIPLIER) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) {
        this.keys[i] = key;
        this.slots[i] = ++this.size;
        return this.size - 1;
      }
      if (this.keys[i] === key) return slot - 1;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Int32Array(oldSlots.length * 2);
    this.slots = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const slot = oldSlots[j]!;
      if (slot === 0) continue;
      const key = oldKeys[j]!;
      let i = Math.imul(key, HASH_MULTIPLIER) & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = key;
      this.slots[i] = slot;
    }
  }
}

/**
 * Hashed features of one text, in reusable buffers (extraction runs for every example at
 * start-up and for every message, so it allocates as little as possible).
 */
class FeatureBuffer {
  hashes = new Int32Array(1024);
  families = new Uint8Array(1024);
  length = 0;

  private push(hash: number, family: number): void {
    if (this.length === this.hashes.length) {
      const hashes = new Int32Array(this.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const families = new Uint8Array(this.length * 2);
      families.set(this.families);
      this.families = families;
    }
    this.hashes[this.length] = hash;
    this.families[this.length] = family;
    this.length++;
  }

  private pushString(family: number, text: string): void {
    let h = FNV_OFFSET ^ (FAMILY_SEEDS[family as 0 | 1 | 2] ?? 0);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    this.push(h, family);
  }

  /** Replaces the buffer's content with the features of `text`. */
  extract(text: string, options: IntentClassifierOptions): void {
    this.length = 0;
    this.append(text, options);
  }

  /** Folds the text (no diacritics, lower case, every digit → 0) and appends its hashed features. */
  append(text: string, options: IntentClassifierOptions): void {
    const tokens = tokenize(foldDiacritics(text).replace(/[0-9]/g, '0'));
    if (tokens.length === 0) return;
    let previous = '<s>';
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      this.pushString(FAMILY_WORD, token);
      this.pushString(FAMILY_BIGRAM, `${previous} ${token}`);
      previous = token;
    }
    this.pushString(FAMILY_BIGRAM, `${previous} </s>`);
    // Character n-grams of every length in [charMin, charMax] from each start: FNV-1a is
    // incremental, so the longer grams extend the shorter one's hash (different lengths
    // never collide as strings, so they can share one hash space).
    const joined = ` ${tokens.join(' ')} `;
    const seed = FNV_OFFSET ^ FAMILY_SEEDS[FAMILY_CHAR];
    const { charMin, charMax } = options;
    for (let start = 0; start + charMin <= joined.length; start++) {
      let h = seed;
      const end = Math.min(start + charMax, joined.length);
      for (let i = start; i < end; i++) {
        h = Math.imul(h ^ joined.charCodeAt(i), FNV_PRIME);
        if (i - start + 1 >= charMin) this.push(h, FAMILY_CHAR);
      }
    }
  }
}

function softmaxInPlace(logits: Float64Array): void {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    const e = Math.exp((logits[k] ?? 0) - max);
    logits[k] = e;
    sum += e;
  }
  for (let k = 0; k < logits.length; k++) logits[k] = (logits[k] ?? 0) / sum;
}

/**
 * Logits of one sparse row: out[k] = bias[k] + scale · Σ values[t] · weights[indices[t]·K + k].
 * A small function of its own (not inlined in the training loop) because V8 optimises
 * small hot functions early: training runs once, cold, at start-up. For the same reason
 * the hot loops index with `!` (every index is in range by construction) rather than
 * `?? 0`, which costs extra bytecodes before the code is optimised.
 */
function scoreRow(
  weights: Float64Array,
  bias: Float64Array,
  K: number,
  indices: Int32Array,
  values: Float64Array,
  from: number,
  to: number,
  scale: number,
  out: Float64Array,
): void {
  for (let k = 0; k < K; k++) out[k] = bias[k]!;
  for (let t = from; t < to; t++) {
    const base = indices[t]! * K;
    const x = values[t]! * scale;
    for (let k = 0; k < K; k++) out[k] = out[k]! + x * weights[base + k]!;
  }
}

/** SGD step for one sparse row: weights[indices[t]·K + k] -= step · values[t] · gradient[k]. */
function updateRow(
  weights: Float64Array,
  K: number,
  indices: Int32Array,
  values: Float64Array,
  from: number,
  to: number,
  step: number,
  gradient: Float64Array,
): void {
  for (let t = from; t < to; t++) {
    const base = indices[t]! * K;
    const x = values[t]! * step;
    for (let k = 0; k < K; k++) weights[base + k] = weights[base + k]! - x * gradient[k]!;
  }
}

/**
 * The training examples as sparse rows (CSR) over a vocabulary built on the way.
 *
 * Training is split into small functions on purpose: it runs once, cold, at start-up, and
 * V8 optimises a small function with a hot loop in about a millisecond, while one big
 * function full of loops would be compiled (on-stack) as a whole, on the main thread.
 */
interface TrainingRows {
  vocabulary: HashIndex;
  /** Feature family of each vocabulary entry. */
  family: Uint8Array;
  /** Document frequency of each vocabulary entry. */
  df: Int32Array;
  /** Row e spans [starts[e], starts[e + 1]) of `indices` / `values`. */
  starts: Int32Array;
  indices: Int32Array;
  /** Sublinear tf after {@link buildRows}; normalised TF-IDF after {@link weighRows}. */
  values: Float64Array;
  labels: Int32Array;
}

/** Every example's hashed features, back to back; example e ends at `exampleEnd[e]`. */
function extractAll(
  intents: readonly TrainingIntent[],
  options: IntentClassifierOptions,
): { buffer: FeatureBuffer; exampleEnd: number[]; labelList: number[] } {
  const buffer = new FeatureBuffer();
  const exampleEnd: number[] = [];
  const labelList: number[] = [];
  for (let k = 0; k < intents.length; k++) {
    for (const example of intents[k]?.examples ?? []) {
      buffer.append(example, options);
      exampleEnd.push(buffer.length);
      labelList.push(k);
    }
  }
  return { buffer, exampleEnd, labelList };
}

/** Maps features to a vocabulary and builds the rows, in typed arrays sized up front (no garbage from growing JS arrays). */
function buildRows(intents: readonly TrainingIntent[], options: IntentClassifierOptions): TrainingRows {
  const { buffer, exampleEnd, labelList } = extractAll(intents, options);
  const total = buffer.length;
  const n = labelList.length;
  const vocabulary = new HashIndex(total);
  const family = new Uint8Array(total);
  const df = new Int32Array(total);
  const starts = new Int32Array(n + 1);
  const indices = new Int32Array(total);
  const values = new Float64Array(total);
  const scratch = new Int32Array(total);
  const touched = new Int32Array(total);
  let nnz = 0;
  for (let e = 0, from = 0; e < n; e++) {
    const to = exampleEnd[e]!;
    let touchedCount = 0;
    for (let i = from; i < to; i++) {
      const index = vocabulary.getOrAdd(buffer.hashes[i]!);
      if (scratch[index] === 0) {
        touched[touchedCount++] = index;
        family[index] = buffer.families[i]!;
      }
      scratch[index]!++;
    }
    nnz = appendRow(touched, touchedCount, scratch, df, indices, values, nnz);
    starts[e + 1] = nnz;
    from = to;
  }
  return {
    vocabulary,
    family,
    df,
    starts,
    indices: indices.subarray(0, nnz),
    values: values.subarray(0, nnz),
    labels: Int32Array.from(labelList),
  };
}

/** Writes one example's distinct features and their sublinear tf as a row; resets `scratch`. */
function appendRow(
  touched: Int32Array,
  touchedCount: number,
  scratch: Int32Array,
  df: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  nnz: number,
): number {
  let at = nnz;
  for (let t = 0; t < touchedCount; t++) {
    const index = touched[t]!;
    indices[at] = index;
    values[at] = 1 + Math.log(scratch[index]!);
    at++;
    df[index]!++;
    scratch[index] = 0;
  }
  return at;
}

/** Turns tf into L2-normalised TF-IDF in place; returns the per-feature weights for queries. */
function weighRows(
  rows: TrainingRows,
  options: IntentClassifierOptions,
): { featureWeight: Float64Array; unseenWeight: Float64Array } {
  const familyWeights = Float64Array.of(options.wordWeight, options.bigramWeight, options.charWeight);
  const featureWeight = new Float64Array(rows.vocabulary.size);
  const maxIdf = idfWeights(rows.df, rows.family, rows.labels.length, familyWeights, featureWeight);
  normaliseRows(rows.starts, rows.indices, rows.values, featureWeight);
  return { featureWeight, unseenWeight: familyWeights.map((w) => w * maxIdf) };
}

/** out[f] = family weight × smoothed IDF; returns the largest IDF (given to unseen features). */
function idfWeights(
  df: Int32Array,
  family: Uint8Array,
  n: number,
  familyWeights: Float64Array,
  out: Float64Array,
): number {
  let maxIdf = 1;
  for (let f = 0; f < out.length; f++) {
    const idf = Math.log((1 + n) / (1 + df[f]!)) + 1;
    if (idf > maxIdf) maxIdf = idf;
    out[f] = familyWeights[family[f]!]! * idf;
  }
  return maxIdf;
}

/** values ← tf × weight, then each row scaled to unit length. */
function normaliseRows(starts: Int32Array, indices: Int32Array, values: Float64Array, weight: Float64Array): void {
  for (let e = 0; e + 1 < starts.length; e++) {
    const from = starts[e]!;
    const to = starts[e + 1]!;
    let norm = 0;
    for (let t = from; t < to; t++) {
      const v = values[t]! * weight[indices[t]!]!;
      values[t] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let t = from; t < to; t++) values[t] = values[t]! / norm;
  }
}

/**
 * Multinomial logistic regression by SGD: fixed epochs, seeded shuffle, linearly decayed
 * learning rate, L2 applied lazily through a global scale (weights = scale × stored).
 */
function fitLogisticRegression(
  rows: TrainingRows,
  K: number,
  options: IntentClassifierOptions,
): { weights: Float64Array; bias: Float64Array; scale: number } {
  const { starts, indices, values, labels } = rows;
  const n = labels.length;
  const weights = new Float64Array(rows.vocabulary.size * K);
  const bias = new Float64Array(K);
  const probs = new Float64Array(K);
  const random = mulberry32(options.seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const totalSteps = Math.max(options.epochs * n, 1);
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (let o = 0; o < n; o++) {
      const e = order[o]!;
      const lr = options.learningRate * (1 - (0.9 * step) / totalSteps);
      step++;
      const from = starts[e]!;
      const to = starts[e + 1]!;
      const label = labels[e]!;
      scoreRow(weights, bias, K, indices, values, from, to, scale, probs);
      softmaxInPlace(probs);
      scale *= 1 - lr * options.l2;
      if (probs[label]! >= options.skipAbove) continue;
      probs[label]! -= 1; // now the gradient of the loss w.r.t. the logits
      updateRow(weights, K, indices, values, from, to, lr / scale, probs);
      for (let k = 0; k < K; k++) bias[k]! -= lr * probs[k]!;
      if (scale < 1e-6) {
        for (let w = 0; w < weights.length; w++) weights[w]! *= scale;
        scale = 1;
      }
    }
  }
  return { weights, bias, scale };
}

/** Fisher–Yates with the seeded PRNG. */
function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
}

/** The same rows indexed by feature (CSR transposed), for nearest-example similarity. */
function buildPostings(rows: TrainingRows): {
  postingStart: Int32Array;
  postingExample: Int32Array;
  postingValue: Float64Array;
} {
  const { starts, indices, values } = rows;
  const postingStart = countPostings(indices, rows.vocabulary.size);
  const postingExample = new Int32Array(indices.length);
  const postingValue = new Float64Array(indices.length);
  fillPostings(starts, indices, values, postingStart.slice(0, -1), postingExample, postingValue);
  return { postingStart, postingExample, postingValue };
}

/** Start offset of each feature's posting list (prefix sums of document frequencies). */
function countPostings(indices: Int32Array, V: number): Int32Array {
  const start = new Int32Array(V + 1);
  for (let t = 0; t < indices.length; t++) start[indices[t]! + 1]!++;
  for (let f = 0; f < V; f++) start[f + 1]! += start[f]!;
  return start;
}

/** Writes (example, value) into each feature's posting list; `fill` is the next free slot per feature. */
function fillPostings(
  starts: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  fill: Int32Array,
  postingExample: Int32Array,
  postingValue: Float64Array,
): void {
  for (let e = 0; e + 1 < starts.length; e++) {
    const to = starts[e + 1]!;
    for (let t = starts[e]!; t < to; t++) {
      const at = fill[indices[t]!]!++;
      postingExample[at] = e;
      postingValue[at] = values[t]!;
    }
  }
}

/** A message as the model sees it, over the training vocabulary. */
interface QueryVector {
  indices: Int32Array;
  /** Normalised over known features only (standard TF-IDF); fed to the linear model. */
  modelValues: Float64Array;
  /**
   * Same features normalised over known and unseen features: a text made mostly of
   * n-grams never seen in training gets a short vector, hence a low similarity to every
   * example. Used for the nearest-example similarity only.
   */
  similarityValues: Float64Array;
}

/** Everything {@link IntentClassifier} keeps after training. */
interface TrainedModel {
  intentNames: string[];
  options: IntentClassifierOptions;
  vocabulary: HashIndex;
  /** Family weight × IDF, per vocabulary entry. */
  featureWeight: Float64Array;
  /** Per family: the weight of a feature never seen in training (as rare as can be). */
  unseenWeight: Float64Array;
  /** Weights, feature-major: weights[feature * K + k], times `weightScale`. */
  weights: Float64Array;
  weightScale: number;
  bias: Float64Array;
  /** Training vectors indexed by feature (CSR), for nearest-example similarity. */
  postingStart: Int32Array;
  postingExample: Int32Array;
  postingValue: Float64Array;
  exampleCount: number;
}

/**
 * Trains in a few tens of milliseconds from the intent examples and classifies a message
 * in well under a millisecond, so the router can retrain whenever the intents change.
 *
 * @example
 * const classifier = IntentClassifier.train(loadIntents('intents'));
 * classifier.classify('quen mat khau dich vu cong'); // { intent: 'procedure_question', … }
 */
export class IntentClassifier {
  /** Intent names in the order they were given (index = class id). */
  readonly intentNames: readonly string[];
  readonly options: Readonly<IntentClassifierOptions>;
  private readonly model: TrainedModel;
  private readonly buffer = new FeatureBuffer();

  private constructor(model: TrainedModel) {
    this.model = model;
    this.intentNames = model.intentNames;
    this.options = model.options;
  }

  /**
   * Builds the vocabulary, IDF, logistic-regression weights and the nearest-example index
   * from the intents' examples. Deterministic for the same input and options. Throws when
   * names repeat or fewer than two intents have examples (there would be nothing to decide).
   */
  static train(intents: readonly TrainingIntent[], options: Partial<IntentClassifierOptions> = {}): IntentClassifier {
    const opts: IntentClassifierOptions = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    const intentNames = intents.map((i) => i.name);
    if (new Set(intentNames).size !== intentNames.length) {
      throw new Error('IntentClassifier.train: intent names must be unique');
    }
    if (intents.filter((i) => i.examples.length > 0).length < 2) {
      throw new Error('IntentClassifier.train: at least two intents with examples are needed');
    }
    const rows = buildRows(intents, opts);
    const { featureWeight, unseenWeight } = weighRows(rows, opts);
    const { weights, bias, scale } = fitLogisticRegression(rows, intentNames.length, opts);
    return new IntentClassifier({
      intentNames,
      options: opts,
      vocabulary: rows.vocabulary,
      featureWeight,
      unseenWeight,
      weights,
      weightScale: scale,
      bias,
      ...buildPostings(rows),
      exampleCount: rows.labels.length,
    });
  }

  /**
   * Ranks every intent for one message. Empty or unfamiliar text gets a confidence near
   * 0; callers compare `confidence` with their own threshold before trusting `intent`.
   */
  classify(text: string): IntentPrediction {
    const m = this.model;
    const K = m.intentNames.length;
    const query = this.vectorize(text);
    const probs = new Float64Array(K);
    scoreRow(m.weights, m.bias, K, query.indices, query.modelValues, 0, query.indices.length, m.weightScale, probs);
    softmaxInPlace(probs);
    const coverage = this.coverage(this.nearest(query));
    const ranking: IntentScore[] = m.intentNames.map((intent, k) => ({ intent, score: (probs[k] ?? 0) * coverage }));
    ranking.sort((a, b) => b.score - a.score); // stable: ties keep declaration order
    const top = ranking[0] as IntentScore;
    return { intent: top.intent, confidence: top.score, ranking };
  }

  /**
   * Cosine similarity between a message and its nearest training example (0–1), the
   * basis of the confidence damping; exposed for calibration reports.
   */
  nearestSimilarity(text: string): number {
    return this.nearest(this.vectorize(text));
  }

  private vectorize(text: string): QueryVector {
    const m = this.model;
    const buffer = this.buffer;
    buffer.extract(text, m.options);
    const counts = new Map<number, number>();
    const unseen = new Map<number, { count: number; family: number }>();
    for (let i = 0; i < buffer.length; i++) {
      const hash = buffer.hashes[i] ?? 0;
      const index = m.vocabulary.get(hash);
      if (index >= 0) counts.set(index, (counts.get(index) ?? 0) + 1);
      else {
        const entry = unseen.get(hash);
        if (entry) entry.count++;
        else unseen.set(hash, { count: 1, family: buffer.families[i] ?? FAMILY_CHAR });
      }
    }
    const indices = new Int32Array(counts.size);
    const modelValues = new Float64Array(counts.size);
    const similarityValues = new Float64Array(counts.size);
    let knownNorm = 0;
    let t = 0;
    for (const [index, count] of counts) {
      const v = (1 + Math.log(count)) * (m.featureWeight[index] ?? 0);
      indices[t] = index;
      modelValues[t] = v;
      knownNorm += v * v;
      t++;
    }
    let unseenNorm = 0;
    for (const { count, family } of unseen.values()) {
      const v = (1 + Math.log(count)) * (m.unseenWeight[family] ?? 0);
      unseenNorm += v * v;
    }
    const fullNorm = Math.sqrt(knownNorm + unseenNorm) || 1;
    knownNorm = Math.sqrt(knownNorm) || 1;
    for (let i = 0; i < t; i++) {
      similarityValues[i] = (modelValues[i] ?? 0) / fullNorm;
      modelValues[i] = (modelValues[i] ?? 0) / knownNorm;
    }
    return { indices, modelValues, similarityValues };
  }

  /** Best cosine similarity to any training example. */
  private nearest(query: QueryVector): number {
    const m = this.model;
    const sims = new Float64Array(m.exampleCount);
    for (let t = 0; t < query.indices.length; t++) {
      const f = query.indices[t] ?? 0;
      const x = query.similarityValues[t] ?? 0;
      const end = m.postingStart[f + 1] ?? 0;
      for (let p = m.postingStart[f] ?? 0; p < end; p++) {
        const e = m.postingExample[p] ?? 0;
        sims[e] = (sims[e] ?? 0) + x * (m.postingValue[p] ?? 0);
      }
    }
    let best = 0;
    for (const s of sims) if (s > best) best = s;
    return best;
  }

  private coverage(similarity: number): number {
    const { coverageLow: low, coverageHigh: high } = this.model.options;
    if (similarity >= high) return 1;
    if (similarity <= low) return 0;
    return (similarity - low) / (high - low);
  }
}
