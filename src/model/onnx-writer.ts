/**
 * A minimal ONNX protobuf writer: just enough of ModelProto to ship a static embedding model
 * (one initializer, one Gather) without pulling a protobuf toolchain into the build. Field
 * numbers follow onnx/onnx.proto; tensors are stored as little-endian `raw_data`.
 */

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7 } as const;

/** Opset and IR version: old enough for any onnxruntime from 1.10 on, new enough for Gather-13. */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

/** Growable byte buffer with protobuf wire-format helpers. */
class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  length = 0;

  private flush(): void {
    if (this.scratch.length > 0) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.length += this.scratch.length;
      this.scratch = [];
    }
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    this.flush();
    this.chunks.push(data);
    this.length += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** A dimension: a fixed size or a symbolic name such as "batch_size". */
export type OnnxDim = number | string;

/** A graph input or output. */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  shape: OnnxDim[];
}

/** A constant tensor baked into the model. */
export interface OnnxInitializer {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

/** A node; attributes limited to ints, which is all Gather needs. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  intAttributes?: Record<string, number>;
}

/** Everything needed to serialise a single-graph model. */
export interface OnnxModelSpec {
  graphName: string;
  producerName: string;
  producerVersion: string;
  docString?: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxInitializer[];
  nodes: OnnxNode[];
  opset?: number;
  irVersion?: number;
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

/**
 * Serialises a model to ONNX protobuf bytes. Deterministic: the same spec gives the same bytes.
 * @example writeOnnxModel(embeddingLookupModel(matrix, vocabSize, dim))
 */
export function writeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const m = new ProtoWriter();
  m.int(1, spec.irVersion ?? ONNX_IR_VERSION); // ir_version
  m.string(2, spec.producerName); // producer_name
  m.string(3, spec.producerVersion); // producer_version
  if (spec.docString) m.string(6, spec.docString); // doc_string
  m.message(7, (g) => {
    for (const n of spec.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, n.name);
        node.string(4, n.opType);
        for (const [name, value] of Object.entries(n.intAttributes ?? {})) {
          node.message(5, (a) => {
            a.string(1, name);
            a.int(3, value); // i
            a.int(20, 2); // type = INT
          });
        }
      });
    }
    g.string(2, spec.graphName);
    for (const t of spec.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.dataType);
        tensor.string(8, t.name);
        tensor.bytes(9, t.rawData);
      });
    }
    for (const v of spec.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of spec.outputs) g.message(12, (w) => writeValueInfo(w, v));
  });
  m.message(8, (op) => {
    op.string(1, '');
    op.int(2, spec.opset ?? ONNX_OPSET);
  });
  return m.finish();
}

/** Float32 values as little-endian bytes, independent of the host's endianness. */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return out;
}

/**
 * The whole static embedding model as ONNX: `last_hidden_state = Gather(embeddings, input_ids)`.
 * Only `input_ids` is declared, so transformers.js feeds nothing else.
 */
export function embeddingLookupModel(matrix: Float32Array, vocabSize: number, dim: number, docString?: string): OnnxModelSpec {
  if (matrix.length !== vocabSize * dim) {
    throw new Error(`Embedding matrix has ${matrix.length} values, expected ${vocabSize}×${dim}.`);
  }
  return {
    graphName: 'static_embedding',
    producerName: 'bg-static-vi',
    producerVersion: '1',
    docString,
    inputs: [{ name: 'input_ids', elemType: OnnxDataType.INT64, shape: ['batch_size', 'sequence_length'] }],
    outputs: [{ name: 'last_hidden_state', elemType: OnnxDataType.FLOAT, shape: ['batch_size', 'sequence_length', dim] }],
    initializers: [
      { name: 'embeddings', dataType: OnnxDataType.FLOAT, dims: [vocabSize, dim], rawData: float32LittleEndian(matrix) },
    ],
    nodes: [
      { opType: 'Gather', name: 'lookup', inputs: ['embeddings', 'input_ids'], outputs: ['last_hidden_state'], intAttributes: { axis: 0 } },
    ],
  };
}
