/** Merging layers (keras/src/layers/merging/). */
export { Merge } from './baseMerge.js';
export { Add, Subtract, Multiply, Average, Maximum, Minimum } from './elementwise.js';
export { Concatenate, type ConcatenateArgs } from './concatenate.js';
