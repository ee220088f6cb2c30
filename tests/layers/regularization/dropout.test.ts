/** Dropout and SpatialDropout1D: inverted dropout in training only, reproducible under setSeed, Keras 3 configs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, ones, randomUniform, setSeed } from '../../../src/index.js';
import { Dropout, SpatialDropout1D } from '../../../src/layers/regularization/index.js';
import { checkGradients } from '../../helpers/gradcheck.js';

describe('Dropout', () => {
  it('is the identity at inference (no training flag, or training=false)', () => {
    const x = randomUniform([4, 5], -1, 1);
    const d = new Dropout(0.5);
    assert.deepEqual(d.apply(x).dataSync(), x.dataSync());
    assert.deepEqual(d.apply(x, { training: false }).dataSync(), x.dataSync());
  });

  it('in training zeroes about `rate` of the units and scales the rest by 1 / (1 - rate)', () => {
    setSeed(3);
    const y = new Dropout(0.3).apply(ones([200, 100]), { training: true }).dataSync();
    const zeros = y.filter((v) => v === 0).length / y.length;
    // 20,000 Bernoulli(0.3) draws: standard deviation of the fraction ~0.0032, so 0.02 is > 6 sigma.
    assert.ok(Math.abs(zeros - 0.3) < 0.02, `fraction dropped ${zeros}`);
    const kept = new Set(Array.from(y.filter((v) => v !== 0)));
    assert.deepEqual([...kept], [Math.fround(1 / 0.7)]);
  });

  it('gives the same mask after the same setSeed, and a new one otherwise', () => {
    const x = ones([8, 16]);
    const d = new Dropout(0.5);
    setSeed(11);
    const a = d.apply(x, { training: true }).dataSync();
    setSeed(11);
    const b = d.apply(x, { training: true }).dataSync();
    const c = d.apply(x, { training: true }).dataSync();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('rate 0 changes nothing and rate 1 drops everything, even in training', () => {
    const x = randomUniform([3, 4], 1, 2);
    assert.deepEqual(new Dropout(0).apply(x, { training: true }).dataSync(), x.dataSync());
    assert.ok(new Dropout(1).apply(x, { training: true }).dataSync().every((v) => v === 0));
  });

  it('noise_shape (None, 1, C) shares one mask across the middle axis', () => {
    setSeed(5);
    const y = new Dropout(0.5, { noiseShape: [null, 1, 6] }).apply(ones([3, 4, 6]), { training: true }).arraySync() as number[][][];
    for (const sample of y) for (const step of sample) assert.deepEqual(step, sample[0]);
  });

  it('passes gradients through the kept units only (same mask as the forward pass)', () => {
    const x = randomUniform([3, 4], -1, 1);
    const d = new Dropout(0.4);
    checkGradients((t) => {
      setSeed(9); // the same mask on every evaluation
      return d.apply(t, { training: true });
    }, [x]);
  });

  it('drops in a model only when the model runs in training mode', () => {
    const input = Input([50]);
    const model = new Model(input, new Dropout(0.5).apply(input));
    const x = ones([4, 50]);
    assert.deepEqual(model.forward([x], false)[0].dataSync(), x.dataSync());
    setSeed(1);
    assert.ok(model.forward([x], true)[0].dataSync().some((v) => v === 0));
  });

  it("getConfig has Keras 3's keys and round-trips through fromConfig", () => {
    const d = new Dropout(0.25, { name: 'drop', noiseShape: [null, 1, 3], seed: 42 });
    const config = d.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'rate', 'seed', 'noise_shape']);
    assert.deepEqual([config.rate, config.seed, config.noise_shape], [0.25, 42, [null, 1, 3]]);
    assert.deepEqual(Dropout.fromConfig(config).getConfig(), config);
    assert.deepEqual(new Dropout(0.1).getConfig().noise_shape, null);
  });

  it('rejects a rate outside [0, 1] with Keras wording', () => {
    assert.throws(() => new Dropout(1.5), /Expected a float value between 0 and 1. Received: rate=1.5/);
    assert.throws(() => new Dropout(0.5, { noiseShape: [0, 2] }), /noise_shape/);
  });
});

describe('SpatialDropout1D', () => {
  it('drops whole channels: each (sample, channel) is all zeros or all 1 / (1 - rate) over the steps', () => {
    setSeed(21);
    const y = new SpatialDropout1D(0.5).apply(ones([4, 7, 10]), { training: true }).arraySync() as number[][][];
    let dropped = 0;
    for (const sample of y) {
      for (let c = 0; c < 10; c++) {
        const column = sample.map((step) => step[c]);
        assert.ok(column.every((v) => v === column[0]), 'one value per channel');
        assert.ok(column[0] === 0 || column[0] === 2, `value ${column[0]}`);
        if (column[0] === 0) dropped++;
      }
    }
    assert.ok(dropped > 0 && dropped < 40, `some channels dropped (${dropped}/40)`);
  });

  it('is the identity at inference', () => {
    const x = randomUniform([2, 3, 4]);
    assert.deepEqual(new SpatialDropout1D(0.9).apply(x).dataSync(), x.dataSync());
  });

  it('needs a 3-D input', () => {
    assert.throws(() => new SpatialDropout1D(0.5).apply(Input([4])), /ndim=3/);
  });

  it("config is Keras 3's BaseSpatialDropout one (rate, seed, name, dtype) and round-trips", () => {
    const s = new SpatialDropout1D(0.2, { name: 'sd', seed: 3 });
    const config = s.getConfig();
    assert.deepEqual(config, { rate: 0.2, seed: 3, name: 'sd', dtype: 'float32' });
    assert.deepEqual(SpatialDropout1D.fromConfig(config).getConfig(), config);
  });
});
