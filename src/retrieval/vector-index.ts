/**
 * Exact cosine search over unit-length vectors held in one Float32Array.
 * A few thousand chunks need no approximate index: a scan takes well under a millisecond.
 */
export interface VectorHit {
  index: number;
  score: number;
}

export class VectorIndex {
  private constructor(
    private readonly matrix: Float32Array,
    readonly dimensions: number,
    readonly size: number,
  ) {}

  static fromVectors(vectors: ReadonlyArray<ArrayLike<number>>, dimensions: number): VectorIndex {
    const matrix = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => {
      if (v.length !== dimensions) throw new Error(`vector ${i} has ${v.length} dimensions, expected ${dimensions}`);
      let norm = 0;
      for (let j = 0; j < dimensions; j++) norm += (v[j] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < dimensions; j++) matrix[i * dimensions + j] = (v[j] as number) / norm;
    });
    return new VectorIndex(matrix, dimensions, vectors.length);
  }

  vector(index: number): Float32Array {
    return this.matrix.subarray(index * this.dimensions, (index + 1) * this.dimensions);
  }

  search(query: ArrayLike<number>, limit = 20, filter?: (index: number) => boolean): VectorHit[] {
    const d = this.dimensions;
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (query[j] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    const hits: VectorHit[] = [];
    for (let i = 0; i < this.size; i++) {
      if (filter && !filter(i)) continue;
      let dot = 0;
      const off = i * d;
      for (let j = 0; j < d; j++) dot += this.matrix[off + j]! * (query[j] as number);
      hits.push({ index: i, score: dot / norm });
    }
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return hits.slice(0, limit);
  }
}

/** Float32 vector ⇄ SQLite BLOB. */
export function vectorToBlob(v: ArrayLike<number>): Buffer {
  return Buffer.from(Float32Array.from(v).buffer);
}

export function blobToVector(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
