import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildModel, type BuildModelResult } from '../../src/model/build.ts';
import { LocalEmbeddings } from '../../src/retrieval/embeddings.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'mini');
const FILES = ['README.md', 'config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'];

function buildFixture(seed = 7): BuildModelResult {
  return buildModel({
    sourcesDir: join(FIXTURE, 'sources'),
    thesaurusFile: join(FIXTURE, 'thesaurus.yaml'),
    intentsDir: join(FIXTURE, 'intents'),
    outDir: join(mkdtempSync(join(tmpdir(), 'bg-model-')), 'bg-mini'),
    train: { dim: 16, seed },
  });
}

const cosine = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('model build from the fixture corpus', () => {
  let first: BuildModelResult;
  let second: BuildModelResult;

  beforeAll(() => {
    first = buildFixture();
    second = buildFixture();
  });

  test('writes the transformers.js folder layout', () => {
    expect(Object.keys(first.files)).toEqual(FILES);
    for (const f of FILES) expect(existsSync(join(first.outDir, f))).toBe(true);
    const config = JSON.parse(readFileSync(join(first.outDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['model_type']).toBe('bert');
    expect(config['hidden_size']).toBe(16);
    expect(readFileSync(join(first.outDir, 'README.md'), 'utf8')).toContain(first.corpusHash);
  });

  test('is reproducible: two builds give byte-identical files', () => {
    expect(first.outDir).not.toBe(second.outDir);
    for (const f of FILES) {
      expect(readFileSync(join(second.outDir, f)).equals(readFileSync(join(first.outDir, f))), f).toBe(true);
    }
    expect(readdirSync(second.outDir).sort()).toEqual(readdirSync(first.outDir).sort());
  });

  test('a different seed changes the weights but not the vocabulary', () => {
    const other = buildFixture(8);
    expect(other.files['tokenizer.json']?.sha256).toBe(first.files['tokenizer.json']?.sha256);
    expect(other.files['onnx/model.onnx']?.sha256).not.toBe(first.files['onnx/model.onnx']?.sha256);
  });

  test("loads with pipeline('feature-extraction') from env.localModelPath", async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dirname(first.outDir);
    const extractor = await pipeline('feature-extraction', basename(first.outDir), { dtype: 'fp32' });
    const out = await extractor(['cơ sở dữ liệu đất đai', 'họp trực tuyến'], { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([2, 16]);
    await extractor.dispose();
  });

  test('ties thesaurus variants and diacritic-free spellings to their meaning', async () => {
    const emb = await LocalEmbeddings.load({ modelDir: first.outDir });
    const [canon, abbrev, accented, folded, online, truc] = await emb.embedDocuments([
      'cơ sở dữ liệu đất đai',
      'CSDL đất đai',
      'họp trực tuyến',
      'hop truc tuyen',
      'họp online',
      'họp trực tuyến',
    ]);
    expect(cosine(canon as number[], abbrev as number[])).toBeGreaterThan(0.95);
    expect(cosine(accented as number[], folded as number[])).toBeGreaterThan(0.8);
    expect(cosine(online as number[], truc as number[])).toBeGreaterThan(0.95);
    await emb.dispose();
  });
});
