/** Recurrent layers (keras/src/layers/rnn/). */
export { BaseRNN, type BaseRNNArgs, type InitialState } from './baseRnn.js';
export { SimpleRNN, checkNoDropout, type SimpleRNNArgs } from './simpleRnn.js';
