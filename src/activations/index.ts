/**
 * Keras activations by name (keras/src/activations/activations.py, Keras 3 defaults), each composed
 * from differentiable ops so its gradient comes from the ops' rules.
 */
import { ValueError } from '../core/errors.js';
import {
  abs, add, concatenate, divide, erf, exp, hardSigmoid, logSoftmax, minimum, multiply, negative, relu, sigmoid,
  softmax, softplus, subtract, tanh,
} from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { EpilogueActivation } from '../ops/fused.js';

/** An activation function that knows the name Keras writes for it in a layer config. */
export type ActivationFn = ((x: Tensor) => Tensor) & { activationName: string };

export type ActivationIdentifier =
  | string
  | ((x: Tensor) => Tensor)
  | { class_name: string; config: unknown; module?: string; registered_name?: unknown }
  | null
  | undefined;

// SELU constants (Klambauer et al., 2017), as in keras/src/backend/*/nn.py selu.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

function named(name: string, fn: (x: Tensor) => Tensor): ActivationFn {
  return Object.assign(fn, { activationName: name });
}

/** ELU: x for x > 0, alpha (exp(x) - 1) otherwise; written relu(x) + alpha (exp(min(x, 0)) - 1). */
function eluWithAlpha(x: Tensor, alpha: number): Tensor {
  return add(relu(x), multiply(subtract(exp(minimum(x, 0)), 1), alpha));
}

const linear = named('linear', (x) => x);

/** The built-in activations under the name Keras serializes them with. */
const BUILTINS: Record<string, ActivationFn> = {
  linear,
  relu: named('relu', (x) => relu(x)),
  sigmoid: named('sigmoid', (x) => sigmoid(x)),
  tanh: named('tanh', (x) => tanh(x)),
  softmax: named('softmax', (x) => softmax(x, -1)),
  log_softmax: named('log_softmax', (x) => logSoftmax(x, -1)),
  softplus: named('softplus', (x) => softplus(x)),
  softsign: named('softsign', (x) => divide(x, add(abs(x), 1))),
  elu: named('elu', (x) => eluWithAlpha(x, 1)),
  selu: named('selu', (x) => multiply(eluWithAlpha(x, SELU_ALPHA), SELU_SCALE)),
  // Keras 3's default is approximate=False: the exact 0.5 x (1 + erf(x / sqrt(2))).
  gelu: named('gelu', (x) => multiply(multiply(x, 0.5), add(erf(multiply(x, Math.SQRT1_2)), 1))),
  silu: named('silu', (x) => multiply(x, sigmoid(x))),
  relu6: named('relu6', (x) => minimum(relu(x), 6)),
  // Keras 3: negative_slope defaults to 0.2 (Keras 2's LeakyReLU layer used 0.3).
  leaky_relu: named('leaky_relu', (x) => subtract(relu(x), multiply(relu(negative(x)), 0.2))),
  // Keras 3: relu6(x + 3) / 6. Keras 2 used the steeper 0.2 x + 0.5.
  hard_sigmoid: named('hard_sigmoid', (x) => hardSigmoid(x)),
  hard_silu: named('hard_silu', (x) => multiply(x, hardSigmoid(x))),
  exponential: named('exponential', (x) => exp(x)),
  mish: named('mish', (x) => multiply(x, tanh(softplus(x)))),
  crelu: named('crelu', (x) => concatenate([relu(x), relu(negative(x))], -1)),
};

/**
 * The built-in linear, relu, sigmoid or tanh by its epilogue name (layers compute these in one pass with
 * the bias add: ops/fused.ts); null for any other function, a custom one named 'relu' included.
 */
export function epilogueActivation(fn: ActivationFn): EpilogueActivation | null {
  for (const name of ['linear', 'relu', 'sigmoid', 'tanh'] as const) if (BUILTINS[name] === fn) return name;
  return null;
}

/** Names Keras also accepts, resolved to the function it then serializes under its own name. */
const ALIASES: Record<string, string> = { swish: 'silu', hard_swish: 'hard_silu' };

/** Every name `getActivation` accepts. */
export const ACTIVATION_NAMES: readonly string[] = [...Object.keys(BUILTINS), ...Object.keys(ALIASES)].sort();

/**
 * Resolves a Keras activation identifier: a name ('relu', 'swish'), a function, a Keras 3 serialized
 * object ({class_name: 'function', config: 'relu', ...}), or null/undefined for 'linear'.
 */
export function getActivation(identifier: ActivationIdentifier): ActivationFn {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === 'function') {
    const fn = identifier as ((x: Tensor) => Tensor) & { activationName?: unknown };
    if (typeof fn.activationName === 'string') return fn as ActivationFn;
    return named(fn.name || 'custom_activation', (x) => fn(x));
  }
  if (typeof identifier === 'object') {
    if (typeof identifier.config === 'string') return getActivation(identifier.config);
    throw new ValueError(`Could not interpret activation function identifier. Received: ${JSON.stringify(identifier)}.`);
  }
  const name = ALIASES[identifier] ?? identifier;
  const fn = BUILTINS[name];
  if (!fn) {
    throw new ValueError(
      `Unknown activation function '${identifier}'. Expected one of: ${ACTIVATION_NAMES.join(', ')}. Received: activation='${identifier}'.`,
    );
  }
  return fn;
}

/** The string Keras writes for an activation in a layer config ('relu'); custom functions cannot be serialized. */
export function serializeActivation(fn: ActivationIdentifier): string {
  const resolved = getActivation(fn);
  if (BUILTINS[resolved.activationName] !== resolved) {
    throw new ValueError(
      `Activation '${resolved.activationName}' is not a Keras built-in, so it has no Keras config name. ` +
        `Expected one of: ${Object.keys(BUILTINS).join(', ')}.`,
    );
  }
  return resolved.activationName;
}
