/**
 * Helpers for testing the conv layers against TensorFlow.js 4.22 (a test-only oracle; see
 * KERAS-FACTS.md for where tfjs is not Keras) and for building expected values by hand.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ops from '../../../src/ops/index.js';
import type { Layer } from '../../../src/layers/layer.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

export { tf };

let ready: Promise<boolean> | null = null;
/** tfjs on its pure-JS CPU backend (no native install, same float32 math as ours). */
export function useTfjsCpu(): Promise<boolean> {
  // PROD silences tfjs's console banner suggesting tfjs-node; the computations are unchanged.
  tf.env().set('PROD', true);
  ready ??= tf.setBackend('cpu');
  return ready;
}

export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.values), t.shape);
}

/** |actual - expected| <= tol * max(1, |expected|) elementwise, with the first failing index in the message. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    assert.ok(err <= tol, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (rel. error ${err})`);
  }
}

/** Row-major position of `index` in `shape`. */
function offset(index: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let a = 0; a < shape.length; a++) o = o * shape[a] + index[a];
  return o;
}

/** Calls `f` with every multi-index of `shape`, in row-major order. */
function forEachIndex(shape: readonly number[], f: (index: number[]) => void): void {
  const total = shape.reduce((p, d) => p * d, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < total; n++) {
    f(index);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
}

/**
 * A dilated kernel written as a plain one: d - 1 zeros between taps along each of the leading spatial
 * axes (kernel shape spatial... + (a, b)). conv(x, W, dilation d) == conv(x, dilateKernel(W, d)).
 * tfjs has no conv gradients with dilation, so gradient oracles use this.
 */
export function dilateKernel(values: ArrayLike<number>, shape: readonly number[], dilation: readonly number[]):
  { values: Float32Array; shape: number[] } {
  const rank = dilation.length;
  const outShape = shape.map((k, a) => (a < rank ? (k - 1) * dilation[a] + 1 : k));
  const out = new Float32Array(outShape.reduce((p, d) => p * d, 1));
  forEachIndex(shape, (index) => {
    const at = index.map((v, a) => (a < rank ? v * dilation[a] : v));
    out[offset(at, outShape)] = values[offset(index, shape)];
  });
  return { values: out, shape: outShape };
}

/** The gradient for the original kernel from the gradient for its dilated form: the taps it was built from. */
export function undilateGradient(values: ArrayLike<number>, shape: readonly number[], dilation: readonly number[]): Float32Array {
  const rank = dilation.length;
  const dilatedShape = shape.map((k, a) => (a < rank ? (k - 1) * dilation[a] + 1 : k));
  const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
  forEachIndex(shape, (index) => {
    const at = index.map((v, a) => (a < rank ? v * dilation[a] : v));
    out[offset(index, shape)] = values[offset(at, dilatedShape)];
  });
  return out;
}

// ---- comparing a layer with an oracle, forward and backward ----

/** What a layer computes on x, and the gradients of sum(output * r) w.r.t. x and each weight (kernel, bias). */
export interface ForwardAndGrads {
  y: ArrayLike<number>;
  yShape: number[];
  dx: ArrayLike<number>;
  dWeights: ArrayLike<number>[];
}

/** Our layer on x (eager), and the gradients of sum(output * r) w.r.t. x and its weights. */
export function ourForwardAndGrads(layer: Layer, x: Tensor, r?: Tensor): ForwardAndGrads & { r: Tensor } {
  const y = layer.apply(x);
  const proj = r ?? ops.randomUniform(y.shape, -1, 1);
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.multiply(layer.apply(x), proj)), [x, ...layer.weights]);
  return { y: y.values, yShape: y.shape, dx: grads[0].values, dWeights: grads.slice(1).map((g) => g.values), r: proj };
}

export function assertSameForwardAndGrads(actual: ForwardAndGrads, expected: ForwardAndGrads, what: string, tol = 1e-4): void {
  assert.deepEqual(actual.yShape, expected.yShape, `${what}: output shape`);
  assertAllClose(actual.y, expected.y, `${what}: output`, tol);
  assertAllClose(actual.dx, expected.dx, `${what}: d/dx`, tol);
  assert.equal(actual.dWeights.length, expected.dWeights.length, `${what}: number of weight gradients`);
  actual.dWeights.forEach((g, i) => assertAllClose(g, expected.dWeights[i], `${what}: d/dweight ${i}`, tol));
}

/** A tfjs layer's output on x, with our weights copied in (Keras layout in both). */
export function tfjsLayerForward(layer: tf.layers.Layer, x: Tensor, weights: Tensor[]): tf.Tensor {
  const xTf = toTf(x);
  layer.apply(xTf); // builds it
  layer.setWeights(weights.map(toTf));
  return layer.apply(xTf) as tf.Tensor;
}

/**
 * The same computation in a tfjs layer: our weights copied in with setWeights (Keras layout in both),
 * gradients through tf.variableGrads.
 */
export function tfjsLayerForwardAndGrads(layer: tf.layers.Layer, x: Tensor, weights: Tensor[], r: Tensor): ForwardAndGrads {
  const y = tfjsLayerForward(layer, x, weights);
  const xVar = tf.variable(toTf(x));
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const rTf = toTf(r);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, rTf)) as tf.Scalar, [xVar, ...vars]);
  return {
    y: y.dataSync(),
    yShape: y.shape,
    dx: grads[xVar.name].dataSync(),
    dWeights: vars.map((v) => grads[v.name].dataSync()),
  };
}

/**
 * The same computation composed from tfjs ops: `conv(x, w)` with a plain (undilated) kernel, the kernel
 * dilated by inserting zeros (tfjs has no conv gradients with dilation), plus bias; gradients through tf.grads.
 */
export function tfjsOpsForwardAndGrads(conv: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor, x: Tensor, kernel: Tensor,
  bias: Tensor | null, dilation: number[], r: Tensor): ForwardAndGrads {
  const dilated = dilateKernel(kernel.values, kernel.shape, dilation);
  const wTf = tf.tensor(Array.from(dilated.values), dilated.shape);
  const rTf = toTf(r);
  const inputs = [toTf(x), wTf, ...(bias ? [toTf(bias)] : [])];
  const forward = (xs: tf.Tensor[]) => {
    const y = conv(xs[0], xs[1]);
    return xs.length > 2 ? tf.add(y, xs[2]) : y;
  };
  const y = forward(inputs);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(forward(xs), rTf)))(inputs);
  return {
    y: y.dataSync(),
    yShape: y.shape,
    dx: grads[0].dataSync(),
    dWeights: [undilateGradient(grads[1].dataSync(), kernel.shape, dilation), ...(bias ? [grads[2].dataSync()] : [])],
  };
}
