/**
 * The planned Dense step as one backend call (Backend.denseTrainStep: forward, MSE, backward, Adam) for
 * relu/linear chains with biases, the mean squared error and plain Adam. Oracles: the planned step it
 * replaces, reached with an Adam subclass (the fused step takes exactly Adam), and the generic tape path
 * (`planned: false`). Adam runs in float32 there and in float64 here, so weights and History agree to
 * float32 rounding (1e-5 of the largest value), not bit for bit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Sequential, layers, optimizers, randomUniform, setSeed, getBackend, type History, type Model,
  type CompileArgs,
} from '../../src/index.js';
import { wasmBuild } from '../../src/kernels/wasm/index.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';

function assertSameHistory(a: History, b: History): void {
  assert.deepEqual(Object.keys(a.history).sort(), Object.keys(b.history).sort());
  for (const key of Object.keys(b.history)) assertRelativeClose(a.history[key], b.history[key], key);
}

/** Adam under another class: the planned step runs it through applyGradientsInPlace, not the fused call. */
class UnfusedAdam extends optimizers.Adam {}

/** Counts the Backend.denseTrainStep calls that ran a step (not declined) while `body` runs. */
async function countFused<T>(body: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const backend = getBackend();
  const original = backend.denseTrainStep;
  let calls = 0;
  (backend as { denseTrainStep: typeof original }).denseTrainStep = (s) => {
    const loss = original(s);
    if (loss !== null) calls++;
    return loss;
  };
  try {
    return { result: await body(), calls };
  } finally {
    (backend as { denseTrainStep: typeof original }).denseTrainStep = original;
  }
}

const seedMlp = () => new Sequential([new layers.Dense(100, { activation: 'relu', inputShape: [30] }), new layers.Dense(30)]);

async function fit(build: () => Model, compile: CompileArgs, planned: boolean, epochs: number, extra = {}) {
  setSeed(11);
  const model = build();
  model.compile(compile);
  setSeed(1);
  const x = randomUniform([250, model.inputs[0].shape[1] as number]);
  const y = randomUniform([250, model.outputs[0].shape[1] as number]);
  setSeed(5);
  const history = await model.fit(x, y, { epochs, batchSize: 20, validationSplit: 0.2, verbose: 0, planned, ...extra });
  return { model, history };
}

describe('the fused planned Dense step (Backend.denseTrainStep)', () => {
  it('trains the seed MLP (MSE + MAE, Adam) as the planned step and the generic path do, over 6 epochs', async () => {
    const compile = (optimizer: optimizers.Adam): CompileArgs => ({ optimizer, loss: 'mse', metrics: ['mae'] });
    const { result: fused, calls } = await countFused(() => fit(seedMlp, compile(new optimizers.Adam()), true, 6));
    assert.equal(calls, 6 * 10, 'every training batch ran fused (200 rows: 10 batches per epoch)');
    const { result: planned, calls: unfusedCalls } = await countFused(() => fit(seedMlp, compile(new UnfusedAdam()), true, 6));
    assert.equal(unfusedCalls, 0);
    const generic = await fit(seedMlp, compile(new optimizers.Adam()), false, 6);
    for (const other of [planned, generic]) {
      assertSameHistory(fused.history, other.history);
      other.model.getWeights().forEach((w, i) => assertRelativeClose(fused.model.getWeights()[i].values, w.values, `weight ${i}`));
    }
  });

  it('follows a learning-rate schedule and a loss weight, three relu layers deep', async () => {
    const build = () => new Sequential([
      new layers.Dense(17, { activation: 'relu', inputShape: [7] }),
      new layers.Dense(9, { activation: 'relu' }),
      new layers.Dense(5),
    ]);
    const compile = (): CompileArgs => ({
      optimizer: new optimizers.Adam({ learningRate: new optimizers.ExponentialDecay(0.01, 5, 0.5), beta1: 0.8 }),
      loss: 'mse', lossWeights: [0.7],
    });
    const { result: fused, calls } = await countFused(() => fit(build, compile(), true, 4));
    assert.ok(calls > 0);
    const generic = await fit(build, compile(), false, 4);
    assertSameHistory(fused.history, generic.history);
    generic.model.getWeights().forEach((w, i) => assertRelativeClose(fused.model.getWeights()[i].values, w.values, `weight ${i}`));
  });

  it('leaves the variables current after every batch, where callbacks look', async () => {
    /** Each batch's weights as a callback reads them (the model that fit passes to setModel). */
    const recorder = (seen: Float32Array[][]) => ({
      model: null as Model | null,
      setModel(model: unknown) { this.model = model as Model; },
      onTrainBatchEnd() { seen.push(this.model!.getWeights().map((w) => w.values)); },
    });
    const fused: Float32Array[][] = [];
    const generic: Float32Array[][] = [];
    const compile = (): CompileArgs => ({ optimizer: new optimizers.Adam(), loss: 'mse' });
    await fit(seedMlp, compile(), true, 1, { callbacks: [recorder(fused)] });
    await fit(seedMlp, compile(), false, 1, { callbacks: [recorder(generic)] });
    assert.equal(fused.length, 10);
    assert.equal(generic.length, 10);
    fused.forEach((ws, b) => ws.forEach((w, i) => assertRelativeClose(w, generic[b][i], `batch ${b} weight ${i}`)));
  });

  it('leaves other optimizers, options, losses and layers to the planned step', async () => {
    const cases: [() => Model, CompileArgs][] = [
      [seedMlp, { optimizer: new optimizers.AdamW(), loss: 'mse' }],
      [seedMlp, { optimizer: new optimizers.Adam({ amsgrad: true }), loss: 'mse' }],
      [seedMlp, { optimizer: new optimizers.Adam({ clipnorm: 1 }), loss: 'mse' }],
      [seedMlp, { optimizer: new optimizers.SGD(), loss: 'mse' }],
      [seedMlp, { optimizer: new optimizers.Adam(), loss: 'mae' }],
      [() => new Sequential([new layers.Dense(8, { activation: 'tanh', inputShape: [30] }), new layers.Dense(30)]),
        { optimizer: new optimizers.Adam(), loss: 'mse' }],
      [() => new Sequential([new layers.Dense(8, { useBias: false, inputShape: [30] }), new layers.Dense(30)]),
        { optimizer: new optimizers.Adam(), loss: 'mse' }],
    ];
    if (getBackend().name === 'wasm' && wasmBuild()?.threads) {
      // Products of 2 x 20 x 300 x 400 = 4.8 MFLOP: wasm keeps them on the two-thread matmul kernels.
      cases.push([() => new Sequential([new layers.Dense(400, { activation: 'relu', inputShape: [300] }), new layers.Dense(30)]),
        { optimizer: new optimizers.Adam(), loss: 'mse' }]);
    }
    for (const [build, compile] of cases) {
      const { result, calls } = await countFused(() => fit(build, compile, true, 1));
      assert.equal(calls, 0, `${compile.optimizer} ${compile.loss}`);
      assert.ok(Number.isFinite(result.history.history.loss[0]));
    }
  });
});
