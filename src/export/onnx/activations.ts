/**
 * Keras activations as ONNX nodes, by the name Keras serializes them with (src/activations/index.ts
 * gives the formulas; each is written here with the same constants).
 */
import { ValueError } from '../../core/errors.js';
import type { GraphBuilder } from './builder.js';

// SELU constants (Klambauer et al., 2017), as in src/activations/index.ts.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

type Emit = (g: GraphBuilder, x: string, prefix: string) => string;

const scalar = (g: GraphBuilder, prefix: string, v: number) => g.floatConstant(prefix, [], [v]);

const ACTIVATIONS: Record<string, Emit> = {
  linear: (_g, x) => x,
  relu: (g, x, p) => g.op('Relu', [x], p),
  sigmoid: (g, x, p) => g.op('Sigmoid', [x], p),
  tanh: (g, x, p) => g.op('Tanh', [x], p),
  softmax: (g, x, p) => g.op('Softmax', [x], p, { axis: -1 }),
  log_softmax: (g, x, p) => g.op('LogSoftmax', [x], p, { axis: -1 }),
  softplus: (g, x, p) => g.op('Softplus', [x], p),
  softsign: (g, x, p) => g.op('Softsign', [x], p),
  elu: (g, x, p) => g.op('Elu', [x], p, { alpha: { float: 1 } }),
  selu: (g, x, p) => g.op('Selu', [x], p, { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } }),
  // Keras 3: negative_slope 0.2.
  leaky_relu: (g, x, p) => g.op('LeakyRelu', [x], p, { alpha: { float: 0.2 } }),
  // The exact GELU, 0.5 x (1 + erf(x / sqrt(2))) (ONNX's Gelu op needs opset 20).
  gelu: (g, x, p) => {
    const e = g.op('Erf', [g.op('Mul', [x, scalar(g, `${p}/rsqrt2`, Math.SQRT1_2)], p)], p);
    const onePlus = g.op('Add', [e, scalar(g, `${p}/one`, 1)], p);
    return g.op('Mul', [g.op('Mul', [x, scalar(g, `${p}/half`, 0.5)], p), onePlus], p);
  },
  silu: (g, x, p) => g.op('Mul', [x, g.op('Sigmoid', [x], p)], p),
  relu6: (g, x, p) => g.op('Clip', [x, scalar(g, `${p}/min`, 0), scalar(g, `${p}/max`, 6)], p),
  // Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1).
  hard_sigmoid: (g, x, p) => g.op('HardSigmoid', [x], p, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  hard_silu: (g, x, p) => g.op('Mul', [x, g.op('HardSigmoid', [x], p, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })], p),
  exponential: (g, x, p) => g.op('Exp', [x], p),
  mish: (g, x, p) => g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x], p)], p)], p),
};

/** Names of the activations exportOnnx writes. */
export const ONNX_ACTIVATIONS: readonly string[] = Object.keys(ACTIVATIONS);

/** Emits `activation(x)`; refuses an activation with no ONNX form, naming the layer. */
export function emitActivation(g: GraphBuilder, name: string, x: string, prefix: string, where: string): string {
  const emit = ACTIVATIONS[name];
  if (!emit) {
    throw new ValueError(
      `exportOnnx: ${where} uses activation "${name}", which has no ONNX export. ` +
        `Supported activations: ${ONNX_ACTIVATIONS.join(', ')}.`,
    );
  }
  return emit(g, x, `${prefix}/${name}`);
}

/**
 * ONNX RNN/LSTM/GRU name their activations in the `activations` attribute; the ones onnxruntime
 * implements that match a Keras activation exactly.
 */
const RECURRENT_ACTIVATIONS: Record<string, { name: string; alpha?: number; beta?: number }> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  elu: { name: 'Elu', alpha: 1 },
};

export function recurrentActivation(name: string, where: string): { name: string; alpha?: number; beta?: number } {
  const a = RECURRENT_ACTIVATIONS[name];
  if (!a) {
    throw new ValueError(
      `exportOnnx: ${where} uses activation "${name}" inside the recurrence, which ONNX's recurrent ops cannot express. ` +
        `Supported there: ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')}.`,
    );
  }
  return a;
}
