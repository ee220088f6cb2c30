/** Regularization layers (keras/src/layers/regularization/). */
export { Dropout, type DropoutArgs } from './dropout.js';
export { SpatialDropout1D, type SpatialDropoutArgs } from './spatialDropout.js';
