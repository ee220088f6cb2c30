/**
 * The ONNX graph under construction: nodes, constant initializers and unique value names, with the
 * few helpers every layer converter uses (transposes, int64 constants, opset-dependent axes).
 */
import { FLOAT, INT64, type AttributeValue, type NodeValue, type TensorValue } from './protobuf.js';

export class GraphBuilder {
  readonly nodes: NodeValue[] = [];
  readonly initializers: TensorValue[] = [];
  private readonly used = new Set<string>();

  constructor(readonly opset: number) {}

  /** A value name not used before in this graph, based on `base`. */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'value';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output (named after `prefix`) and returns that output's name. */
  op(opType: string, inputs: string[], prefix: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.opMulti(opType, inputs, prefix, 1, attributes)[0];
  }

  /** Adds a node with `outputs` outputs; an empty input name stands for an omitted optional input. */
  opMulti(opType: string, inputs: string[], prefix: string, outputs: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.uniqueName(`${prefix}/${opType}${outputs > 1 ? `_${i}` : ''}`));
    this.nodes.push({ opType, inputs, outputs: names, name: this.uniqueName(`${prefix}/${opType}_node`), attributes });
    return names;
  }

  /** A float32 constant. */
  floatConstant(prefix: string, dims: number[], values: Float32Array | number[]): string {
    const name = this.uniqueName(prefix);
    this.initializers.push({ name, dims, dataType: FLOAT, values: values instanceof Float32Array ? values : Float32Array.from(values) });
    return name;
  }

  /** An int64 constant (shapes, axes, slice bounds). */
  int64Constant(prefix: string, values: number[]): string {
    const name = this.uniqueName(prefix);
    this.initializers.push({ name, dims: [values.length], dataType: INT64, values });
    return name;
  }

  transpose(x: string, perm: number[], prefix: string): string {
    return this.op('Transpose', [x], prefix, { perm });
  }

  /** Squeeze/Unsqueeze take their axes as an input since opset 13. */
  squeeze(x: string, axes: number[], prefix: string): string {
    return this.op('Squeeze', [x, this.int64Constant(`${prefix}/axes`, axes)], prefix);
  }

  /** ReduceMean/ReduceMax take `axes` as an attribute up to opset 17 and as an input from opset 18. */
  reduce(opType: 'ReduceMean' | 'ReduceMax', x: string, axes: number[], keepdims: boolean, prefix: string): string {
    if (this.opset >= 18) {
      return this.op(opType, [x, this.int64Constant(`${prefix}/axes`, axes)], prefix, { keepdims: keepdims ? 1 : 0 });
    }
    return this.op(opType, [x], prefix, { axes, keepdims: keepdims ? 1 : 0 });
  }

  /** Reverses axis `axis` (Slice with step -1; INT64 min as the end means "past the start"). */
  reverse(x: string, axis: number, prefix: string): string {
    return this.op('Slice', [
      x,
      this.int64Constant(`${prefix}/starts`, [-1]),
      this.int64Constant(`${prefix}/ends`, [Number.MIN_SAFE_INTEGER]),
      this.int64Constant(`${prefix}/axes`, [axis]),
      this.int64Constant(`${prefix}/steps`, [-1]),
    ], prefix);
  }
}

/** Transposes row-major `values` of shape `shape` by `perm` (as numpy.transpose). */
export function transposeValues(values: Float32Array, shape: number[], perm: number[]): { values: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const rank = shape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * inStrides[perm[d]];
    out[o] = values[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return { values: out, shape: outShape };
}
