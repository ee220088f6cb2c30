/**
 * Reading a gated recurrent layer's Keras config (LSTM, GRU): the keys every Keras 3 RNN layer writes
 * (rnn.py RNN.get_config), the cell keys they share, and the checks for what kerats cannot honour yet.
 */
import { ValueError } from '../../core/errors.js';
import type { ActivationIdentifier } from '../../activations/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';
import type { BaseRNNArgs } from './baseRnn.js';

/** Config keys kerats reads but can only honour as null (no regularizers or constraints yet). */
const NULL_ONLY_KEYS = [
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint',
] as const;

/** The arguments LSTM and GRU share, as read from a config. */
export interface GatedRecurrentArgs extends BaseRNNArgs {
  activation?: ActivationIdentifier;
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  dropout?: number;
  recurrentDropout?: number;
  seed?: number | null;
}

/** Reads typed values from a config, naming the layer class in every error. */
export class RecurrentConfigReader {
  constructor(readonly className: string, readonly config: Config) {}

  bool(key: string): boolean | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      throw new ValueError(`${this.className} config: \`${key}\` must be true or false. Received: ${key}=${JSON.stringify(v)}.`);
    }
    return v;
  }

  number(key: string): number | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') {
      throw new ValueError(`${this.className} config: \`${key}\` must be a number. Received: ${key}=${JSON.stringify(v)}.`);
    }
    return v;
  }

  /** `units`, checked, plus the base, RNN and shared cell arguments. */
  read(): { units: number; args: GatedRecurrentArgs } {
    const { className, config } = this;
    checkDtype(config, className);
    for (const key of NULL_ONLY_KEYS) {
      if (config[key] !== undefined && config[key] !== null) {
        throw new ValueError(`${className}: ${key} is not supported yet; only null is. Received: ${key}=${JSON.stringify(config[key])}.`);
      }
    }
    const units = config.units;
    if (typeof units !== 'number') {
      throw new ValueError(`${className} config needs \`units\`, a positive integer. Received: units=${JSON.stringify(units)}.`);
    }
    const initializer = (key: string) => (config[key] ?? undefined) as InitializerIdentifier | undefined;
    return {
      units,
      args: {
        ...baseArgsFromConfig(config),
        returnSequences: this.bool('return_sequences'),
        returnState: this.bool('return_state'),
        goBackwards: this.bool('go_backwards'),
        stateful: this.bool('stateful'),
        unroll: this.bool('unroll'),
        zeroOutputForMask: this.bool('zero_output_for_mask'),
        // A missing key means the default; an explicit null means linear, as in Keras's activations.get.
        activation: 'activation' in config ? (config.activation as ActivationIdentifier) : undefined,
        recurrentActivation: 'recurrent_activation' in config ? (config.recurrent_activation as ActivationIdentifier) : undefined,
        useBias: this.bool('use_bias'),
        kernelInitializer: initializer('kernel_initializer'),
        recurrentInitializer: initializer('recurrent_initializer'),
        biasInitializer: initializer('bias_initializer'),
        dropout: this.number('dropout'),
        recurrentDropout: this.number('recurrent_dropout'),
        seed: this.number('seed') ?? null,
      },
    };
  }
}

/** The config keys kerats writes as null (Keras's serialized "none" regularizers and constraints), in Keras's order. */
export function nullRegularizersAndConstraints(): Record<string, null> {
  return {
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    recurrent_constraint: null,
    bias_constraint: null,
  };
}
