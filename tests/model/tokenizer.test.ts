import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  PAD_ID,
  UNK_ID,
  encodeReference,
  tokenizerConfigJson,
  tokenizerJson,
  vocabularyMap,
  type ModelVocabulary,
} from '../../src/model/tokenizer-json.ts';

env.allowRemoteModels = false;
env.allowLocalModels = true;

interface EncodedView {
  input_ids: { data: BigInt64Array; dims: number[] };
  attention_mask: { data: BigInt64Array };
}
type TokenizerView = (text: string | string[], opts?: { padding?: boolean; add_special_tokens?: boolean }) => EncodedView;

async function loadTokenizer(dir: string): Promise<TokenizerView> {
  return (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as TokenizerView;
}

const ids = (enc: EncodedView): number[] => Array.from(enc.input_ids.data, Number);

describe('tokenizer.json written for a small vocabulary', () => {
  const vocab: ModelVocabulary = {
    tokens: ['[PAD]', '[UNK]', 'tỷ', 'lệ', 'thanh', 'toán', 'trực', 'tuyến', 'hòa', 'mạng', '70', 'ty', 'le', 'đất', 'đai'],
    aliases: [['hoà', 8]],
  };
  const map = vocabularyMap(vocab);
  let tokenizer: TokenizerView;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson(vocab, 512));
    writeFileSync(join(dir, 'tokenizer_config.json'), tokenizerConfigJson(512));
    tokenizer = await loadTokenizer(dir);
  });

  test.each([
    'Tỷ lệ thanh toán trực tuyến',
    'TỶ LỆ THANH TOÁN TRỰC TUYẾN đạt 70%',
    'Hoà mạng, hòa mạng; HOÀ MẠNG!',
    'ty le thanh toan truc tuyen',
    'Cơ sở dữ liệu đất đai (CSDL)\tđất\nđai²',
    'Tỷ lệ thanh toán trực tuyến'.normalize('NFD'),
    '',
  ])('transformers.js ids equal the reference for %j', (text) => {
    expect(ids(tokenizer(text, { add_special_tokens: true }))).toEqual(encodeReference(map, text));
  });

  test('both tone placements map to one id; unknown syllables map to [UNK]', () => {
    expect(ids(tokenizer('hoà hòa xyz'))).toEqual([8, 8, UNK_ID]);
  });

  test('batches are padded with [PAD] and masked', () => {
    const enc = tokenizer(['tỷ lệ trực tuyến', 'đất'], { padding: true });
    expect(enc.input_ids.dims).toEqual([2, 4]);
    expect(ids(enc).slice(4)).toEqual([13, PAD_ID, PAD_ID, PAD_ID]);
    expect(Array.from(enc.attention_mask.data, Number)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
  });
});

describe('the shipped model tokenizer', () => {
  const dir = resolve('models/bg-static-vi');

  test.each([
    'Ai chủ trì xây dựng Cổng dữ liệu mở (Open Data) của tỉnh?',
    'Tỷ lệ hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng năm 2024?',
    'ty le ho so xu ly hoan toan truc tuyen nam 2024',
    'Sở TN&MT làm CSDL gì? Hoà mạng hay hòa mạng, thuỷ lợi',
  ])('matches the reference on %j', async (text) => {
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    const map = new Map(Object.entries(json.model.vocab));
    const tokenizer = await loadTokenizer(dir);
    const got = ids(tokenizer(text));
    expect(got).toEqual(encodeReference(map, text));
    expect(got.filter((id) => id === UNK_ID).length).toBeLessThan(got.length / 2);
  });
});
