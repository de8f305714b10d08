import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnnxDataType, embeddingLookupModel, writeOnnxModel } from '../../src/model/onnx-writer.ts';
import { tokenizerConfigJson, tokenizerJson } from '../../src/model/tokenizer-json.ts';
import { EmbeddingModelError, HashingEmbeddings, LocalEmbeddings, poolHiddenStates } from '../../src/retrieval/embeddings.ts';

const MODEL_DIR = resolve('models/bg-static-vi');
const cosine = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
const norm = (a: number[]): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

describe('LocalEmbeddings with the shipped bg-static-vi model', () => {
  let emb: LocalEmbeddings;

  beforeAll(async () => {
    emb = await LocalEmbeddings.load({ modelDir: MODEL_DIR });
  });
  afterAll(async () => {
    await emb.dispose();
  });

  test('has the configured dimension and a stable sha256 fingerprint', async () => {
    const config = LocalEmbeddings.readConfig(MODEL_DIR);
    expect(emb.dimensions).toBe(config['hidden_size']);
    expect(emb.dimensions).toBe(256);
    expect(emb.modelFingerprint).toMatch(/^[0-9a-f]{64}$/);
    const again = await LocalEmbeddings.load({ modelDir: MODEL_DIR });
    expect(again.modelFingerprint).toBe(emb.modelFingerprint);
    const prefixed = await LocalEmbeddings.load({ modelDir: MODEL_DIR, queryPrefix: 'query: ' });
    expect(prefixed.modelFingerprint).not.toBe(emb.modelFingerprint);
  });

  test('returns unit-norm vectors of the right length', async () => {
    const vectors = await emb.embedDocuments([
      'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%.',
      'Ai chủ trì xây dựng CSDL đất đai?',
      'xin chào',
    ]);
    for (const v of vectors) {
      expect(v).toHaveLength(256);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  test('text typed without diacritics lands next to the accented text', async () => {
    const a = await emb.embedQuery('tỷ lệ thanh toán trực tuyến');
    const b = await emb.embedQuery('ty le thanh toan truc tuyen');
    expect(cosine(a, b)).toBeGreaterThan(0.9);
  });

  test('both tone placements give the same vector', async () => {
    expect(await emb.embedQuery('hoà mạng')).toEqual(await emb.embedQuery('hòa mạng'));
  });

  test.each([
    [
      'Cơ sở dữ liệu đất đai của tỉnh gồm những gì?',
      'Hoàn thiện cơ sở dữ liệu đất đai và các cơ sở dữ liệu thành phần (CSDL giá đất, thống kê kiểm kê đất đai).',
      'Nâng cao chất lượng hệ thống họp trực tuyến của các cơ quan nhà nước từ cấp tỉnh đến xã.',
    ],
    [
      'họp trực tuyến',
      'Nâng cao chất lượng hệ thống họp trực tuyến của các cơ quan nhà nước từ cấp tỉnh đến xã.',
      'Hoàn thiện cơ sở dữ liệu đất đai và các cơ sở dữ liệu thành phần.',
    ],
    [
      'an toàn thông tin mạng',
      'Bảo đảm an toàn, an ninh mạng cho các hệ thống thông tin của tỉnh.',
      'Phát triển kinh tế số, xã hội số; thương mại điện tử.',
    ],
    [
      'chữ ký số',
      'Tiếp tục triển khai, tích hợp, ứng dụng chữ ký số chuyên dùng trong các cơ quan.',
      'Phát triển mới khoảng 5.000 trạm thu phát sóng thông tin di động.',
    ],
    [
      'trạm BTS phủ sóng 5G',
      'Phát triển mới khoảng 5.000 trạm thu phát sóng, mạng di động 5G phủ sóng 100% khu dân cư.',
      'Tiếp tục triển khai, tích hợp, ứng dụng chữ ký số chuyên dùng trong các cơ quan.',
    ],
    [
      'ty le ho so xu ly truc tuyen',
      'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến trên hệ thống giải quyết thủ tục hành chính đạt trên 70%.',
      'Nâng cao chất lượng phòng họp của các cơ quan đảng.',
    ],
    [
      'csdl dat dai',
      'Hoàn thiện cơ sở dữ liệu đất đai và các cơ sở dữ liệu thành phần.',
      'Nâng cao chất lượng hệ thống họp trực tuyến của các cơ quan nhà nước.',
    ],
  ])('%j is nearer the related passage than the unrelated one', async (query, related, unrelated) => {
    const q = await emb.embedQuery(query);
    const [pos, neg] = await emb.embedDocuments([related, unrelated]);
    expect(cosine(q, pos as number[])).toBeGreaterThan(cosine(q, neg as number[]) + 0.1);
  });

  test('batching does not change vectors and keeps order', async () => {
    const texts = ['dữ liệu mở', 'chữ ký số', 'họp trực tuyến', 'đất đai', 'kinh tế số'];
    const small = await LocalEmbeddings.load({ modelDir: MODEL_DIR, batchSize: 2 });
    const batched = await small.embedDocuments(texts);
    const single = await Promise.all(texts.map((t) => emb.embedQuery(t)));
    batched.forEach((v, i) => {
      (single[i] as number[]).forEach((x, j) => expect(v[j]).toBeCloseTo(x, 6));
    });
    expect(await emb.embedDocuments([])).toEqual([]);
  });

  test('text with no known syllable gives a zero vector, not NaN', async () => {
    const v = await emb.embedQuery('qwzx ?!');
    expect(v).toHaveLength(256);
    expect(v.every((x) => x === 0)).toBe(true);
  });
});

describe('LocalEmbeddings with a BERT/e5-shaped model folder', () => {
  // Same layout as Xenova/multilingual-e5-small: the ONNX graph declares input_ids,
  // attention_mask and token_type_ids; e5 wants "query: " / "passage: " prefixes.
  const tokens = ['[PAD]', '[UNK]', 'query', 'passage', 'dữ', 'liệu'];
  const dim = 4;
  const matrix = Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bg-e5-shaped-'));
    mkdirSync(join(dir, 'onnx'));
    const spec = embeddingLookupModel(matrix, tokens.length, dim);
    spec.inputs.push(
      { name: 'attention_mask', elemType: OnnxDataType.INT64, shape: ['batch_size', 'sequence_length'] },
      { name: 'token_type_ids', elemType: OnnxDataType.INT64, shape: ['batch_size', 'sequence_length'] },
    );
    writeFileSync(join(dir, 'onnx', 'model.onnx'), writeOnnxModel(spec));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: dim }));
    writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson({ tokens, aliases: [] }, 512));
    writeFileSync(join(dir, 'tokenizer_config.json'), tokenizerConfigJson(512));
  });

  test('feeds the extra inputs and applies query/passage prefixes', async () => {
    const e5 = await LocalEmbeddings.load({ modelDir: dir, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
    expect(e5.dimensions).toBe(dim);
    const q = await e5.embedQuery('dữ liệu');
    const [p] = await e5.embedDocuments(['dữ liệu']);
    const third = 1 / Math.sqrt(3);
    [third, 0, third, third].forEach((x, i) => expect(q[i]).toBeCloseTo(x, 6));
    [0, third, third, third].forEach((x, i) => expect(p?.[i]).toBeCloseTo(x, 6));
  });

  test('cls pooling takes the first token', async () => {
    const cls = await LocalEmbeddings.load({ modelDir: dir, pooling: 'cls', queryPrefix: 'query: ' });
    expect(await cls.embedQuery('dữ liệu')).toEqual([1, 0, 0, 0]);
  });
});

describe('LocalEmbeddings.load errors', () => {
  test('a missing folder says how to fix it', async () => {
    await expect(LocalEmbeddings.load({ modelDir: '/nonexistent/model' })).rejects.toThrow(
      /EMBEDDING_MODEL_DIR \/nonexistent\/model does not exist; run `npm run model:build`/,
    );
  });

  test('a folder without onnx/model.onnx is reported by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-incomplete-'));
    cpSync(MODEL_DIR, dir, { recursive: true });
    rmSync(join(dir, 'onnx', 'model.onnx'));
    const err = await LocalEmbeddings.load({ modelDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingModelError);
    expect(String(err)).toMatch(/has no onnx\/model\.onnx; run `npm run model:build`/);
  });
});

describe('poolHiddenStates', () => {
  // batch 2, seq 2, dim 2
  const hidden = Float32Array.from([1, 0, 3, 4, 0, 0, 9, 9]);

  test('mean pooling honours the attention mask; normalisation is L2', () => {
    const [a, b] = poolHiddenStates(hidden, [1, 1, 1, 0], [2, 2, 2], 'mean', false);
    expect(a).toEqual([2, 2]);
    expect(b).toEqual([0, 0]);
    const [n] = poolHiddenStates(hidden, [1, 1, 1, 0], [2, 2, 2], 'mean', true);
    expect(n?.[0]).toBeCloseTo(Math.SQRT1_2, 9);
  });

  test('cls pooling takes the first position; zero vectors stay zero', () => {
    expect(poolHiddenStates(hidden, [1, 1, 1, 1], [2, 2, 2], 'cls', true)).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });
});

describe('HashingEmbeddings', () => {
  const h = new HashingEmbeddings({ dimensions: 64 });

  test('deterministic, unit norm, diacritic-insensitive', async () => {
    const a = await h.embedQuery('Dữ liệu mở');
    expect(await h.embedQuery('Dữ liệu mở')).toEqual(a);
    expect(await h.embedQuery('du lieu mo')).toEqual(a);
    expect(norm(a)).toBeCloseTo(1, 9);
    expect(h.modelFingerprint).toBe('hashing-v1-64');
  });

  test('texts sharing words are closer than unrelated texts', async () => {
    const [q, pos, neg] = await h.embedDocuments(['cơ sở dữ liệu đất đai', 'xây dựng cơ sở dữ liệu đất đai', 'họp trực tuyến']);
    expect(cosine(q as number[], pos as number[])).toBeGreaterThan(cosine(q as number[], neg as number[]));
  });
});
