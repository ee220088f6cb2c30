/**
 * The backend interface: the few primitive kernels everything else is composed from.
 * Kernels take and return flat Float32Arrays in row-major order; they know nothing of tensors,
 * autodiff or layers. A WebAssembly backend implements the same interface.
 */

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'abs' | 'sign' | 'reciprocal'
  | 'tanh' | 'sigmoid' | 'relu' | 'step' | 'softplus' | 'floor' | 'round';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'greater' | 'equal' | 'greaterEqual';

export type ReduceOp = 'sum' | 'max' | 'min';

/** The activations the layer epilogue (`biasActivation`) computes in the same pass as the bias add. */
export type EpilogueActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** Geometry of one 2-D convolution in NHWC layout, with explicit padding. */
export interface Conv2DParams {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Geometry of one 2-D pooling window pass in NHWC layout, with explicit padding. Padded positions are
 * never part of a window: max ignores them, average divides by the count of real (non-padded)
 * elements, as TensorFlow's 'SAME' pooling does.
 */
export interface Pool2DParams {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  poolHeight: number;
  poolWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export interface Backend {
  readonly name: string;
  unary(op: UnaryOp, x: Float32Array): Float32Array;
  /** Elementwise with NumPy broadcasting; `outShape` is the broadcast shape. */
  binary(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], outShape: number[]): Float32Array;
  /** Reduces `x` over `axes` (sorted, unique); the result has the reduced axes removed. */
  reduce(op: ReduceOp, x: Float32Array, shape: number[], axes: number[]): Float32Array;
  /**
   * The gradient of a max or min over `axes` whose result was `y`: `dy` (shaped as y) goes to the inputs
   * equal to their output, split evenly between ties.
   */
  extremeGrad(x: Float32Array, shape: number[], axes: number[], y: Float32Array, dy: Float32Array): Float32Array;
  /**
   * Batched matmul: a (batch, m, k) or its transpose, b (batch, k, n) or its transpose; batch 1 of b broadcasts.
   * Writes into `out` (batch * m * n floats, not overlapping a or b) when given, else into a new array; returns it.
   */
  matmul(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
    transposeA: boolean, transposeB: boolean, bBatch: number, out?: Float32Array): Float32Array;
  transpose(x: Float32Array, shape: number[], perm: number[]): Float32Array;
  slice(x: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array;
  /** Zero-pads: `pads[i] = [before, after]`. */
  pad(x: Float32Array, shape: number[], pads: [number, number][]): Float32Array;
  concat(xs: Float32Array[], shapes: number[][], axis: number): Float32Array;
  /** x (N,H,W,C_in), filter (kH,kW,C_in,C_out) -> (N,outH,outW,C_out) */
  conv2d(x: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array;
  /** Gradient of conv2d with respect to x, given dy (N,outH,outW,C_out). */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array;
  /** Gradient of conv2d with respect to the filter. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, p: Conv2DParams): Float32Array;
  /** x (N,H,W,C) -> (N,outH,outW,C): the largest value of each window. */
  maxPool2d(x: Float32Array, p: Pool2DParams): Float32Array;
  /** Gradient of maxPool2d w.r.t. x: each dy goes to the first maximum of its window (row-major), as TensorFlow. */
  maxPool2dBackprop(dy: Float32Array, x: Float32Array, p: Pool2DParams): Float32Array;
  /** x (N,H,W,C) -> (N,outH,outW,C): the mean of each window's non-padded elements. */
  avgPool2d(x: Float32Array, p: Pool2DParams): Float32Array;
  /** Gradient of avgPool2d w.r.t. x: each dy shared evenly among its window's non-padded elements. */
  avgPool2dBackprop(dy: Float32Array, p: Pool2DParams): Float32Array;
  /** Every output h_i of a SimpleRNN layer (see SimpleRnnParams), (batch, timesteps, units); bias null: none. */
  simpleRnnForward(inputs: Float32Array, kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array | null,
    initialState: Float32Array, p: SimpleRnnParams): Float32Array;
  /** Backpropagation through time for simpleRnnForward, given dL/d(outputs) and the outputs it returned. */
  simpleRnnBackward(dOutputs: Float32Array, outputs: Float32Array, inputs: Float32Array, kernel: Float32Array,
    recurrentKernel: Float32Array, initialState: Float32Array, p: SimpleRnnParams): SimpleRnnGradients;
  /**
   * The layer epilogue y = activation(z + bias), bias (channels) repeating along z's leading axes (null:
   * none). Writes into `out` when given, which may be z itself, else into a new array; returns it.
   */
  biasActivation(z: Float32Array, bias: Float32Array | null, activation: EpilogueActivation, out?: Float32Array): Float32Array;
  /**
   * The epilogue's gradient from its output y: dz = dy * activation'(y) (relu: dy where y > 0, else 0;
   * sigmoid y (1 - y); tanh 1 - y²) and, when `channels` > 0, dbias = dz summed over the leading axes.
   */
  biasActivationGrad(dy: Float32Array, y: Float32Array, activation: EpilogueActivation, channels: number):
    { dz: Float32Array; dbias: Float32Array | null };
  /**
   * One training step of a chain of Dense layers with the mean squared error and Adam (see DenseTrainStep):
   * updates the weights and Adam's slots in place, writes the predictions into `output` and returns the
   * loss, both from before the update; or returns null, changing nothing, when the backend runs such a step
   * faster as separate kernels (wasm: products large enough for two threads).
   */
  denseTrainStep(step: DenseTrainStep): number | null;
  /**
   * The forward pass of such a chain (see DenseForward) as one call, writing the last layer's output into
   * `output`; or false, doing nothing, when the backend runs it faster as separate kernels.
   */
  denseForward(pass: DenseForward): boolean;
  /**
   * Runs `program` (see Program): copies each `inputs` array into its buffer, runs the ops in order, then
   * copies each `outputs` buffer into its array. Buffers not given as inputs start with unspecified contents.
   */
  runProgram(program: Program, inputs: readonly ProgramIO[], outputs: readonly ProgramIO[]): void;
}

/** A buffer of a program and the caller's array of the same length: [buffer index, array]. */
export type ProgramIO = readonly [number, Float32Array];

/**
 * A fixed sequence of kernel calls over numbered buffers that the backend holds for one `runProgram` call:
 * a planned training step (src/training/plan/) runs a whole step as one program, so a backend that keeps
 * its own memory (wasm) copies only the step's inputs and results, not every kernel's operands and output.
 * Ops name buffers by index; element counts come from the buffers' sizes and the ops' params, which must
 * agree. An op's output buffer must not be one of its inputs, except where an op says so.
 */
export interface Program {
  /** Each buffer's size in floats. */
  buffers: number[];
  ops: ProgramOp[];
}

/** One op of a Program: the Backend kernel of the same name, writing into a buffer of the program. */
export type ProgramOp =
  | { op: 'conv2d'; x: number; filter: number; y: number; p: Conv2DParams }
  | { op: 'conv2dBackpropInput'; dy: number; filter: number; dx: number; p: Conv2DParams }
  | { op: 'conv2dBackpropFilter'; x: number; dy: number; dfilter: number; p: Conv2DParams }
  /** y (m, n) = a (m, k) · b (k, n), either transposed: `matmul` with batch 1. */
  | { op: 'matmul'; a: number; b: number; y: number; m: number; k: number; n: number; transposeA: boolean; transposeB: boolean }
  /** y = activation(z + bias) over all of z, bias (channels) repeating; y may be z; bias null: none. */
  | { op: 'biasActivation'; z: number; bias: number | null; y: number; activation: EpilogueActivation }
  /** dz = dy * activation'(y) over all of dy; dz may be dy; dbias (dy's last axis, `channels`) unless null. */
  | { op: 'biasActivationGrad'; dy: number; y: number; dz: number; dbias: number | null; activation: EpilogueActivation;
      channels: number }
  | { op: 'maxPool2d'; x: number; y: number; p: Pool2DParams }
  | { op: 'maxPool2dBackprop'; dy: number; x: number; dx: number; p: Pool2DParams }
  /** y (outer, inner) = the max over mid of x (outer, mid, inner): `reduce('max', x, [outer, mid, inner], [1])`. */
  | { op: 'reduceMax'; x: number; y: number; outer: number; mid: number; inner: number }
  /** Its gradient, `extremeGrad(x, [outer, mid, inner], [1], y, dy)`: dy split evenly between tied maxima. */
  | { op: 'reduceMaxGrad'; x: number; y: number; dy: number; dx: number; outer: number; mid: number; inner: number }
  /** y (outer, inner) = the mean over mid of x (outer, mid, inner): `reduce('sum', ...)`, each sum then divided by mid. */
  | { op: 'reduceMean'; x: number; y: number; outer: number; mid: number; inner: number }
  /** Its gradient: dx (outer, mid, inner) = dy (outer, inner) / mid at every position of mid. */
  | { op: 'reduceMeanGrad'; dy: number; dx: number; outer: number; mid: number; inner: number }
  /** y = a * b elementwise on equal sizes (a dropout mask); y may be a. */
  | { op: 'mul'; a: number; b: number; y: number }
  /**
   * A dropout mask: y[i] = value where draw i of the global generator's stream (src/core/random.ts,
   * randomFloat's draws) from state `from` is below p, else 0, as bernoulliFillFrom. `from` is read when the
   * program runs: a planned step sets it (core's reserveDraws) before each run.
   */
  | { op: 'bernoulli'; y: number; from: number; p: number; value: number }
  /**
   * JavaScript between kernels (a loss and its gradient): called with a view of every buffer, by index,
   * valid during the call only. It may read and write them, and must not call the backend.
   */
  | { op: 'host'; run: (buffers: Float32Array[]) => void };

/**
 * A training step of Dense layers y = activation(x W + b), relu or linear, on `rows` rows, loss mean((t - y)²)
 * over the last axis then the batch, times the loss weight; then Adam as keras/src/optimizers/adam.py updates
 * every kernel and bias (epsilon added to sqrt(v), the bias corrections folded into `alpha`), in float32.
 */
export interface DenseTrainStep {
  rows: number;
  /** units[0]: the input features; units[l + 1]: layer l's units. At most 8 layers. */
  units: number[];
  relu: boolean[];
  x: Float32Array;
  y: Float32Array;
  /** Layer 0's kernel (units[0] x units[1]) and bias, then layer 1's, ...: updated in place. */
  weights: Float32Array[];
  /** Adam's momentum and velocity for each of `weights`, updated in place. */
  momentum: Float32Array[];
  velocity: Float32Array[];
  /** The loss weight / rows / units[last], rounded to float32 step by step (d loss / d y = -2 (t - y) perElement). */
  perElement: number;
  /** learningRate sqrt(1 - beta2^t) / (1 - beta1^t) for step t. */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Receives the predictions, rows x units[last]. */
  output: Float32Array;
}

/** The forward pass of DenseTrainStep's chain alone (predict, evaluate): the same products and roundings. */
export type DenseForward = Pick<DenseTrainStep, 'rows' | 'units' | 'relu' | 'x' | 'weights' | 'output'>;

/** The activations the fused SimpleRNN kernels apply (Keras's names); others run step by step in ops. */
export type RecurrentActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

/**
 * Geometry of one SimpleRNN layer over a whole sequence (keras/src/layers/rnn/simple_rnn.py):
 * h_i = activation(z[:, t(i)] + h_{i-1} U), h_{-1} the initial state (batch, units), where z = x W + b is
 * the projected input (batch, timesteps, units) of x (batch, timesteps, features), W the kernel
 * (features, units), b the bias (units), U the recurrent kernel (units, units), and t(i) = i, or
 * timesteps - 1 - i when `goBackwards`. The outputs h_i are (batch, timesteps, units) in processing order,
 * as Keras's backend.rnn returns them.
 */
export interface SimpleRnnParams {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: RecurrentActivation;
  goBackwards: boolean;
}

/** The gradients of simpleRnnForward's inputs. */
export interface SimpleRnnGradients {
  dInputs: Float32Array;
  dKernel: Float32Array;
  dRecurrentKernel: Float32Array;
  /** dL/db (computed with or without a bias: the sums of dL/dz). */
  dBias: Float32Array;
  dInitialState: Float32Array;
}

const registry = new Map<string, Backend>();
let active: Backend | null = null;

export function registerBackend(backend: Backend): void {
  registry.set(backend.name, backend);
  if (active === null) active = backend;
}

export function setBackend(name: string): void {
  const b = registry.get(name);
  if (!b) throw new Error(`Unknown backend '${name}'. Available: ${[...registry.keys()].join(', ')}.`);
  active = b;
}

export function getBackend(): Backend {
  if (active === null) throw new Error('No backend registered.');
  return active;
}
