/**
 * The benchmark workloads of issue 4 (W1–W6 and GEMM), defined once as data and built for each
 * JavaScript peer: kerats (the built package, on whatever backend is active) and TensorFlow.js 4.22
 * (`cpu` or `wasm`). PyTorch builds the same models in bench/torch_workloads.py.
 */
import type * as TF from '@tensorflow/tfjs';
import * as kerats from 'kerats';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6a' | 'W6b' | 'GEMM';

/** A training workload: fit() on random float32 data with Adam; timed per epoch. */
export interface TrainSpec {
  kind: 'train';
  id: WorkloadId;
  title: string;
  /** Per-sample input and target shapes (channels last, as Keras). */
  inputShape: number[];
  targetShape: number[];
  /** Samples in one full epoch (before the validation split). */
  samples: number;
  batchSize: number;
  validationSplit: number;
  loss: 'mse' | 'categorical_crossentropy';
  metrics: string[];
  /** Classification targets are one-hot rows; regression targets are uniform in [0, 1). */
  oneHot: boolean;
  unit: 's/epoch' | 'samples/s';
  /** kerats layer classes the model needs; missing ones make the workload 'n/a (layer missing)'. */
  needs: string[];
}

/** An inference workload: predict() on one batch of random data; timed per call. */
export interface PredictSpec {
  kind: 'predict';
  id: WorkloadId;
  title: string;
  model: 'W1' | 'W5';
  batch: number;
  unit: 'µs/predict' | 'ms/predict';
  needs: string[];
}

export interface GemmSpec {
  kind: 'gemm';
  id: WorkloadId;
  title: string;
  size: number;
  unit: 'GFLOP/s';
  needs: string[];
}

export type Workload = TrainSpec | PredictSpec | GemmSpec;

const MNIST_NEEDS = ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense'];

export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: {
    kind: 'train', id: 'W1', title: 'seed MLP 30-100-30, MSE+MAE, 3000 samples, val 0.2, batch 20',
    inputShape: [30], targetShape: [30], samples: 3000, batchSize: 20, validationSplit: 0.2,
    loss: 'mse', metrics: ['mae'], oneHot: false, unit: 's/epoch', needs: ['Dense'],
  },
  W2: {
    kind: 'train', id: 'W2', title: 'seed deconv (10,3,1) -> 2 Conv2D -> 3 Conv2DTranspose, MSE, 10000 samples, batch 32',
    inputShape: [10, 3, 1], targetShape: [12, 10, 1], samples: 10000, batchSize: 32, validationSplit: 0,
    loss: 'mse', metrics: [], oneHot: false, unit: 's/epoch', needs: ['Conv2D', 'Conv2DTranspose'],
  },
  W3: {
    kind: 'train', id: 'W3', title: 'time series (128,9) -> 2 Conv1D(100,10) -> GlobalMaxPooling1D -> Dense(6), 7352 samples, batch 64',
    inputShape: [128, 9], targetShape: [6], samples: 7352, batchSize: 64, validationSplit: 0,
    loss: 'categorical_crossentropy', metrics: [], oneHot: true, unit: 's/epoch', needs: ['Conv1D', 'GlobalMaxPooling1D', 'Dense'],
  },
  W4: {
    kind: 'train', id: 'W4', title: 'RNN (50,8) -> SimpleRNN(64, seq) -> SimpleRNN(64) -> Dense(1), 5000 samples, batch 32',
    inputShape: [50, 8], targetShape: [1], samples: 5000, batchSize: 32, validationSplit: 0,
    loss: 'mse', metrics: [], oneHot: false, unit: 's/epoch', needs: ['SimpleRNN', 'Dense'],
  },
  W5: {
    // One MNIST epoch is 60,000 samples; throughput is measured over a fixed number of batches.
    kind: 'train', id: 'W5', title: "Keras's MNIST convnet (34,826 params), batch 128",
    inputShape: [28, 28, 1], targetShape: [10], samples: 60000, batchSize: 128, validationSplit: 0,
    loss: 'categorical_crossentropy', metrics: [], oneHot: true, unit: 'samples/s', needs: MNIST_NEEDS,
  },
  W6a: {
    kind: 'predict', id: 'W6a', title: 'W1 model, predict one sample', model: 'W1', batch: 1, unit: 'µs/predict', needs: ['Dense'],
  },
  W6b: {
    kind: 'predict', id: 'W6b', title: 'W5 model, predict a batch of 1000', model: 'W5', batch: 1000, unit: 'ms/predict', needs: MNIST_NEEDS,
  },
  GEMM: { kind: 'gemm', id: 'GEMM', title: '1024x1024 @ 1024x1024 float32 matmul', size: 1024, unit: 'GFLOP/s', needs: [] },
};

export const WORKLOAD_IDS = Object.keys(WORKLOADS) as WorkloadId[];

/** Whether a larger number is better for this unit (throughputs) or a smaller one (times). */
export function higherIsBetter(unit: Workload['unit']): boolean {
  return unit === 'samples/s' || unit === 'GFLOP/s';
}

// ---------------------------------------------------------------------------------------------
// Data: the same seeded float32 values for every JavaScript peer (mulberry32; PyTorch uses numpy's
// generator with the same seed, so its values differ but have the same distribution).

export function seededUniform(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Inputs and targets for `n` samples of a training workload. */
export function trainingData(spec: TrainSpec, n: number): { x: Float32Array; y: Float32Array } {
  const x = seededUniform(n * size(spec.inputShape), 1);
  let y: Float32Array;
  if (spec.oneHot) {
    const classes = spec.targetShape[0];
    const draw = seededUniform(n, 2);
    y = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) y[i * classes + Math.floor(draw[i] * classes)] = 1;
  } else {
    y = seededUniform(n * size(spec.targetShape), 2);
  }
  return { x, y };
}

// ---------------------------------------------------------------------------------------------
// kerats

export class MissingLayerError extends Error {}

type LayerCtor = new (...args: unknown[]) => kerats.Layer;

/** Looks a layer class up at run time so that the bench compiles before every layer is exported. */
function keratsLayer(name: string): LayerCtor {
  const cls = (kerats.layers as unknown as Record<string, LayerCtor | undefined>)[name];
  if (!cls) throw new MissingLayerError(`n/a (layer missing: ${name})`);
  return cls;
}

export function checkKeratsLayers(w: Workload): void {
  for (const name of w.needs) keratsLayer(name);
}

export function buildKerats(id: 'W1' | 'W2' | 'W3' | 'W4' | 'W5'): kerats.Model {
  const L = (name: string, ...args: unknown[]): kerats.Layer => new (keratsLayer(name))(...args);
  const chain = (input: kerats.SymbolicTensor, ls: kerats.Layer[]): kerats.Model => {
    let x = input;
    for (const l of ls) x = l.apply(x) as kerats.SymbolicTensor;
    return new kerats.Model(input, x);
  };
  switch (id) {
    case 'W1':
      return chain(kerats.Input([30]), [L('Dense', 100, { activation: 'relu' }), L('Dense', 30)]);
    case 'W2':
      return chain(kerats.Input([10, 3, 1]), [
        L('Conv2D', 2, [2, 2]), L('Conv2D', 4, [2, 2]),
        L('Conv2DTranspose', 4, [3, 4]), L('Conv2DTranspose', 2, [2, 4]), L('Conv2DTranspose', 1, [2, 4]),
      ]);
    case 'W3':
      return chain(kerats.Input([128, 9]), [
        L('Conv1D', 100, 10, { activation: 'relu' }), L('Conv1D', 100, 10, { activation: 'relu' }),
        L('GlobalMaxPooling1D'), L('Dense', 6, { activation: 'softmax' }),
      ]);
    case 'W4':
      return chain(kerats.Input([50, 8]), [
        L('SimpleRNN', 64, { returnSequences: true }), L('SimpleRNN', 64), L('Dense', 1),
      ]);
    case 'W5':
      // keras-io/examples/vision/mnist_convnet.py
      return chain(kerats.Input([28, 28, 1]), [
        L('Conv2D', 32, [3, 3], { activation: 'relu' }), L('MaxPooling2D', [2, 2]),
        L('Conv2D', 64, [3, 3], { activation: 'relu' }), L('MaxPooling2D', [2, 2]),
        L('Flatten'), L('Dropout', 0.5), L('Dense', 10, { activation: 'softmax' }),
      ]);
  }
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js

export function buildTfjs(tf: typeof TF, id: 'W1' | 'W2' | 'W3' | 'W4' | 'W5'): TF.LayersModel {
  const l = tf.layers;
  const seq = (inputShape: number[], ls: TF.layers.Layer[]): TF.LayersModel => {
    const input = tf.input({ shape: inputShape });
    let x = input;
    for (const layer of ls) x = layer.apply(x) as TF.SymbolicTensor;
    return tf.model({ inputs: input, outputs: x });
  };
  switch (id) {
    case 'W1':
      return seq([30], [l.dense({ units: 100, activation: 'relu' }), l.dense({ units: 30 })]);
    case 'W2':
      return seq([10, 3, 1], [
        l.conv2d({ filters: 2, kernelSize: [2, 2] }), l.conv2d({ filters: 4, kernelSize: [2, 2] }),
        l.conv2dTranspose({ filters: 4, kernelSize: [3, 4] }), l.conv2dTranspose({ filters: 2, kernelSize: [2, 4] }),
        l.conv2dTranspose({ filters: 1, kernelSize: [2, 4] }),
      ]);
    case 'W3':
      return seq([128, 9], [
        l.conv1d({ filters: 100, kernelSize: 10, activation: 'relu' }), l.conv1d({ filters: 100, kernelSize: 10, activation: 'relu' }),
        l.globalMaxPooling1d({}), l.dense({ units: 6, activation: 'softmax' }),
      ]);
    case 'W4':
      return seq([50, 8], [l.simpleRNN({ units: 64, returnSequences: true }), l.simpleRNN({ units: 64 }), l.dense({ units: 1 })]);
    case 'W5':
      return seq([28, 28, 1], [
        l.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
        l.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
        l.flatten(), l.dropout({ rate: 0.5 }), l.dense({ units: 10, activation: 'softmax' }),
      ]);
  }
}
