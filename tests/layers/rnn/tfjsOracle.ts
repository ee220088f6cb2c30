/**
 * TensorFlow.js 4.22's SimpleRNN, LSTM and GRU as test oracles (pure-JS CPU backend). They have Keras's
 * weights (kernel, recurrent_kernel, bias), gate order, formulas and go_backwards order; their defaults
 * differ (recurrent_activation hard_sigmoid; GRU refuses reset_after true), so everything is passed
 * explicitly here.
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

export interface GatedRnnOptions extends Omit<RnnOptions, 'activation'> {
  activation?: 'tanh' | 'relu' | 'linear' | 'sigmoid';
  recurrentActivation?: 'sigmoid' | 'tanh';
}

/** A built tfjs LSTM holding `weights` (Keras order); recurrentActivation defaults to Keras 3's sigmoid. */
export function tfjsLSTM(options: GatedRnnOptions, weights: Tensor[], inputShape: number[]): tf.layers.Layer {
  const layer = tf.layers.lstm({
    units: options.units,
    activation: options.activation ?? 'tanh',
    recurrentActivation: options.recurrentActivation ?? 'sigmoid',
    useBias: options.useBias ?? true,
    returnSequences: options.returnSequences ?? false,
    returnState: options.returnState ?? false,
    goBackwards: options.goBackwards ?? false,
  });
  layer.apply(tf.zeros(inputShape));
  layer.setWeights(weights.map(toTf));
  return layer;
}

/** A built tfjs GRU (reset_after false, the only variant tfjs has) holding `weights` (Keras order). */
export function tfjsGRU(options: GatedRnnOptions, weights: Tensor[], inputShape: number[]): tf.layers.Layer {
  const layer = tf.layers.gru({
    units: options.units,
    activation: options.activation ?? 'tanh',
    recurrentActivation: options.recurrentActivation ?? 'sigmoid',
    useBias: options.useBias ?? true,
    // No resetAfter: tfjs's typings lack it and its GRU always computes reset_after=false.
    returnSequences: options.returnSequences ?? false,
    returnState: options.returnState ?? false,
    goBackwards: options.goBackwards ?? false,
  });
  layer.apply(tf.zeros(inputShape));
  layer.setWeights(weights.map(toTf));
  return layer;
}

/** The layer's outputs (one array per output) on x, optionally from initial state(s). */
export function tfjsForward(layer: tf.layers.Layer, x: Tensor, h0?: Tensor | Tensor[]): Float32Array[] {
  const states = h0 === undefined ? undefined : (Array.isArray(h0) ? h0 : [h0]).map(toTf);
  const out = layer.apply(toTf(x), states ? { initialState: states } : {}) as tf.Tensor | tf.Tensor[];
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

/**
 * Gradients of sum(output * r) with respect to x, each initial state and each weight (Keras order),
 * for layers with several states (LSTM's [h, c]).
 */
export function tfjsGradientsStates(layer: tf.layers.Layer, x: Tensor, states: Tensor[], r: Tensor): { x: Float32Array; states: Float32Array[]; weights: Float32Array[] } {
  const tr = toTf(r);
  const loss = (xs: tf.Tensor, ss: tf.Tensor[]) => tf.sum(tf.mul(layer.apply(xs, { initialState: ss }) as tf.Tensor, tr)) as tf.Scalar;
  const [gx, ...gs] = tf.grads((...args: tf.Tensor[]) => loss(args[0], args.slice(1)))([toTf(x), ...states.map(toTf)]);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const tx = toTf(x), ts = states.map(toTf);
  const { grads } = tf.variableGrads(() => loss(tx, ts), vars);
  return {
    x: gx.dataSync() as Float32Array,
    states: gs.map((g) => g.dataSync() as Float32Array),
    weights: vars.map((v) => grads[v.name].dataSync() as Float32Array),
  };
}
