/** Convolution layers: one base per family (BaseConv, BaseConvTranspose), a thin class per rank. */
export { BaseConv, type BaseConvArgs } from './baseConv.js';
export { Conv1D, type Conv1DArgs } from './conv1d.js';
export { Conv2D, type Conv2DArgs } from './conv2d.js';
export { BaseConvTranspose, type BaseConvTransposeArgs } from './baseConvTranspose.js';
export { Conv2DTranspose, type Conv2DTransposeArgs } from './conv2dTranspose.js';
