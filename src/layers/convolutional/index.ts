/** Convolution layers: one base per family (BaseConv, BaseConvTranspose), a thin class per rank. */
export { BaseConv, type BaseConvArgs } from './baseConv.js';
export { Conv1D, type Conv1DArgs } from './conv1d.js';
export { Conv2D, type Conv2DArgs } from './conv2d.js';
export { BaseConvTranspose, type BaseConvTransposeArgs } from './baseConvTranspose.js';
export { Conv2DTranspose, type Conv2DTransposeArgs } from './conv2dTranspose.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from './depthwiseConv2d.js';
export { BaseSeparableConv, type BaseSeparableConvArgs } from './baseSeparableConv.js';
export { SeparableConv1D, type SeparableConv1DArgs } from './separableConv1d.js';
export { SeparableConv2D, type SeparableConv2DArgs } from './separableConv2d.js';
