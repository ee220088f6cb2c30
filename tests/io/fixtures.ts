/** Paths and expected outputs of the real Keras files in ../shared/fixtures/keras-files (see its SOURCES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/index.js';

export const FIXTURES = join('..', 'shared', 'fixtures', 'keras-files');

export interface Expected {
  input_shape: number[];
  inputs: unknown[];
  outputs: unknown[];
  final_pre_activation?: unknown[];
  total_params: number;
  keras_version: string;
}

export const MODEL_FILES = [
  'k3_conv1d_dense.keras', 'k3_dense_sine.keras', 'k3_lstm.keras', 'k3_gru.keras', 'tfk214_conv1d_maxpool.keras',
  'k2_dense_bn.h5', 'k2_conv2d_bn.h5', 'k2_conv1d.h5', 'k2_conv1d_gru.h5',
];

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

export function expected(file: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, file.replace(/\.(keras|h5)$/, '.expected.json')), 'utf8')) as Expected;
}

export function inputsOf(e: Expected): Tensor {
  return new Tensor(Float32Array.from((e.inputs as number[]).flat(Infinity as 1) as number[]), [e.inputs.length, ...e.input_shape]);
}

export function maxAbsDiff(actual: ArrayLike<number>, want: ArrayLike<number>): number {
  if (actual.length !== want.length) return Infinity;
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(actual[i] - want[i]));
  return Number.isNaN(err) ? Infinity : err;
}

export function flat(v: unknown[]): number[] {
  return (v as number[]).flat(Infinity as 1) as number[];
}
