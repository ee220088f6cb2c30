/**
 * Dense and the convolutions compute activation(z + bias) with the fused epilogue (ops/fused.ts): the
 * layer's output and the gradients of its input, kernel and bias must be those of the unfused ops
 * written out by hand (ops.matmul / ops.conv*, ops.add, the activation), for fused activations and for
 * ones that fall back, and the layer's input must be left as it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, setBackend } from '../../src/backend/backend.js';
import { setSeed } from '../../src/core/random.js';
import { wasmAvailable } from '../../src/kernels/wasm/index.js';
import { layers } from '../../src/index.js';
import * as ops from '../../src/ops/index.js';
import { depthwiseConv2d } from '../../src/layers/convolutional/depthwiseConvOp.js';
import type { Layer } from '../../src/layers/layer.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

setSeed(3);
const backends = wasmAvailable() ? ['js', 'wasm'] : ['js'];
const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  linear: (x) => x, relu: ops.relu, sigmoid: ops.sigmoid, tanh: ops.tanh, softmax: (x) => ops.softmax(x, -1),
  elu: (x) => ops.add(ops.relu(x), ops.subtract(ops.exp(ops.minimum(x, 0)), 1)),
};

/** Output and gradients of sum(f(x) * r) with respect to x, the kernel and the bias. */
function run(f: (x: Tensor) => Tensor, x: Tensor, layer: Layer, r: Tensor) {
  let y: Tensor | null = null;
  const [kernel, bias] = layer.weights as Tensor[];
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.multiply((y = f(x)), r)), [x, kernel, bias]);
  return [y!.dataSync(), ...grads.map((g) => g.dataSync())];
}

function check(layer: Layer, unfused: (x: Tensor, kernel: Tensor, bias: Tensor) => Tensor, inputShape: number[], what: string) {
  const x = ops.randomUniform(inputShape, -1, 1);
  const xBefore = x.dataSync();
  const y0 = layer.apply(x) as Tensor;
  // A nonzero bias, so the bias add matters.
  const [kernel, bias] = layer.weights as Tensor[];
  bias.values.set(ops.randomUniform(bias.shape, -0.5, 0.5).values);
  const r = ops.randomUniform(y0.shape, -1, 1);
  const fused = run((t) => layer.apply(t) as Tensor, x, layer, r);
  const expected = run((t) => unfused(t, kernel, bias), x, layer, r);
  ['y', 'dx', 'dkernel', 'dbias'].forEach((name, i) => assertClose(fused[i], expected[i], 1e-5, `${what} ${name}`));
  assert.deepEqual(x.dataSync(), xBefore, `${what}: the input is unchanged`);
}

describe('layers with the fused epilogue equal the unfused ops', () => {
  for (const name of backends) {
    it(`Dense on ${name}, rank 2 and 3 inputs, every activation kind`, () => {
      const saved = getBackend().name;
      setBackend(name);
      try {
        for (const [activation, f] of Object.entries(ACTIVATIONS)) {
          for (const shape of [[37, 13], [3, 50, 11]]) {
            check(new layers.Dense(29, { activation }), (x, k, b) => f(ops.add(ops.matmul(x, k), b)), shape,
              `Dense ${activation} ${JSON.stringify(shape)}`);
          }
        }
      } finally { setBackend(saved); }
    });

    it(`Conv1D, Conv2D, DepthwiseConv2D and Conv2DTranspose on ${name}`, () => {
      const saved = getBackend().name;
      setBackend(name);
      try {
        for (const [activation, f] of Object.entries(ACTIVATIONS)) {
          check(new layers.Conv2D(7, 3, { activation }), (x, k, b) => f(ops.add(ops.conv2d(x, k), b)), [3, 17, 15, 5],
            `Conv2D ${activation}`);
          check(new layers.Conv1D(9, 4, { activation, padding: 'causal' }),
            (x, k, b) => f(ops.add(ops.conv1d(x, k, { padding: 'causal' }), b)), [4, 41, 3], `Conv1D ${activation}`);
          check(new layers.DepthwiseConv2D(3, { activation, depthMultiplier: 2 }),
            (x, k, b) => f(ops.add(depthwiseConv2d(x, k, { strides: [1, 1], padding: 'valid', dilationRate: [1, 1] }), b)),
            [2, 8, 7, 3], `DepthwiseConv2D ${activation}`);
          check(new layers.Conv2DTranspose(5, 3, { activation, strides: 2 }),
            (x, k, b) => f(ops.add(ops.conv2dTranspose(x, k, { strides: 2 }), b)), [2, 9, 11, 3],
            `Conv2DTranspose ${activation}`);
        }
      } finally { setBackend(saved); }
    });
  }

  it('a custom function named relu is not mistaken for the built-in', () => {
    function relu(x: Tensor): Tensor {
      return ops.multiply(ops.relu(x), 2);
    }
    check(new layers.Dense(6, { activation: relu }), (x, k, b) => relu(ops.add(ops.matmul(x, k), b)), [5, 4], 'Dense custom relu');
  });

  it('the weights, config and parameter count are those of the unfused layer', () => {
    const d = new layers.Dense(4, { activation: 'tanh' });
    d.apply(ops.zeros([2, 3]));
    assert.deepEqual(d.weights.map((w) => w.shape), [[3, 4], [4]]);
    assert.equal(d.countParams(), 16);
    assert.equal(d.getConfig().activation, 'tanh');
    const c = new layers.Conv2D(8, 3, { activation: 'relu' });
    c.apply(ops.zeros([1, 5, 5, 2]));
    assert.deepEqual(c.weights.map((w) => w.shape), [[3, 3, 2, 8], [8]]);
    assert.equal(c.getConfig().activation, 'relu');
  });
});
