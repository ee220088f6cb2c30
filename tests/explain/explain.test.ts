/** Explanations agree with what the layers compute, and answer the seed's questions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers, explain, explainLayer, setSeed } from '../../src/index.js';
import { randomInt } from '../../src/core/random.js';

describe('explainLayer', () => {
  it("explains Conv1D(32, 5, strides=2, padding='same') on (128, 1): ceil(128 / 2) = 64, padding 1 before / 2 after, 192 params", () => {
    const e = explainLayer(new layers.Conv1D(32, 5, { strides: 2, padding: 'same' }), [128, 1]);
    assert.deepEqual(e.outputShape, [null, 64, 32]);
    assert.match(e.shapeSteps[0], /ceil\(128 \/ 2\) = 64/);
    assert.match(e.shapeSteps[0], /split 1 before \/ 2 after/);
    assert.equal(e.paramsFormula, '5 x 1 x 32 + 32 = 192');
    assert.match(e.weights[0].why, /kernel_size \+ \(input channels, filters\)/);
  });

  it('shows why a Conv1D kernel on (45, 45) has 7,200 weights and a Conv2D on (45, 45, 1) has 800', () => {
    const c1 = explainLayer(new layers.Conv1D(32, 5, { padding: 'same' }), [45, 45]);
    assert.deepEqual(c1.weights[0].shape, [5, 45, 32]);
    assert.equal(c1.weights[0].count, 7200);
    const c2 = explainLayer(new layers.Conv2D(32, 5, { padding: 'same', useBias: false }), [45, 45, 1]);
    assert.equal(c2.params, 800);
    assert.equal(c2.paramsFormula, '5 x 5 x 1 x 32 = 800');
  });

  it('explains SimpleRNN params as units x (features + units + 1) and returnSequences', () => {
    const e = explainLayer(new layers.SimpleRNN(10), [2, 1]);
    assert.equal(e.params, 120);
    assert.match(e.shapeSteps.join('\n'), /returnSequences: true to chain/);
  });

  it('leaves the explained layer unbuilt', () => {
    const layer = new layers.Dense(3);
    explainLayer(layer, [4]);
    assert.equal(layer.built, false);
  });
});

describe('explanations agree with the layers (property test over random configurations)', () => {
  it('for 200 random Conv1D / Conv2D / Conv2DTranspose layers the explained shapes and counts are the computed ones', () => {
    setSeed(99);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const kind = randomInt(0, 3);
      const k = randomInt(1, 5);
      const s = randomInt(1, 4);
      const d = s === 1 ? randomInt(1, 3) : 1;
      const n = randomInt(k * d + 1, 20);
      const c = randomInt(1, 4);
      const f = randomInt(1, 5);
      const pad = (['valid', 'same'] as const)[randomInt(0, 2)];
      const layer = kind === 0
        ? new layers.Conv1D(f, k, { strides: s, padding: randomInt(0, 3) === 0 ? 'causal' : pad, dilationRate: d })
        : kind === 1
          ? new layers.Conv2D(f, [k, k + 1], { strides: s, padding: pad, dilationRate: d })
          : new layers.Conv2DTranspose(f, [k, k + 1], { strides: s, padding: pad });
      const inShape = kind === 0 ? [n, c] : [n, n + 2, c];
      const e = explainLayer(layer, inShape);
      const out = layer.apply(Input(inShape));
      assert.deepEqual(e.outputShape, out.shape, `${layer.className} ${JSON.stringify(layer.getConfig())} on ${inShape}`);
      assert.equal(e.params, layer.countParams());
      // The numbers the steps end with are the output sizes.
      e.shapeSteps.slice(0, inShape.length - 1).forEach((step, axis) => {
        const stated = /(?:= |gives floor\(.*\) \+ 1 = |ceil\(.*\) = )(\d+)/.exec(step);
        assert.ok(stated, step);
        assert.ok(step.includes(`= ${out.shape[1 + axis]}`), `${step} vs ${out.shape[1 + axis]}`);
      });
      checked++;
    }
    assert.equal(checked, 200);
  });

  it('explain(model) covers every layer of the seed deconv net and sums to its 325 params', () => {
    const inp = Input([10, 3, 1]);
    let x = new layers.Conv2D(2, [2, 2]).apply(inp);
    x = new layers.Conv2D(4, [2, 2]).apply(x);
    x = new layers.Conv2DTranspose(4, [3, 4]).apply(x);
    x = new layers.Conv2DTranspose(2, [2, 4]).apply(x);
    const model = new Model(inp, new layers.Conv2DTranspose(1, [2, 4]).apply(x));
    const all = explain(model);
    assert.equal(all.length, 5);
    assert.equal(all.reduce((n, e) => n + e.params, 0), 325);
    assert.match(all[2].shapeSteps[0], /\(8 - 1\) x 1 \+ max\(3, 1\) = 10/);
    const text = model.summary({ explain: true, printFn: () => {} });
    assert.match(text, /How each shape and parameter count follows/);
    assert.match(text, /params 2 x 4 x 1 x 2 \+ 1 = 17/);
  });
});
