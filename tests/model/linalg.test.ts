import { describe, expect, test } from 'vitest';
import { SeededRandom, csrFromRows, randomizedSvd, symmetricEigen } from '../../src/model/linalg.ts';

describe('SeededRandom', () => {
  test('same seed, same sequence; different seed, different sequence', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const seqA = [a.next(), a.next(), a.gaussian()];
    expect([b.next(), b.next(), b.gaussian()]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
  });
});

test('symmetricEigen recovers the eigenvalues of a known matrix, descending', () => {
  // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1.
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
  expect(Array.from(values).map((v) => Number(v.toFixed(9)))).toEqual([5, 3, 1]);
  expect(Math.abs(vectors[2 * 3 + 0] as number)).toBeCloseTo(1, 9); // eigenvector of 5 is e3
});

test('randomizedSvd finds the singular values of a low-rank sparse matrix', () => {
  // A = diag(9, 4, 1, 0, 0, 0) padded with zero rows/cols.
  const rows = Array.from({ length: 6 }, () => new Map<number, number>());
  rows[0]?.set(0, 9);
  rows[1]?.set(1, 4);
  rows[2]?.set(2, 1);
  const svd = randomizedSvd(csrFromRows(rows, 6), 3, { rng: new SeededRandom(1), oversample: 2 });
  expect(Array.from(svd.s).map((s) => Number(s.toFixed(6)))).toEqual([9, 4, 1]);
  expect(svd.u[0]).toBeCloseTo(1, 6); // sign fixed: largest entry positive
});
