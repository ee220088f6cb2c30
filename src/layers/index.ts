/** The `layers` namespace: Keras's layer classes, `Input`, and (de)serialization. */
import { registerLayer, type LayerClass } from './registry.js';
import { Dense } from './core/dense.js';
import { Activation } from './core/activation.js';
import { Input, InputLayer } from './core/input.js';
import { Conv1D, Conv2D, Conv2DTranspose } from './convolutional/index.js';
import { GRU, LSTM, SimpleRNN } from './rnn/index.js';
import { Dropout, SpatialDropout1D } from './regularization/index.js';
import { BatchNormalization, LayerNormalization } from './normalization/index.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merging/index.js';
import { Flatten, Reshape } from './reshaping/index.js';
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
};
