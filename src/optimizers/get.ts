/** Optimizer lookup by name, as keras.optimizers.get (names are case-insensitive there too). */
import { ValueError } from '../core/errors.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Nadam } from './nadam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const FACTORIES = new Map<string, () => Optimizer>([
  ['sgd', () => new SGD()],
  ['adam', () => new Adam()],
  ['rmsprop', () => new RMSprop()],
  ['adamw', () => new AdamW()],
  ['adagrad', () => new Adagrad()],
  ['adadelta', () => new Adadelta()],
  ['adamax', () => new Adamax()],
  ['nadam', () => new Nadam()],
]);

/** A fresh optimizer with Keras's defaults for a name, or the given optimizer itself. */
export function getOptimizer(identifier: string | Optimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const factory = typeof identifier === 'string' ? FACTORIES.get(identifier.toLowerCase()) : undefined;
  if (factory === undefined) {
    throw new ValueError(
      `Could not interpret optimizer identifier: ${JSON.stringify(identifier)}. ` +
        `Expected one of ${[...FACTORIES.keys()].map((n) => `'${n}'`).join(', ')} or an Optimizer instance.`,
    );
  }
  return factory();
}
