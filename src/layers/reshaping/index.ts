/** Reshaping layers (keras/src/layers/reshaping/). */
export { Reshape } from './reshape.js';
export { Flatten, type FlattenArgs, type DataFormat } from './flatten.js';
export { Permute } from './permute.js';
export { RepeatVector } from './repeatVector.js';
export { UpSampling1D, UpSampling2D, type UpSampling2DArgs } from './upSampling.js';
export { ZeroPadding1D, ZeroPadding2D, type ZeroPadding2DArgs } from './zeroPadding.js';
export { Cropping1D, Cropping2D, type Cropping2DArgs } from './cropping.js';
