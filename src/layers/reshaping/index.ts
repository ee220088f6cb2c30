/** Reshaping layers (keras/src/layers/reshaping/). */
export { Reshape } from './reshape.js';
export { Flatten, type FlattenArgs, type DataFormat } from './flatten.js';
