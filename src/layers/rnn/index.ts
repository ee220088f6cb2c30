/** Recurrent layers (keras/src/layers/rnn/). */
export { BaseRNN, type BaseRNNArgs, type InitialState } from './baseRnn.js';
export { SimpleRNN, checkNoDropout, type SimpleRNNArgs } from './simpleRnn.js';
export { LSTM, type LSTMArgs } from './lstm.js';
export { GRU, type GRUArgs } from './gru.js';
export { TimeDistributed } from './timeDistributed.js';
export { Bidirectional, type BidirectionalArgs, type MergeMode } from './bidirectional.js';
