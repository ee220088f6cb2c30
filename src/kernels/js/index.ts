/** The reference TypeScript backend: correct first, the baseline every other backend is checked against. */
import type { Backend } from '../../backend/backend.js';
import { binary, unary } from './elementwise.js';
import { extremeGrad, reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { concat, pad, slice, transpose } from './movement.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { avgPool2d, avgPool2dBackprop, maxPool2d, maxPool2dBackprop } from './pool.js';
import { simpleRnnBackward, simpleRnnForward } from './rnn.js';
import { biasActivation, biasActivationGrad } from './epilogue.js';
import { denseForward, denseTrainStep } from './denseStep.js';
import { runProgram } from './program.js';

export const jsBackend: Backend = {
  name: 'js',
  unary, binary, reduce, extremeGrad, matmul, transpose, slice, pad, concat,
  conv2d, conv2dBackpropInput, conv2dBackpropFilter,
  maxPool2d, maxPool2dBackprop, avgPool2d, avgPool2dBackprop,
  simpleRnnForward, simpleRnnBackward,
  biasActivation, biasActivationGrad,
  denseTrainStep,
  denseForward,
  runProgram,
};
