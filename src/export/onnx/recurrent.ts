/**
 * SimpleRNN, LSTM and GRU as ONNX RNN / LSTM / GRU (layout 0: (timesteps, batch, features)).
 * Keras keeps kernel (features, gates * units) and recurrent_kernel (units, gates * units) with gates in
 * columns; ONNX wants W (1, gates * units, features) and R (1, gates * units, units), one gate per row block.
 * Gate order: Keras LSTM i, f, c, o -> ONNX i, o, f, c; GRU z, r, h in both (onnx/docs/Operators.md).
 */
import { ValueError } from '../../core/errors.js';
import type { Shape } from '../../layers/layer.js';
import { GRU, LSTM, SimpleRNN } from '../../layers/rnn/index.js';
import { recurrentActivation } from './activations.js';
import type { GraphBuilder } from './builder.js';
import type { AttributeValue } from './protobuf.js';

type RecurrentLayer = SimpleRNN | LSTM | GRU;

/**
 * Rows of ONNX's (gates * units, cols) matrix from Keras's (cols, gates * units): row block b is Keras's
 * column block order[b], transposed.
 */
function gateRows(keras: Float32Array, cols: number, units: number, order: number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(width * cols);
  order.forEach((src, b) => {
    for (let j = 0; j < units; j++) {
      for (let c = 0; c < cols; c++) out[(b * units + j) * cols + c] = keras[c * width + src * units + j];
    }
  });
  return out;
}

function gateVector(keras: Float32Array, units: number, order: number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((src, b) => out.set(keras.subarray(src * units, (src + 1) * units), b * units));
  return out;
}

/** Returns the layer's outputs: the output (sequence or last state), then the states when returnState. */
export function emitRecurrent(g: GraphBuilder, layer: RecurrentLayer, x: string, inputShape: Shape, prefix: string): string[] {
  const where = `layer "${layer.name}" (${layer.className})`;
  const features = inputShape[2];
  if (features === null) throw new ValueError(`exportOnnx: ${where} needs a known feature size. Received input shape (${inputShape.map((d) => d ?? 'None').join(', ')}).`);
  const units = layer.units;
  let opType: string;
  let order: number[];
  let activations: string[];
  const attributes: Record<string, AttributeValue> = {};
  if (layer instanceof LSTM) {
    opType = 'LSTM';
    order = [0, 3, 1, 2];
    activations = [layer.recurrentActivation.activationName, layer.activation.activationName, layer.activation.activationName];
  } else if (layer instanceof GRU) {
    opType = 'GRU';
    order = [0, 1, 2];
    activations = [layer.recurrentActivation.activationName, layer.activation.activationName];
    // reset_after=True applies the reset gate after the recurrent matmul, ONNX's linear_before_reset.
    attributes.linear_before_reset = layer.resetAfter ? 1 : 0;
  } else {
    opType = 'RNN';
    order = [0];
    activations = [layer.activation.activationName];
  }
  const resolved = activations.map((a) => recurrentActivation(a, where));
  attributes.activations = resolved.map((a) => a.name);
  // activation_alpha/beta are consumed in order by the activations that take them.
  const alphas = resolved.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = resolved.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  if (alphas.length) attributes.activation_alpha = { floats: alphas };
  if (betas.length) attributes.activation_beta = { floats: betas };
  attributes.hidden_size = units;
  attributes.direction = layer.goBackwards ? 'reverse' : 'forward';

  const gates = order.length;
  const W = g.floatConstant(`${prefix}/W`, [1, gates * units, features], gateRows(layer.kernel!.dataSync(), features, units, order));
  const R = g.floatConstant(`${prefix}/R`, [1, gates * units, units], gateRows(layer.recurrentKernel!.dataSync(), units, units, order));
  const inputs = [g.transpose(x, [1, 0, 2], prefix), W, R];
  if (layer.bias) {
    // B = [input bias, recurrent bias]; only GRU with reset_after has a separate recurrent bias in Keras.
    const bias = layer.bias.dataSync();
    const size = gates * units;
    const input = layer instanceof GRU && layer.resetAfter ? bias.subarray(0, size) : bias;
    const recurrent = layer instanceof GRU && layer.resetAfter ? bias.subarray(size, 2 * size) : new Float32Array(size);
    const B = new Float32Array(2 * size);
    B.set(gateVector(input, units, order), 0);
    B.set(gateVector(recurrent, units, order), size);
    inputs.push(g.floatConstant(`${prefix}/B`, [1, 2 * size], B));
  }
  const outs = g.opMulti(opType, inputs, prefix, opType === 'LSTM' ? 3 : 2, attributes);
  const [Y, ...states] = outs;
  let output: string;
  if (layer.returnSequences) {
    // Y is (timesteps, 1, batch, units). With direction 'reverse', Y[t] is the state after reading inputs
    // t..T-1; Keras lists outputs in processing order, so its step i is Y[T-1-i].
    const seq = g.transpose(g.squeeze(Y, [1], prefix), [1, 0, 2], prefix);
    output = layer.goBackwards ? g.reverse(seq, 1, prefix) : seq;
  } else {
    output = g.squeeze(states[0], [0], prefix);
  }
  if (!layer.returnState) return [output];
  return [output, ...states.map((s) => g.squeeze(s, [0], prefix))];
}
