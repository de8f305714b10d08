/**
 * Builds the bundled embedding model end to end: load corpus → train → write a
 * transformers.js model folder (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx, README.md). No timestamps or absolute paths go into the files, so the
 * same inputs give byte-identical output.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, type CorpusSources } from './corpus.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, embeddingLookupModel, writeOnnxModel } from './onnx-writer.ts';
import { SYLLABLE_PATTERN } from './syllables.ts';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer-json.ts';
import { DEFAULT_TRAIN_OPTIONS, trainStaticEmbeddings, type TrainOptions, type TrainedModel } from './train.ts';

/** Name of the model, written into config and README. */
export const MODEL_NAME = 'bg-static-vi';

/** Bump when the trainer or export format changes meaning (recorded in config.json). */
export const MODEL_FORMAT_VERSION = 1;

/** Longest input the tokenizer keeps; a lookup model has no position limit, this only caps work. */
export const MAX_LENGTH = 512;

/** Inputs and options of a build. */
export interface BuildModelOptions extends CorpusSources {
  outDir: string;
  train?: Partial<TrainOptions>;
}

/** What a build reports (the CLI prints it). */
export interface BuildModelResult {
  outDir: string;
  corpusHash: string;
  files: Record<string, { bytes: number; sha256: string }>;
  stats: TrainedModel['stats'] & { vocabSize: number; dim: number };
  millis: { load: number; train: number; write: number; total: number };
}

function modelConfigJson(model: TrainedModel, corpusHash: string, options: TrainOptions): string {
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: model.dim,
    vocab_size: model.vocab.tokens.length,
    max_position_embeddings: MAX_LENGTH,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    pad_token_id: 0,
    'transformers.js_config': { dtype: 'fp32' },
    bg_static_vi: {
      description: 'Static syllable embeddings (lookup + mean pooling); see README.md.',
      format_version: MODEL_FORMAT_VERSION,
      pooling: 'mean',
      normalize: true,
      corpus_sha256: corpusHash,
      train_options: options,
    },
  };
  return JSON.stringify(config, null, 2) + '\n';
}

function readme(model: TrainedModel, corpusHash: string, files: string[], trainOptions: TrainOptions): string {
  const s = model.stats;
  return `# ${MODEL_NAME}: static Vietnamese syllable embeddings for the Bắc Giang assistant

A Model2Vec-style static embedding model built by this project from text it ships: a
sentence vector is the **mean of its syllables' vectors** (then L2-normalised). No network,
no GPU, well under a millisecond per query. It exists because no pretrained multilingual model can
be downloaded in the deployment environment; any transformers.js model folder (e.g.
multilingual-e5-small) can replace it through \`EMBEDDING_MODEL_DIR\`.

## Files (transformers.js layout)

- \`config.json\` — \`model_type: bert\` so \`AutoModel\` / \`pipeline('feature-extraction')\` accept it.
- \`tokenizer.json\` — WordLevel vocabulary, NFC + Lowercase normalizer, Split pre-tokenizer on
  \`${SYLLABLE_PATTERN}\` (Vietnamese syllables, numbers). Both tone placements (hòa/hoà) map to one id.
- \`tokenizer_config.json\` — names \`[PAD]\` (id 0) and \`[UNK]\` (id 1); their vectors are zero.
- \`onnx/model.onnx\` — one \`Gather\` of a ${model.vocab.tokens.length}×${model.dim} float32 matrix by
  \`input_ids\` → \`last_hidden_state\` [batch, seq, ${model.dim}] (opset ${ONNX_OPSET}, IR ${ONNX_IR_VERSION}).

## How it was built

\`npm run model:build\` (source: \`src/model/\`), deterministic (seeded), pure TypeScript:

1. Corpus: the documents in \`knowledge/sources/\` (HTML tags and markdown marks stripped, NFC,
   lower-case, split into sentences of syllables), intent examples, and copies of sentences
   with thesaurus canonicals and variants swapped (\`knowledge/thesaurus.yaml\`).
2. Windowed co-occurrence (±${trainOptions.window} syllables, 1/distance) → PPMI with context smoothing
   → randomized truncated SVD (rank ${s.svdRank}) → vectors U·S^${trainOptions.eigenPower}.
3. Common direction removed; each vector scaled by SIF weight a/(a+p(w)) (a=${trainOptions.sifA}) so that
   mean pooling emphasises content words over "của", "và", "các".
4. Single-syllable thesaurus variants (e.g. "csdl", "online") get the sum of their canonical
   syllables' vectors, so "csdl đất đai" pools to the direction of "cơ sở dữ liệu đất đai".
5. Diacritic-free spellings ("ty", "truc", "tuyen") get the frequency-weighted mean of the
   accented syllables that fold to them, so unaccented queries land near accented text.

## Numbers

- Sentences: ${s.sentences} (+${s.augmentedSentences} augmented); corpus syllable tokens: ${s.corpusTokens}
- Trained syllables: ${s.trainedSyllables}; thesaurus variants tied: ${s.variantTokens};
  folded spellings: ${s.foldedTokens}; alternate tone spellings: ${s.aliasSpellings}
- Vocabulary (ids): ${model.vocab.tokens.length}; dimension: ${model.dim}

## Inputs

Corpus sha256 (file names and bytes, sorted): \`${corpusHash}\`

${files.map((f) => `- \`${f}\``).join('\n')}

Training options: \`${JSON.stringify(trainOptions)}\`
`;
}

/**
 * Trains and writes the model folder. Returns file sizes and hashes so the caller can log
 * them and tests can compare builds.
 * @example await buildModel({ sourcesDir: 'knowledge/sources', thesaurusFile: 'knowledge/thesaurus.yaml', intentsDir: 'intents', outDir: 'models/bg-static-vi' })
 */
export function buildModel(opts: BuildModelOptions): BuildModelResult {
  const t0 = performance.now();
  const corpus = loadCorpus(opts);
  const t1 = performance.now();
  const trainOptions: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...opts.train };
  const model = trainStaticEmbeddings(corpus, trainOptions);
  const t2 = performance.now();

  const contents: Record<string, Uint8Array | string> = {
    'config.json': modelConfigJson(model, corpus.hash, trainOptions),
    'tokenizer.json': tokenizerJson(model.vocab, MAX_LENGTH),
    'tokenizer_config.json': tokenizerConfigJson(MAX_LENGTH),
    'onnx/model.onnx': writeOnnxModel(
      embeddingLookupModel(model.matrix, model.vocab.tokens.length, model.dim, `${MODEL_NAME} corpus ${corpus.hash}`),
    ),
  };
  contents['README.md'] = readme(model, corpus.hash, corpus.files, trainOptions);

  mkdirSync(join(opts.outDir, 'onnx'), { recursive: true });
  const files: BuildModelResult['files'] = {};
  for (const name of Object.keys(contents).sort()) {
    const data = contents[name] as Uint8Array | string;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeFileSync(join(opts.outDir, name), bytes);
    files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const t3 = performance.now();
  return {
    outDir: opts.outDir,
    corpusHash: corpus.hash,
    files,
    stats: { ...model.stats, vocabSize: model.vocab.tokens.length, dim: model.dim },
    millis: { load: t1 - t0, train: t2 - t1, write: t3 - t2, total: t3 - t0 },
  };
}
