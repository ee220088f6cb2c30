/** Pooling layers: one base per family (BasePooling, BaseGlobalPooling), a thin class per rank. */
export { BasePooling, type BasePoolingArgs } from './basePooling.js';
export { MaxPooling1D, MaxPooling2D, type MaxPooling1DArgs, type MaxPooling2DArgs } from './maxPooling.js';
export {
  AveragePooling1D, AveragePooling2D, type AveragePooling1DArgs, type AveragePooling2DArgs,
} from './averagePooling.js';
export { BaseGlobalPooling, type GlobalPoolingArgs } from './baseGlobalPooling.js';
export { GlobalMaxPooling1D, GlobalMaxPooling2D } from './globalMaxPooling.js';
export { GlobalAveragePooling1D, GlobalAveragePooling2D } from './globalAveragePooling.js';
