/** Normalization layers (keras/src/layers/normalization/). */
export { BatchNormalization, type BatchNormalizationArgs } from './batchNormalization.js';
export { LayerNormalization, type LayerNormalizationArgs } from './layerNormalization.js';
