/**
 * Text embeddings behind LangChain's `Embeddings` interface.
 *
 * - `LocalEmbeddings` runs any transformers.js model folder offline (the bundled
 *   `models/bg-static-vi`, or e.g. multilingual-e5-small placed in another folder), with
 *   mean or CLS pooling and L2 normalisation done here, so zero vectors and padding are
 *   handled the same way for every model.
 * - `HashingEmbeddings` is a deterministic, dependency-free stand-in for unit tests.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';

/** Options of {@link LocalEmbeddings.load}. */
export interface LocalEmbeddingsOptions {
  /** A transformers.js model folder: config.json, tokenizer.json, onnx/model.onnx. */
  modelDir: string;
  /** Prepended to queries ("query: " for e5 models). Default none. */
  queryPrefix?: string;
  /** Prepended to passages ("passage: " for e5 models). Default none. */
  passagePrefix?: string;
  /** How token vectors become one vector. Default 'mean' (what e5 and the bundled model expect). */
  pooling?: 'mean' | 'cls';
  /** L2-normalise the output. Default true, so dot product = cosine. */
  normalize?: boolean;
  /** Texts per model call in embedDocuments. Default 32. */
  batchSize?: number;
  /**
   * Which ONNX file: 'fp32' → onnx/model.onnx (default), 'q8' → onnx/model_quantized.onnx,
   * 'fp16' → onnx/model_fp16.onnx. The bundled model ships fp32 only.
   */
  dtype?: 'fp32' | 'fp16' | 'q8';
}

/** Raised when the model folder is missing or incomplete; the message says how to fix it. */
export class EmbeddingModelError extends Error {
  override name = 'EmbeddingModelError';
}

/** The minimal views of transformers.js objects this module relies on (its types are loose). */
interface TensorView {
  data: ArrayLike<number> | ArrayLike<bigint>;
  dims: number[];
}
type TokenizerFn = (
  texts: string[],
  options: { padding: boolean; truncation: boolean },
) => Record<string, TensorView> & { input_ids: TensorView; attention_mask: TensorView };
type ModelFn = (inputs: Record<string, TensorView>) => Promise<Record<string, TensorView | undefined>>;
interface ModelHandle {
  dispose?: () => Promise<unknown>;
}

const ONNX_FILE_BY_DTYPE = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx' } as const;

function requireModelFiles(dir: string, onnxFile: string): string[] {
  const hint = 'run `npm run model:build` (or point EMBEDDING_MODEL_DIR at a transformers.js model folder)';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EmbeddingModelError(`EMBEDDING_MODEL_DIR ${dir} does not exist; ${hint}.`);
  }
  const required = ['config.json', 'tokenizer.json', `onnx/${onnxFile}`];
  for (const rel of required) {
    if (!existsSync(join(dir, rel))) {
      throw new EmbeddingModelError(`EMBEDDING_MODEL_DIR ${dir} has no ${rel}; ${hint}.`);
    }
  }
  const optional = ['tokenizer_config.json'].filter((rel) => existsSync(join(dir, rel)));
  return [...required.slice(0, 2), ...optional, required[2] as string];
}

async function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * Pools a [batch, seq, dim] output into one vector per text.
 * Exported for tests; `mask` is the tokenizer's attention mask.
 */
export function poolHiddenStates(
  hidden: Float32Array | Float64Array,
  mask: ArrayLike<number | bigint>,
  dims: [number, number, number],
  pooling: 'mean' | 'cls',
  normalize: boolean,
): number[][] {
  const [batch, seq, dim] = dims;
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float64Array(dim);
    if (pooling === 'cls') {
      const o = b * seq * dim;
      for (let j = 0; j < dim; j++) v[j] = hidden[o + j] as number;
    } else {
      let count = 0;
      for (let t = 0; t < seq; t++) {
        if (Number(mask[b * seq + t]) === 0) continue;
        count++;
        const o = (b * seq + t) * dim;
        for (let j = 0; j < dim; j++) v[j] = (v[j] as number) + (hidden[o + j] as number);
      }
      if (count > 0) for (let j = 0; j < dim; j++) v[j] = (v[j] as number) / count;
    }
    if (normalize) {
      let n = 0;
      for (let j = 0; j < dim; j++) n += (v[j] as number) ** 2;
      n = Math.sqrt(n);
      // All-unknown input pools to zero; keep it zero (similarity 0 to everything) rather than NaN.
      if (n > 0) for (let j = 0; j < dim; j++) v[j] = (v[j] as number) / n;
    }
    out.push(Array.from(v));
  }
  return out;
}

/**
 * Embeddings from a local transformers.js model folder, never touching the network.
 *
 * @example
 * const emb = await LocalEmbeddings.load({ modelDir: 'models/bg-static-vi' });
 * const q = await emb.embedQuery('tỷ lệ thanh toán trực tuyến');
 * // e5: LocalEmbeddings.load({ modelDir: 'models/multilingual-e5-small', queryPrefix: 'query: ', passagePrefix: 'passage: ' })
 */
export class LocalEmbeddings extends Embeddings {
  /** Output vector length, measured at load time. */
  readonly dimensions: number;
  /**
   * sha256 of the model files (config, tokenizer, ONNX) and of the options that change vectors
   * (pooling, normalisation, prefixes): an index built with anything else is stale.
   */
  readonly modelFingerprint: string;
  readonly modelDir: string;

  private constructor(
    private readonly tokenizer: TokenizerFn,
    private readonly model: ModelFn & ModelHandle,
    private readonly opts: Required<Omit<LocalEmbeddingsOptions, 'modelDir'>>,
    modelDir: string,
    dimensions: number,
    fingerprint: string,
  ) {
    super({});
    this.modelDir = modelDir;
    this.dimensions = dimensions;
    this.modelFingerprint = fingerprint;
  }

  /**
   * Loads the tokenizer and ONNX session from `modelDir` (remote models disabled) and
   * embeds a probe text to learn the dimension, so a broken model fails here, not mid-query.
   * @throws EmbeddingModelError when the folder or one of its files is missing.
   */
  static async load(options: LocalEmbeddingsOptions): Promise<LocalEmbeddings> {
    const opts = {
      queryPrefix: options.queryPrefix ?? '',
      passagePrefix: options.passagePrefix ?? '',
      pooling: options.pooling ?? 'mean',
      normalize: options.normalize ?? true,
      batchSize: Math.max(1, options.batchSize ?? 32),
      dtype: options.dtype ?? 'fp32',
    };
    const dir = resolve(options.modelDir);
    const files = requireModelFiles(dir, ONNX_FILE_BY_DTYPE[opts.dtype]);

    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    // An absolute path is not a valid hub id, so transformers.js reads it as a folder as-is
    // (env.localModelPath is not involved).
    let tokenizer: unknown;
    let model: unknown;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
      model = await AutoModel.from_pretrained(dir, { local_files_only: true, dtype: opts.dtype, device: 'cpu' });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new EmbeddingModelError(`EMBEDDING_MODEL_DIR ${dir} could not be loaded by transformers.js: ${reason}`);
    }

    const hash = createHash('sha256');
    for (const rel of files) {
      hash.update(rel).update('\0');
      await hashFile(hash, join(dir, rel));
      hash.update('\0');
    }
    hash.update(JSON.stringify({ pooling: opts.pooling, normalize: opts.normalize, q: opts.queryPrefix, p: opts.passagePrefix }));
    const fingerprint = hash.digest('hex');

    const instance = new LocalEmbeddings(tokenizer as TokenizerFn, model as ModelFn & ModelHandle, opts, dir, 0, fingerprint);
    const [probe] = await instance.embedRaw(['dữ liệu']);
    const dimensions = probe?.length ?? 0;
    if (dimensions === 0) throw new EmbeddingModelError(`EMBEDDING_MODEL_DIR ${dir} produced empty vectors.`);
    return new LocalEmbeddings(tokenizer as TokenizerFn, model as ModelFn & ModelHandle, opts, dir, dimensions, fingerprint);
  }

  /** Reads `config.json` of a model folder (e.g. to show which model is in use). */
  static readConfig(modelDir: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(resolve(modelDir), 'config.json'), 'utf8')) as Record<string, unknown>;
  }

  private async embedRaw(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const inputs = this.tokenizer(texts, { padding: true, truncation: true });
    const output = await this.model(inputs);
    const hidden = output['last_hidden_state'];
    if (!hidden) throw new EmbeddingModelError(`Model in ${this.modelDir} has no last_hidden_state output.`);
    const dims = hidden.dims;
    if (dims.length !== 3) throw new EmbeddingModelError(`Model in ${this.modelDir} returned shape [${dims.join(', ')}], expected [batch, seq, dim].`);
    return poolHiddenStates(
      hidden.data as Float32Array,
      inputs.attention_mask.data,
      dims as [number, number, number],
      this.opts.pooling,
      this.opts.normalize,
    );
  }

  /** Embeds passages (with the passage prefix), in batches of `batchSize`, order preserved. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.opts.batchSize) {
      const batch = texts.slice(i, i + this.opts.batchSize).map((t) => this.opts.passagePrefix + t);
      out.push(...(await this.embedRaw(batch)));
    }
    return out;
  }

  /** Embeds one query (with the query prefix). */
  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.embedRaw([this.opts.queryPrefix + text]);
    return v ?? new Array<number>(this.dimensions).fill(0);
  }

  /** Releases the ONNX session. */
  async dispose(): Promise<void> {
    await this.model.dispose?.();
  }
}

/** FNV-1a 32-bit: tiny, stable hash for feature hashing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic feature-hashing embeddings for unit tests: syllables and syllable bigrams,
 * diacritics folded, hashed into `dimensions` signed buckets, L2-normalised. Texts sharing
 * words are similar, so retrieval tests behave sensibly without a model on disk.
 * @example new HashingEmbeddings({ dimensions: 64 }).embedQuery('dữ liệu')
 */
export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;
  readonly modelFingerprint: string;

  constructor(opts: { dimensions?: number } = {}) {
    super({});
    this.dimensions = opts.dimensions ?? 64;
    this.modelFingerprint = `hashing-v1-${this.dimensions}`;
  }

  /** The vector of one text (synchronous; the async methods wrap it). */
  embedSync(text: string): number[] {
    const syl =
      text
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase()
        .match(/[\p{L}\p{Nd}]+/gu) ?? [];
    const features = [...syl, ...syl.slice(1).map((s, i) => `${syl[i] as string}_${s}`)];
    const v = new Array<number>(this.dimensions).fill(0);
    for (const f of features) {
      const h = fnv1a(f);
      const idx = h % this.dimensions;
      v[idx] = (v[idx] as number) + ((h >>> 31) & 1 ? -1 : 1);
    }
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return n > 0 ? v.map((x) => x / n) : v;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedSync(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedSync(text);
  }
}
