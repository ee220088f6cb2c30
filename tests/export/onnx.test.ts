/**
 * exportOnnx: each model is exported, run in onnxruntime-node (the oracle: Microsoft's reference runtime,
 * CPU provider) and compared with kerats's model.predict on the same random inputs; max abs diff < 1e-4.
 * Weights, biases and batch-norm statistics are random so that no gate, bias or layout mistake hides.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import * as ops from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  Activation, Add, Average, AveragePooling1D, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, Conv2DTranspose,
  Dense, Dropout, Flatten, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, GRU, Input,
  LayerNormalization, LSTM, Maximum, MaxPooling1D, MaxPooling2D, Minimum, Multiply, Reshape, SimpleRNN, Subtract,
  type SymbolicTensor,
} from '../../src/layers/index.js';
import { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { exportOnnx } from '../../src/export/onnx/index.js';

const TOLERANCE = 1e-4;

before(() => setSeed(7));

/** Random weights everywhere; batch-norm variances kept positive. */
function randomize(model: Model): void {
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    layer.setWeights(layer.weights.map((w, i) =>
      layer instanceof BatchNormalization && i === layer.weights.length - 1
        ? ops.randomUniform(w.shape, 0.5, 1.5)
        : ops.randomUniform(w.shape, -0.5, 0.5)));
  }
}

/** Runs the exported model in onnxruntime and returns the largest |onnx - kerats| over every output. */
async function maxDiff(model: Model, inputs: Tensor[], opset?: number): Promise<number> {
  const bytes = exportOnnx(model, opset === undefined ? {} : { opset });
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    feeds[name] = new ort.Tensor('float32', inputs[i].dataSync(), inputs[i].shape);
  });
  const results = await session.run(feeds);
  const predicted = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  const expected = Array.isArray(predicted) ? predicted : [predicted];
  let worst = 0;
  session.outputNames.forEach((name, i) => {
    const got = results[name];
    assert.deepEqual([...got.dims], expected[i].shape, `output ${name} shape`);
    const want = expected[i].dataSync();
    const data = got.data as Float32Array;
    for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(data[j] - want[j]));
  });
  return worst;
}

async function check(label: string, inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[],
  batch = 3, opset?: number): Promise<void> {
  const model = new Model(inputs, outputs);
  randomize(model);
  const xs = (Array.isArray(inputs) ? inputs : [inputs]).map((t) => ops.randomUniform([batch, ...t.shape.slice(1).map((d) => d!)], -1, 1));
  const diff = await maxDiff(model, xs, opset);
  console.log(`onnx ${label}: max abs diff ${diff.toExponential(2)}`);
  assert.ok(diff < TOLERANCE, `${label}: max abs diff ${diff} >= ${TOLERANCE}`);
}

describe('exportOnnx matches model.predict in onnxruntime', () => {
  it('an MLP with every fused activation and N-D Dense input', async () => {
    const inp = Input([4, 6]);
    let x = new Dense(8, { activation: 'relu' }).apply(inp) as SymbolicTensor;
    for (const a of ['sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'leaky_relu', 'gelu', 'silu', 'softsign', 'relu6', 'hard_sigmoid', 'mish']) {
      x = new Dense(8, { activation: a }).apply(x) as SymbolicTensor;
    }
    x = new Dropout(0.5).apply(x) as SymbolicTensor;
    x = new Flatten().apply(x) as SymbolicTensor;
    x = new Dense(5, { activation: 'softmax' }).apply(x) as SymbolicTensor;
    await check('MLP', inp, new Activation('linear').apply(x) as SymbolicTensor, 5);
  });

  for (const [padding, strides] of [['valid', 1], ['same', 1], ['causal', 1], ['same', 2], ['valid', 3], ['causal', 2]] as const) {
    it(`Conv1D with padding '${padding}' and strides ${strides}`, async () => {
      const inp = Input([13, 3]);
      const x = new Conv1D(4, 4, { padding, strides, activation: 'tanh' }).apply(inp) as SymbolicTensor;
      await check(`Conv1D ${padding} s${strides}`, inp, x);
    });
  }

  it('Conv1D with dilation, 1-D pooling and global pooling', async () => {
    const inp = Input([20, 2]);
    let x = new Conv1D(5, 3, { padding: 'causal', dilationRate: 2 }).apply(inp) as SymbolicTensor;
    x = new MaxPooling1D(3, { padding: 'same' }).apply(x) as SymbolicTensor;
    x = new AveragePooling1D(2, { strides: 1, padding: 'same' }).apply(x) as SymbolicTensor;
    const a = new GlobalAveragePooling1D().apply(x) as SymbolicTensor;
    const b = new GlobalMaxPooling1D().apply(x) as SymbolicTensor;
    await check('Conv1D dilated + pooling', inp, new Concatenate().apply([a, b]) as SymbolicTensor);
  });

  it('Conv2D + BatchNormalization + MaxPooling2D, then Flatten and Dense', async () => {
    const inp = Input([9, 11, 3]);
    let x = new Conv2D(6, [3, 3], { padding: 'same', strides: [2, 2] }).apply(inp) as SymbolicTensor;
    x = new BatchNormalization().apply(x) as SymbolicTensor;
    x = new Activation('relu').apply(x) as SymbolicTensor;
    x = new MaxPooling2D([2, 2], { padding: 'same' }).apply(x) as SymbolicTensor;
    x = new Conv2D(4, [2, 3], { dilationRate: [1, 2], padding: 'same' }).apply(x) as SymbolicTensor;
    x = new AveragePooling2D([2, 2], { strides: [1, 1], padding: 'same' }).apply(x) as SymbolicTensor;
    const g = new GlobalMaxPooling2D().apply(x) as SymbolicTensor;
    const h = new GlobalAveragePooling2D({ keepdims: true }).apply(x) as SymbolicTensor;
    const flat = new Dense(3).apply(new Flatten().apply(x) as SymbolicTensor) as SymbolicTensor;
    await check('Conv2D+BN+MaxPool', inp, [flat, g, new Reshape([4]).apply(h) as SymbolicTensor]);
  });

  it('the seed deconv net (Conv2D, Conv2DTranspose, two outputs)', async () => {
    const inp = Input([10, 3, 1]);
    let x = new Conv2D(2, [2, 2]).apply(inp) as SymbolicTensor;
    x = new Conv2D(4, [2, 2]).apply(x) as SymbolicTensor;
    let m = new Conv2DTranspose(4, [3, 4]).apply(x) as SymbolicTensor;
    m = new Conv2DTranspose(2, [2, 4]).apply(m) as SymbolicTensor;
    const matrix = new Conv2DTranspose(1, [2, 4], { name: 'matrix' }).apply(m) as SymbolicTensor;
    const array = new Dense(10, { activation: 'sigmoid', name: 'array' }).apply(new Flatten().apply(x) as SymbolicTensor) as SymbolicTensor;
    await check('seed deconv', inp, [matrix, array]);
  });

  for (const args of [
    { strides: 2, padding: 'same' }, { strides: 3, padding: 'valid' }, { strides: 2, padding: 'same', outputPadding: 1 },
    { strides: 1, padding: 'same', dilationRate: 2 },
  ] as const) {
    it(`Conv2DTranspose ${JSON.stringify(args)}`, async () => {
      const inp = Input([5, 6, 2]);
      const x = new Conv2DTranspose(3, [2, 3], { ...args, activation: 'relu' }).apply(inp) as SymbolicTensor;
      await check(`Conv2DTranspose ${JSON.stringify(args)}`, inp, x);
    });
  }

  for (const returnSequences of [false, true]) {
    for (const goBackwards of [false, true]) {
      const flags = `returnSequences=${returnSequences} goBackwards=${goBackwards}`;
      it(`SimpleRNN, LSTM and GRU (both reset_after modes) with ${flags}`, async () => {
        const inp = Input([7, 3]);
        const layers = [
          new SimpleRNN(4, { returnSequences, goBackwards }),
          new LSTM(5, { returnSequences, goBackwards }),
          new GRU(4, { returnSequences, goBackwards, resetAfter: true }),
          new GRU(3, { returnSequences, goBackwards, resetAfter: false }),
        ];
        for (const layer of layers) await check(`${layer.className} ${flags}${layer instanceof GRU ? ` resetAfter=${layer.resetAfter}` : ''}`, inp, layer.apply(inp) as SymbolicTensor);
      });
    }
  }

  it('LSTM returnState, hard_sigmoid gates and stacked recurrent layers', async () => {
    const inp = Input([6, 2]);
    const seq = new LSTM(4, { returnSequences: true, recurrentActivation: 'hard_sigmoid' }).apply(inp) as SymbolicTensor;
    const [out, h, c] = new LSTM(3, { returnState: true }).apply(seq) as unknown as SymbolicTensor[];
    const gru = new GRU(2, { activation: 'relu', useBias: false }).apply(seq) as SymbolicTensor;
    await check('LSTM returnState', inp, [out, h, c, gru]);
  });

  it('a two-input model joined by Concatenate and the other merge layers', async () => {
    const a = Input([5]);
    const b = Input([5]);
    const da = new Dense(4).apply(a) as SymbolicTensor;
    const db = new Dense(4).apply(b) as SymbolicTensor;
    const merged = [new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(), new Minimum()]
      .map((l) => l.apply([da, db]) as SymbolicTensor);
    const out = new Concatenate({ axis: -1 }).apply([a, b, ...merged]) as SymbolicTensor;
    await check('two-input Concatenate', [a, b], new Dense(2).apply(out) as SymbolicTensor);
  });

  it('a Sequential model and opset 18 (reduce axes as inputs)', async () => {
    const model = new Sequential([Input([8, 2]), new Conv1D(3, 3), new GlobalAveragePooling1D(), new Dense(2)]);
    randomize(model);
    const x = ops.randomUniform([4, 8, 2], -1, 1);
    const diff = await maxDiff(model, [x], 18);
    console.log(`onnx Sequential opset 18: max abs diff ${diff.toExponential(2)}`);
    assert.ok(diff < TOLERANCE);
  });

  it("pads 'same' windows by onnxruntime's SAME_UPPER when the sequence length is unknown", async () => {
    const inp = Input([null, 3]);
    let x = new Conv1D(4, 4, { padding: 'same', strides: 2 }).apply(inp) as SymbolicTensor;
    x = new Conv1D(4, 3, { padding: 'causal' }).apply(x) as SymbolicTensor;
    x = new MaxPooling1D(3, { padding: 'same' }).apply(x) as SymbolicTensor;
    const model = new Model(inp, new GlobalAveragePooling1D().apply(x) as SymbolicTensor);
    randomize(model);
    for (const steps of [9, 12]) {
      const diff = await maxDiff(model, [ops.randomUniform([2, steps, 3], -1, 1)]);
      console.log(`onnx Conv1D unknown length ${steps}: max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff < TOLERANCE);
    }
  });

  it('keeps the batch dimension dynamic', async () => {
    const inp = Input([3]);
    const model = new Model(inp, new Dense(2).apply(new Reshape([3, 1]).apply(new Flatten().apply(inp) as SymbolicTensor) as SymbolicTensor) as SymbolicTensor);
    randomize(model);
    for (const batch of [1, 6]) assert.ok((await maxDiff(model, [ops.randomUniform([batch, 3], -1, 1)])) < TOLERANCE);
  });
});

describe('exportOnnx refuses what it cannot export', () => {
  it('names an unsupported layer and lists the supported ones', () => {
    const inp = Input([4]);
    const model = new Model(inp, new LayerNormalization({ name: 'ln' }).apply(inp) as SymbolicTensor);
    assert.throws(() => exportOnnx(model), /layer "ln" \(LayerNormalization\) has no ONNX export\. Supported layers: Dense/);
  });

  it('names an activation with no ONNX form', () => {
    const inp = Input([4]);
    const model = new Model(inp, new Dense(2, { activation: 'crelu', name: 'head' }).apply(inp) as SymbolicTensor);
    assert.throws(() => exportOnnx(model), /layer "head" \(Dense\) uses activation "crelu"/);
  });

  it('refuses an opset below 17', () => {
    const inp = Input([4]);
    const model = new Model(inp, new Dense(2).apply(inp) as SymbolicTensor);
    assert.throws(() => exportOnnx(model, { opset: 13 }), /opset must be an integer from 17 to 22/);
  });
});
