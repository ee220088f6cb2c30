/**
 * What the trainer's layer plan needs to know of a model that is a chain (Model.layerChain): each layer
 * described by its kind, weights, activation and window arguments, so src/training/plan/layerChain.ts
 * can lower the chain to backend programs without importing layers. A layer the plan has no kind for is
 * 'other' (the plan then declines the model); subclasses are 'other' too, since they may override call().
 */
import { epilogueActivation, getActivation, type ActivationFn } from '../activations/index.js';
import type { Layer } from '../layers/layer.js';
import { Conv1D } from '../layers/convolutional/conv1d.js';
import { Conv2D } from '../layers/convolutional/conv2d.js';
import type { BaseConv } from '../layers/convolutional/baseConv.js';
import { MaxPooling1D, MaxPooling2D } from '../layers/pooling/maxPooling.js';
import { GlobalMaxPooling1D, GlobalMaxPooling2D } from '../layers/pooling/globalMaxPooling.js';
import { GlobalAveragePooling1D, GlobalAveragePooling2D } from '../layers/pooling/globalAveragePooling.js';
import type { BasePooling } from '../layers/pooling/basePooling.js';
import { Flatten } from '../layers/reshaping/flatten.js';
import { Dropout } from '../layers/regularization/dropout.js';
import { Dense } from '../layers/core/dense.js';
import type { ChainLink, ChainLayer } from '../training/plan/layerChain.js';

/** linear, relu, sigmoid or tanh (the epilogue's), softmax, or null for any other activation. */
function activationName(fn: ActivationFn): string | null {
  return epilogueActivation(fn) ?? (fn === getActivation('softmax') ? 'softmax' : null);
}

/** Whether a layer with weights trains them all and adds no penalty to the loss. */
function plainWeights(l: BaseConv | Dense): boolean {
  return l.trainable && l.kernel !== null && l.kernel.trainable && (l.bias === null || l.bias.trainable)
    && l.kernelRegularizer === null && l.biasRegularizer === null && l.activityRegularizer === null;
}

export function describeLayer(layer: Layer): ChainLayer {
  if (layer.constructor === Conv2D || layer.constructor === Conv1D) {
    const c = layer as BaseConv;
    if (!plainWeights(c)) return { kind: 'other' };
    return {
      kind: 'conv', rank: c.rank, kernel: c.kernel!, bias: c.bias, activation: activationName(c.activation), filters: c.filters,
      kernelSize: [...c.kernelSize], strides: [...c.strides], padding: c.padding, dilationRate: [...c.dilationRate], groups: c.groups,
    };
  }
  if (layer.constructor === MaxPooling2D || layer.constructor === MaxPooling1D) {
    const p = layer as BasePooling;
    return { kind: 'maxPool', rank: p.rank, poolSize: [...p.poolSize], strides: [...p.strides], padding: p.padding };
  }
  if (layer.constructor === GlobalMaxPooling1D || layer.constructor === GlobalMaxPooling2D) return { kind: 'globalPool', mode: 'max' };
  if (layer.constructor === GlobalAveragePooling1D || layer.constructor === GlobalAveragePooling2D) return { kind: 'globalPool', mode: 'avg' };
  if (layer.constructor === Flatten) return { kind: 'flatten', channelsLast: (layer as Flatten).dataFormat === 'channels_last' };
  if (layer.constructor === Dropout) {
    const d = layer as Dropout;
    return { kind: 'dropout', rate: d.rate, noiseShape: d.noiseShape === null ? null : [...d.noiseShape] };
  }
  if (layer.constructor === Dense) {
    const d = layer as Dense;
    if (!plainWeights(d)) return { kind: 'other' };
    return { kind: 'dense', kernel: d.kernel!, bias: d.bias, activation: activationName(d.activation) };
  }
  return { kind: 'other' };
}

export type { ChainLink };
