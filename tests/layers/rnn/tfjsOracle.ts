/**
 * TensorFlow.js 4.22's SimpleRNN as a test oracle (pure-JS CPU backend). Its SimpleRNN has Keras's
 * weights (kernel, recurrent_kernel, bias), formula and go_backwards order; its defaults differ only
 * where we pass everything explicitly here.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../../../src/tensor/tensor.js';

export { tf };

let ready: Promise<boolean> | null = null;
export function useTfjsCpu(): Promise<boolean> {
  ready ??= tf.setBackend('cpu');
  return ready;
}

export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.values), t.shape);
}

export interface RnnOptions {
  units: number;
  activation?: 'tanh' | 'relu' | 'linear';
  useBias?: boolean;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
}

/** A built tfjs SimpleRNN holding `weights` (Keras order). */
export function tfjsSimpleRNN(options: RnnOptions, weights: Tensor[], inputShape: number[]): tf.layers.Layer {
  const layer = tf.layers.simpleRNN({
    units: options.units,
    activation: options.activation ?? 'tanh',
    useBias: options.useBias ?? true,
    returnSequences: options.returnSequences ?? false,
    returnState: options.returnState ?? false,
    goBackwards: options.goBackwards ?? false,
  });
  layer.apply(tf.zeros(inputShape)); // builds it
  layer.setWeights(weights.map(toTf));
  return layer;
}

/** The layer's outputs (one array per output) on x, optionally from initial state h0. */
export function tfjsForward(layer: tf.layers.Layer, x: Tensor, h0?: Tensor): Float32Array[] {
  const out = layer.apply(toTf(x), h0 ? { initialState: [toTf(h0)] } : {}) as tf.Tensor | tf.Tensor[];
  return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
}

/**
 * Gradients of sum(output * r) with respect to x, h0 and each weight (Keras order), by tf.grads and
 * tf.variableGrads.
 */
export function tfjsGradients(layer: tf.layers.Layer, x: Tensor, h0: Tensor, r: Tensor): { x: Float32Array; h0: Float32Array; weights: Float32Array[] } {
  const tr = toTf(r);
  const loss = (xs: tf.Tensor, hs: tf.Tensor) => tf.sum(tf.mul(layer.apply(xs, { initialState: [hs] }) as tf.Tensor, tr)) as tf.Scalar;
  const [gx, gh] = tf.grads((xs: tf.Tensor, hs: tf.Tensor) => loss(xs, hs))([toTf(x), toTf(h0)]);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const tx = toTf(x), th = toTf(h0);
  const { grads } = tf.variableGrads(() => loss(tx, th), vars);
  return {
    x: gx.dataSync() as Float32Array,
    h0: gh.dataSync() as Float32Array,
    weights: vars.map((v) => grads[v.name].dataSync() as Float32Array),
  };
}
