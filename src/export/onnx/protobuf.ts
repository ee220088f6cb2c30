/**
 * A small protobuf writer for the part of ONNX's schema an exported model needs. Field numbers are
 * those of onnx/onnx.proto (onnx 1.17, proto2 syntax; repeated scalars are written unpacked, which every
 * protobuf parser accepts). Written by hand so that export needs no runtime dependency.
 */

/** Protobuf wire types (protobuf encoding spec). */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growing byte list. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    // int64 fields: negative numbers take ten bytes (two's complement), as protobuf specifies.
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** int32, int64 and enum fields. */
  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A repeated int64 field, one tag per element. */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  floats(field: number, values: readonly number[]): this {
    for (const v of values) this.float(field, v);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message, written by `write` into its own writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

// ---- ONNX messages (onnx.proto) ----

/** TensorProto.DataType: FLOAT = 1, INT64 = 7. */
export const FLOAT = 1;
export const INT64 = 7;

/** An initializer: a named constant tensor. */
export interface TensorValue {
  name: string;
  dims: number[];
  dataType: typeof FLOAT | typeof INT64;
  /** Float32 values for FLOAT, integers for INT64. */
  values: Float32Array | number[];
}

/** A node attribute; its type is inferred from the value. */
export type AttributeValue = number | string | number[] | string[] | { float: number } | { floats: number[] };

export interface NodeValue {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, AttributeValue>;
}

/** A graph input or output: float32 with a shape; a string dimension is symbolic (dim_param). */
export interface ValueInfo {
  name: string;
  shape: (number | string)[];
}

export interface GraphValue {
  name: string;
  nodes: NodeValue[];
  initializers: TensorValue[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface ModelValue {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  graph: GraphValue;
  docString?: string;
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function writeTensor(w: ProtoWriter, t: TensorValue): void {
  w.ints(1, t.dims).int(2, t.dataType).string(8, t.name);
  let raw: Uint8Array;
  if (t.dataType === FLOAT) {
    const f = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
    raw = new Uint8Array(f.length * 4);
    const view = new DataView(raw.buffer);
    f.forEach((v, i) => view.setFloat32(i * 4, v, true));
  } else {
    raw = new Uint8Array(t.values.length * 8);
    const view = new DataView(raw.buffer);
    Array.from(t.values).forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  }
  w.bytes(9, raw);
}

/**
 * AttributeProto: name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8, strings = 9, type = 20
 * (AttributeType FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7, STRINGS = 8).
 */
function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`ONNX attribute "${name}": integer expected, use { float } for ${value}.`);
    w.int(3, value).int(20, 2);
  } else if (typeof value === 'string') {
    w.string(4, value).int(20, 3);
  } else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      for (const s of value as string[]) w.string(9, s);
      w.int(20, 8);
    } else {
      w.ints(8, value as number[]).int(20, 7);
    }
  } else if ('float' in value) {
    w.float(2, value.float).int(20, 1);
  } else {
    w.floats(7, value.floats).int(20, 6);
  }
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function writeNode(w: ProtoWriter, n: NodeValue): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes)) w.message(5, (a) => writeAttribute(a, k, v));
}

/**
 * ValueInfoProto: name = 1, type = 2. TypeProto.tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2;
 * TensorShapeProto.dim = 1; Dimension: dim_value = 1, dim_param = 2.
 */
function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, FLOAT).message(2, (shape) => {
      for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
    });
  }));
}

/** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
function writeGraph(w: ProtoWriter, g: GraphValue): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7,
 * opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2; the empty domain is ai.onnx).
 */
export function encodeModel(m: ModelValue): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (g) => writeGraph(g, m.graph));
  w.message(8, (o) => o.string(1, '').int(2, m.opset));
  return w.finish();
}
