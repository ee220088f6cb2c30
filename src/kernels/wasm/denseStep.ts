/**
 * Binding for dense_step.c: a whole Dense-chain training step (forward, mean squared error, backward, Adam) as
 * one call on the plain-memory module (small.ts), instead of five matmul calls and JS loops. Everything the
 * step reads goes in and everything it updates comes out on each call (weights, Adam's slots: ~6k floats
 * each for the seed MLP, ~1 µs per 3,000 floats into plain memory), so the Variables and the optimizer's
 * slots stay the only state and are current after every step (bench/NOTES.md entry 13).
 */
import type { DenseForward, DenseTrainStep } from '../../backend/backend.js';
import { denseTrainStep as jsDenseTrainStep } from '../js/denseStep.js';
import { oneThreadModule, type OneThreadModule } from './small.js';
import { kernelModule, tryLayout } from './module.js';

const MAX_LAYERS = 8;
/** DenseStepParams (dense_step.c): rows, layers, units[9], relu[8], 10 pointers, 5 floats. */
const PARAMS_INTS = 2 + (MAX_LAYERS + 1) + MAX_LAYERS + 10 + 5;
const POINTERS = 2 + (MAX_LAYERS + 1) + MAX_LAYERS;

/**
 * The chain's forward pass (dense_step.c denseForward) on the plain-memory module: the input and the weights
 * in, the last layer's output out, one call. False where wasm32 memory cannot hold it (the caller runs layers).
 */
export function denseForwardOneThread(s: DenseForward): boolean {
  const layers = s.units.length - 1;
  const mod = layers <= MAX_LAYERS ? oneThreadModule() ?? kernelModule() : null;
  if (mod === null) return false;
  const { rows, units } = s;
  const { parameters, outputs } = chainSizes(rows, units);
  // The params' pointer slots in order: x, y, weights, m, v, gradients, outputs, dy, dx, sums (unused ones empty).
  const at = tryLayout(mod, [PARAMS_INTS, s.x.length, 0, parameters, 0, 0, 0, outputs, 0, 0, 0]);
  if (at === null) return false;
  const f32 = mod.f32;
  f32.set(s.x, at[1] >> 2);
  copyIn(f32, s.weights, at[3] >> 2);
  writeParams(mod.i32, at, rows, units, s.relu);
  mod.exports.denseForward(at[0]);
  copyPredictions(f32, at, outputs, s.output);
  return true;
}

/** Floats of a chain on `rows` rows: every kernel and bias, every layer's output, and the widest layer. */
function chainSizes(rows: number, units: number[]): { parameters: number; outputs: number; widest: number } {
  let parameters = 0, outputs = 0, widest = 0;
  for (let l = 0; l + 1 < units.length; l++) {
    parameters += (units[l] + 1) * units[l + 1];
    outputs += rows * units[l + 1];
    widest = Math.max(widest, units[l + 1], units[l]);
  }
  return { parameters, outputs, widest };
}

/** The last layer's output (the end of the outputs region, at[7]) into `output`. */
function copyPredictions(f32: Float32Array, at: number[], outputs: number, output: Float32Array): void {
  const predictionsAt = (at[7] >> 2) + outputs - output.length;
  output.set(f32.subarray(predictionsAt, predictionsAt + output.length));
}

/** DenseStepParams' integer part: rows, layers, units, relu flags and the ten region pointers at[1..10]. */
function writeParams(i32: Int32Array, at: number[], rows: number, units: number[], relu: boolean[]): number {
  const layers = units.length - 1;
  const p = at[0] >> 2;
  i32[p] = rows;
  i32[p + 1] = layers;
  for (let l = 0; l <= MAX_LAYERS; l++) i32[p + 2 + l] = l <= layers ? units[l] : 0;
  for (let l = 0; l < MAX_LAYERS; l++) i32[p + 11 + l] = l < layers && relu[l] ? 1 : 0;
  for (let i = 0; i < 10; i++) i32[p + POINTERS + i] = at[i + 1];
  return p + POINTERS + 10;
}

/**
 * The whole step on the plain-memory module (or `on`: another build, for bench/ab-dense-step.ts); the JS
 * reference where wasm32 memory cannot hold it.
 */
export function denseTrainStepOneThread(s: DenseTrainStep, on?: OneThreadModule): number {
  const layers = s.units.length - 1;
  const mod = layers <= MAX_LAYERS ? on ?? oneThreadModule() ?? kernelModule() : null;
  if (mod === null) return jsDenseTrainStep(s);
  const { rows, units } = s;
  const { parameters, outputs, widest } = chainSizes(rows, units);
  const at = tryLayout(mod, [PARAMS_INTS, s.x.length, s.y.length, parameters, parameters, parameters, parameters,
    outputs, rows * widest, rows * widest, 2 * widest]);
  if (at === null) return jsDenseTrainStep(s);
  const [paramsAt, xAt, yAt, weightsAt, mAt, vAt] = at;
  const f32 = mod.f32, i32 = mod.i32;
  f32.set(s.x, xAt >> 2);
  f32.set(s.y, yAt >> 2);
  copyIn(f32, s.weights, weightsAt >> 2);
  copyIn(f32, s.momentum, mAt >> 2);
  copyIn(f32, s.velocity, vAt >> 2);
  const q = writeParams(i32, at, rows, units, s.relu);
  f32[q] = s.perElement;
  f32[q + 1] = s.alpha;
  f32[q + 2] = 1 - s.beta1;
  f32[q + 3] = 1 - s.beta2;
  f32[q + 4] = s.epsilon;
  const loss = mod.exports.denseTrainStep(paramsAt);
  copyOut(f32, weightsAt >> 2, s.weights);
  copyOut(f32, mAt >> 2, s.momentum);
  copyOut(f32, vAt >> 2, s.velocity);
  copyPredictions(f32, at, outputs, s.output);
  return loss;
}

function copyIn(memory: Float32Array, arrays: Float32Array[], at: number): void {
  for (const a of arrays) {
    memory.set(a, at);
    at += a.length;
  }
}

function copyOut(memory: Float32Array, at: number, arrays: Float32Array[]): void {
  for (const a of arrays) {
    a.set(memory.subarray(at, at + a.length));
    at += a.length;
  }
}
