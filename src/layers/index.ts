/** The `layers` namespace: Keras's layer classes, `Input`, and (de)serialization. */
import { registerLayer, type LayerClass } from './registry.js';
import { Dense } from './core/dense.js';
import { Activation } from './core/activation.js';
import { Input, InputLayer } from './core/input.js';
import {
  Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
} from './convolutional/index.js';
import { Embedding } from './core/embedding.js';
import { Bidirectional, GRU, LSTM, SimpleRNN, TimeDistributed } from './rnn/index.js';
import { Dropout, SpatialDropout1D } from './regularization/index.js';
import { BatchNormalization, LayerNormalization } from './normalization/index.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merging/index.js';
import {
  Cropping1D, Cropping2D, Flatten, Permute, RepeatVector, Reshape, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
} from './reshaping/index.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from './pooling/index.js';

const builtins: LayerClass[] = [
  InputLayer, Dense, Activation, Conv1D, Conv2D, Conv2DTranspose, SimpleRNN, Flatten, Reshape,
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  LSTM, GRU, Dropout, SpatialDropout1D, BatchNormalization, LayerNormalization,
  Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
  Embedding, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D,
  TimeDistributed, Bidirectional, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
];
for (const cls of builtins) registerLayer(cls);

export { Layer, type LayerArgs, type InputSpec, type Kwargs } from './layer.js';
export { SymbolicTensor } from './symbolic.js';
export { deserialize, registerLayer } from './registry.js';
export {
  Input, InputLayer, Dense, Activation, Conv1D, Conv2D, Conv2DTranspose, SimpleRNN, Flatten, Reshape,
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  LSTM, GRU, Dropout, SpatialDropout1D, BatchNormalization, LayerNormalization,
  Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
  Embedding, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D,
  TimeDistributed, Bidirectional, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
};
