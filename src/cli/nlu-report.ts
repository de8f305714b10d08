/**
 * Rasa-style NLU report: k-fold cross-validation of the intent classifier on the examples
 * in intents/*.yaml, with per-intent precision / recall / F1, the confusion pairs, how the
 * confidence behaves, and how long training and classification take.
 *
 * Why: adding an example can silently steal phrasings from a neighbouring intent; this
 * report is how an editor of the YAML sees that before users do.
 *
 *   npx tsx src/cli/nlu-report.ts [--dir intents] [--k 5] [--seed 7] [--errors]
 *
 * --errors also lists every misclassified example with its predicted intent.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { IntentClassifier } from '../nlu/intent-classifier.ts';
import type { IntentClassifierOptions, TrainingIntent } from '../nlu/intent-classifier.ts';
import { loadIntents } from '../nlu/intents.ts';
import { mulberry32 } from '../core/random.ts';

/** One held-out example and what the classifier said about it. */
export interface CrossValidationCase {
  text: string;
  expected: string;
  predicted: string;
  confidence: number;
  fold: number;
}

/** Per-intent scores, Rasa style. */
export interface IntentMetrics {
  intent: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Everything the report prints, returned so it can be checked or printed differently. */
export interface CrossValidationResult {
  k: number;
  cases: CrossValidationCase[];
  perIntent: IntentMetrics[];
  accuracy: number;
  macroF1: number;
  /** (expected → predicted) pairs with their count, most frequent first. */
  confusions: { expected: string; predicted: string; count: number; samples: string[] }[];
}

/**
 * Stratified, deterministic k-fold split: each intent's examples are shuffled with a
 * seeded PRNG and dealt round-robin into k folds, so every fold holds every intent in
 * proportion and the same seed always gives the same folds.
 */
export function assignFolds(intents: readonly TrainingIntent[], k: number, seed: number): number[][] {
  const random = mulberry32(seed);
  return intents.map((intent) => {
    const order = intent.examples.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = tmp;
    }
    const folds = new Array<number>(intent.examples.length).fill(0);
    order.forEach((exampleIndex, position) => {
      folds[exampleIndex] = position % k;
    });
    return folds;
  });
}

/** Trains k classifiers, each without one fold, and scores every example once, held out. */
export function crossValidate(
  intents: readonly TrainingIntent[],
  k = 5,
  seed = 7,
  options: Partial<IntentClassifierOptions> = {},
): CrossValidationResult {
  const folds = assignFolds(intents, k, seed);
  const cases: CrossValidationCase[] = [];
  for (let fold = 0; fold < k; fold++) {
    const train = intents.map((intent, i) => ({
      name: intent.name,
      examples: intent.examples.filter((_, e) => folds[i]?.[e] !== fold),
    }));
    const classifier = IntentClassifier.train(train, options);
    intents.forEach((intent, i) => {
      intent.examples.forEach((text, e) => {
        if (folds[i]?.[e] !== fold) return;
        const prediction = classifier.classify(text);
        cases.push({ text, expected: intent.name, predicted: prediction.intent, confidence: prediction.confidence, fold });
      });
    });
  }
  const perIntent = intents.map(({ name }) => {
    const tp = cases.filter((c) => c.expected === name && c.predicted === name).length;
    const predicted = cases.filter((c) => c.predicted === name).length;
    const support = cases.filter((c) => c.expected === name).length;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent: name, support, precision, recall, f1 };
  });
  const pairs = new Map<string, { expected: string; predicted: string; count: number; samples: string[] }>();
  for (const c of cases) {
    if (c.expected === c.predicted) continue;
    const key = `${c.expected}\u0000${c.predicted}`;
    const pair = pairs.get(key) ?? { expected: c.expected, predicted: c.predicted, count: 0, samples: [] };
    pair.count++;
    if (pair.samples.length < 3) pair.samples.push(c.text);
    pairs.set(key, pair);
  }
  const confusions = [...pairs.values()].sort(
    (a, b) => b.count - a.count || a.expected.localeCompare(b.expected) || a.predicted.localeCompare(b.predicted),
  );
  const accuracy = cases.filter((c) => c.expected === c.predicted).length / Math.max(cases.length, 1);
  const macroF1 = perIntent.reduce((sum, m) => sum + m.f1, 0) / Math.max(perIntent.length, 1);
  return { k, cases, perIntent, accuracy, macroF1, confusions };
}

/** Median of several runs after a warm-up, so one GC pause does not decide the figure. */
function timeMedian(runs: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(6);
const num = (x: number): string => x.toFixed(3);

/**
 * Probes outside the training data: gibberish should get a confidence near 0 (the
 * damping works); everyday chatter may land on out_of_scope, which is the right answer.
 */
const PROBES = [
  'asdfgh qwerty zxcv',
  'lorem ipsum dolor sit amet',
  '12345',
  'con mèo nhà tôi đang ngủ trên mái nhà',
  'hôm qua tôi đi chợ mua rau muống',
];

function parseArgs(argv: readonly string[]): { dir: string; k: number; seed: number; errors: boolean } {
  const args = { dir: 'intents', k: 5, seed: 7, errors: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--errors') {
      args.errors = true;
    } else if (arg === '--dir' && value !== undefined) {
      args.dir = value;
      i++;
    } else if (arg === '--k' && value !== undefined) {
      args.k = Number.parseInt(value, 10);
      i++;
    } else if (arg === '--seed' && value !== undefined) {
      args.seed = Number.parseInt(value, 10);
      i++;
    } else {
      throw new Error(`Unknown argument "${arg}". Usage: nlu-report [--dir intents] [--k 5] [--seed 7] [--errors]`);
    }
  }
  if (!Number.isInteger(args.k) || args.k < 2) throw new Error('--k must be an integer ≥ 2');
  return args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const intents = loadIntents(args.dir);
  const total = intents.reduce((sum, i) => sum + i.examples.length, 0);
  // Timed first, while nothing is JIT-compiled yet: that is what start-up pays.
  const coldStart = performance.now();
  const full = IntentClassifier.train(intents);
  const cold = performance.now() - coldStart;
  const result = crossValidate(intents, args.k, args.seed);
  const out: string[] = [];
  out.push(`NLU report — ${intents.length} intents, ${total} examples, ${args.k}-fold cross-validation (seed ${args.seed})`);
  out.push('');
  const width = Math.max(...intents.map((i) => i.name.length), 'intent'.length);
  out.push(`${'intent'.padEnd(width)}  support  precision  recall     F1`);
  out.push('-'.repeat(width + 37));
  for (const m of result.perIntent) {
    out.push(
      `${m.intent.padEnd(width)}  ${String(m.support).padStart(7)}  ${num(m.precision).padStart(9)}  ${num(m.recall).padStart(6)}  ${num(m.f1).padStart(5)}`,
    );
  }
  out.push('-'.repeat(width + 37));
  out.push(`accuracy ${pct(result.accuracy)}   macro F1 ${num(result.macroF1)}`);
  const oos = result.perIntent.find((m) => m.intent === 'out_of_scope');
  if (oos) {
    const declined = result.cases.filter((c) => c.predicted === 'out_of_scope' && c.expected !== 'out_of_scope').length;
    out.push(
      `out_of_scope: precision ${num(oos.precision)}, recall ${num(oos.recall)}; in-scope examples wrongly declined: ${declined}`,
    );
  }
  out.push('');
  out.push('Confusions (expected → predicted, count, samples):');
  if (result.confusions.length === 0) out.push('  none');
  for (const c of result.confusions) {
    out.push(`  ${c.expected} → ${c.predicted}: ${c.count}   e.g. ${c.samples.map((s) => `"${s}"`).join('; ')}`);
  }
  out.push('');
  out.push('Confidence of held-out predictions (pick the router threshold here):');
  out.push('  threshold  kept   accuracy of kept');
  for (const threshold of [0.3, 0.4, 0.5, 0.6, 0.7]) {
    const kept = result.cases.filter((c) => c.confidence >= threshold);
    const correct = kept.filter((c) => c.expected === c.predicted).length;
    out.push(`  ${threshold.toFixed(1).padStart(9)}  ${pct(kept.length / result.cases.length)}  ${pct(kept.length === 0 ? 0 : correct / kept.length)}`);
  }
  out.push('');
  out.push('Probes outside the training data (gibberish → confidence ~0; chatter → out_of_scope is fine):');
  for (const text of PROBES) {
    const p = full.classify(text);
    out.push(`  ${num(p.confidence)}  ${p.intent.padEnd(width)}  "${text}"`);
  }
  if (args.errors) {
    out.push('');
    out.push('Misclassified held-out examples:');
    for (const c of result.cases.filter((x) => x.expected !== x.predicted)) {
      out.push(`  [${c.expected} → ${c.predicted} ${num(c.confidence)}] ${c.text}`);
    }
  }
  const trainMs = timeMedian(9, () => IntentClassifier.train(intents));
  const texts = intents.flatMap((i) => i.examples);
  const classifyMs = timeMedian(5, () => {
    for (const text of texts) full.classify(text);
  });
  out.push('');
  out.push(
    `Timing: train on ${total} examples ${cold.toFixed(1)} ms cold (first in this process, as at start-up), ` +
      `${trainMs.toFixed(1)} ms warm (median of 9); ` +
      `classify ${((1000 * classifyMs) / texts.length).toFixed(0)} µs per message on average.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main();
  } catch (error) {
    // Invalid intents or arguments: the message says what to fix; a stack trace would not.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
