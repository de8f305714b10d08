import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { embeddingLookupModel, float32LittleEndian, writeOnnxModel } from '../../src/model/onnx-writer.ts';

describe('ONNX writer', () => {
  const matrix = Float32Array.from([0, 0, 0, 1.5, -2, 3, 4, 5, 6.25, -7, 8, 9]); // 4 ids × 3 dims

  test('a Gather model round-trips through onnxruntime-node', async () => {
    const session = await ort.InferenceSession.create(writeOnnxModel(embeddingLookupModel(matrix, 4, 3)));
    expect(session.inputNames).toEqual(['input_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
    const ids = new ort.Tensor('int64', BigInt64Array.from([3n, 1n, 2n, 0n]), [2, 2]);
    const out = (await session.run({ input_ids: ids }))['last_hidden_state'];
    expect(out?.dims).toEqual([2, 2, 3]);
    expect(Array.from(out?.data as Float32Array)).toEqual([-7, 8, 9, 1.5, -2, 3, 4, 5, 6.25, 0, 0, 0]);
    await session.release();
  });

  test('serialisation is deterministic', () => {
    const a = writeOnnxModel(embeddingLookupModel(matrix, 4, 3, 'doc'));
    const b = writeOnnxModel(embeddingLookupModel(matrix, 4, 3, 'doc'));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test('float32 data is little-endian', () => {
    expect(Array.from(float32LittleEndian(Float32Array.from([1])))).toEqual([0, 0, 0x80, 0x3f]);
  });

  test('rejects a matrix of the wrong size', () => {
    expect(() => embeddingLookupModel(matrix, 5, 3)).toThrow(/expected 5×3/);
  });
});
