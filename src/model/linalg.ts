/**
 * The little linear algebra the trainer needs, in plain TypeScript so the model builds
 * anywhere Node runs: a seeded RNG, a CSR sparse matrix, a randomized truncated SVD and a
 * Jacobi eigen-solver for the small projected problem. Every loop runs in a fixed order, so
 * the same input gives the same bits.
 */

/**
 * Seeded pseudo-random generator (mulberry32): reproducible builds need reproducible noise.
 * @example const rng = new SeededRandom(42); rng.next(); // in [0, 1)
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal via Box–Muller (one value per call, for simplicity). */
  gaussian(): number {
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Deterministic Fisher–Yates shuffle, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }
}

/** Compressed sparse rows; the PPMI matrix is ~1% dense, so this is what keeps training fast. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** Builds a CSR matrix from per-row maps, columns sorted so products are order-stable. */
export function csrFromRows(rowsData: Array<Map<number, number>>, cols: number): CsrMatrix {
  const rows = rowsData.length;
  let nnz = 0;
  for (const r of rowsData) nnz += r.size;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const row = rowsData[i] as Map<number, number>;
    const keys = [...row.keys()].sort((a, b) => a - b);
    for (const c of keys) {
      colIdx[k] = c;
      values[k] = row.get(c) as number;
      k++;
    }
    rowPtr[i + 1] = k;
  }
  return { rows, cols, rowPtr, colIdx, values };
}

/** Dense row-major matrix. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

function dense(rows: number, cols: number): Dense {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A · X for sparse A (m×n) and dense X (n×k). */
function spmm(a: CsrMatrix, x: Dense): Dense {
  const k = x.cols;
  const out = dense(a.rows, k);
  for (let i = 0; i < a.rows; i++) {
    const o = i * k;
    for (let p = a.rowPtr[i] as number; p < (a.rowPtr[i + 1] as number); p++) {
      const v = a.values[p] as number;
      const xo = (a.colIdx[p] as number) * k;
      for (let j = 0; j < k; j++) out.data[o + j] = (out.data[o + j] as number) + v * (x.data[xo + j] as number);
    }
  }
  return out;
}

/** Aᵀ · X for sparse A (m×n) and dense X (m×k). */
function spmmT(a: CsrMatrix, x: Dense): Dense {
  const k = x.cols;
  const out = dense(a.cols, k);
  for (let i = 0; i < a.rows; i++) {
    const xo = i * k;
    for (let p = a.rowPtr[i] as number; p < (a.rowPtr[i + 1] as number); p++) {
      const v = a.values[p] as number;
      const o = (a.colIdx[p] as number) * k;
      for (let j = 0; j < k; j++) out.data[o + j] = (out.data[o + j] as number) + v * (x.data[xo + j] as number);
    }
  }
  return out;
}

/**
 * Orthonormalises the columns in place (modified Gram–Schmidt; `passes` = 2 re-orthogonalises
 * for stability). Works on contiguous column copies, which is several times faster than
 * strided access. Columns that collapse to zero are left zero, which the caller tolerates.
 */
function orthonormalizeColumns(m: Dense, passes = 1): void {
  const { rows, cols, data } = m;
  const columns: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const col = new Float64Array(rows);
    for (let i = 0; i < rows; i++) col[i] = data[i * cols + j] as number;
    for (let pass = 0; pass < passes; pass++) {
      for (let q = 0; q < j; q++) {
        const prev = columns[q] as Float64Array;
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += (prev[i] as number) * (col[i] as number);
        for (let i = 0; i < rows; i++) col[i] = (col[i] as number) - dot * (prev[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += (col[i] as number) ** 2;
    norm = Math.sqrt(norm);
    const inv = norm > 1e-10 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) col[i] = (col[i] as number) * inv;
    columns.push(col);
  }
  for (let j = 0; j < cols; j++) {
    const col = columns[j] as Float64Array;
    for (let i = 0; i < rows; i++) data[i * cols + j] = col[i] as number;
  }
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations.
 * Returns eigenvalues descending and eigenvectors as columns (n×n row-major).
 */
export function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (a[y * n + y] as number) - (a[x * n + x] as number) || x - y,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src] as number;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src] as number;
  });
  return { values, vectors };
}

/** Result of a truncated SVD: A ≈ U · diag(S) · Vᵀ, U is rows×rank row-major. */
export interface TruncatedSvd {
  u: Float64Array;
  s: Float64Array;
  rank: number;
}

/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011) with power iterations: the left
 * singular vectors of the PPMI matrix are the word vectors. Signs are fixed so that each
 * column's largest-magnitude entry is positive, which keeps output stable across refactors.
 */
export function randomizedSvd(
  a: CsrMatrix,
  rank: number,
  opts: { oversample?: number; powerIterations?: number; rng: SeededRandom },
): TruncatedSvd {
  const k = Math.min(rank, a.rows, a.cols);
  const l = Math.min(k + (opts.oversample ?? 16), a.rows, a.cols);
  const omega = dense(a.cols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = opts.rng.gaussian();
  let y = spmm(a, omega);
  orthonormalizeColumns(y);
  const iterations = opts.powerIterations ?? 4;
  for (let it = 0; it < iterations; it++) {
    const z = spmmT(a, y);
    orthonormalizeColumns(z);
    y = spmm(a, z);
    orthonormalizeColumns(y, it === iterations - 1 ? 2 : 1);
  }
  // B = Qᵀ A (l × cols); eigen of B Bᵀ gives the small SVD.
  const bt = spmmT(a, y); // cols × l  = (Qᵀ A)ᵀ
  const g = new Float64Array(l * l);
  for (let r = 0; r < bt.rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const bi = bt.data[o + i] as number;
      if (bi === 0) continue;
      for (let j = i; j < l; j++) g[i * l + j] = (g[i * l + j] as number) + bi * (bt.data[o + j] as number);
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i] as number;
  const eig = symmetricEigen(g, l);
  const u = new Float64Array(a.rows * k);
  const s = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    s[c] = Math.sqrt(Math.max(0, eig.values[c] as number));
    let maxAbs = 0;
    let sign = 1;
    for (let r = 0; r < a.rows; r++) {
      let acc = 0;
      for (let t = 0; t < l; t++) acc += (y.data[r * l + t] as number) * (eig.vectors[t * l + c] as number);
      u[r * k + c] = acc;
      if (Math.abs(acc) > maxAbs + 1e-12) {
        maxAbs = Math.abs(acc);
        sign = acc < 0 ? -1 : 1;
      }
    }
    if (sign < 0) for (let r = 0; r < a.rows; r++) u[r * k + c] = -(u[r * k + c] as number);
  }
  return { u, s, rank: k };
}
