/**
 * Keras 3 initializers: draw statistics against the formulas in keras/src/initializers/random_initializers.py,
 * orthogonality, reproducibility under setSeed, and configs as real .keras files write them
 * (shared/fixtures/keras-files: `unzip -p k3_gru.keras config.json`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setSeed, randomFloat } from '../../src/core/random.js';
import {
  computeFans, Constant, getInitializer, GlorotNormal, GlorotUniform, HeNormal, HeUniform, householderQR, Identity,
  INITIALIZER_NAMES, LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, serializeInitializer,
  TruncatedNormal, VarianceScaling, Zeros,
} from '../../src/initializers/index.js';
import { randomNormal } from '../../src/ops/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const v of t.values) { sum += v; sq += v * v; if (v < min) min = v; if (v > max) max = v; }
  const mean = sum / t.size;
  return { mean, variance: sq / t.size - mean * mean, min, max };
}

/**
 * Mean within 5 standard errors of `mean`; variance within 5% of `variance` (the standard error of a
 * variance estimate from >= 40,000 draws is under 1% for these distributions).
 */
function assertMoments(t: Tensor, mean: number, variance: number, label: string): void {
  assert.ok(t.size >= 40000, `${label}: a large draw`);
  const s = stats(t);
  assert.ok(Math.abs(s.mean - mean) < 5 * Math.sqrt(variance / t.size), `${label}: mean ${s.mean}, expected ${mean}`);
  assert.ok(Math.abs(s.variance / variance - 1) < 0.05, `${label}: variance ${s.variance}, expected ${variance}`);
}

describe('computeFans follows Keras compute_fans', () => {
  it('scalars, vectors, matrices and conv kernels', () => {
    assert.deepEqual(computeFans([]), [1, 1]);
    assert.deepEqual(computeFans([7]), [7, 7]);
    assert.deepEqual(computeFans([20, 30]), [20, 30]);
    // Conv2D kernel (3, 3, 16, 32): receptive field 9.
    assert.deepEqual(computeFans([3, 3, 16, 32]), [144, 288]);
    // Conv1D kernel (5, 4, 8): receptive field 5.
    assert.deepEqual(computeFans([5, 4, 8]), [20, 40]);
  });
  it('explicit input and output axes multiply those axes', () => {
    assert.deepEqual(computeFans([4, 8, 16], [0], [1, 2]), [4, 128]);
  });
});

describe('constant initializers', () => {
  it('Zeros, Ones, Constant fill the shape', () => {
    assert.deepEqual([...new Zeros().call([2, 2]).values], [0, 0, 0, 0]);
    assert.deepEqual([...new Ones().call([3]).values], [1, 1, 1]);
    assert.deepEqual([...new Constant(2.5).call([2]).values], [2.5, 2.5]);
    assert.deepEqual([...new Constant({ value: -1 }).apply([1, 2]).values], [-1, -1]);
    assert.deepEqual(new Zeros().call([2, 0, 3]).shape, [2, 0, 3]);
  });
  it('Identity is gain times a rectangular identity, 2-D only', () => {
    assert.deepEqual([...new Identity({ gain: 2 }).call([2, 3]).values], [2, 0, 0, 0, 2, 0]);
    assert.throws(() => new Identity().call([2, 2, 2]), /2D matrices/);
  });
});

describe('random initializers draw the Keras distributions', () => {
  it('RandomNormal: mean 0, stddev 0.05 by default', () => {
    setSeed(1);
    assertMoments(new RandomNormal().call([200, 250]), 0, 0.05 ** 2, 'RandomNormal');
    assertMoments(new RandomNormal({ mean: 3, stddev: 2 }).call([50000]), 3, 4, 'RandomNormal(3, 2)');
  });
  it('RandomUniform: [-0.05, 0.05) by default', () => {
    setSeed(2);
    const t = new RandomUniform().call([200, 250]);
    const s = stats(t);
    assert.ok(s.min >= -0.05 && s.max < 0.05);
    assertMoments(t, 0, 0.1 ** 2 / 12, 'RandomUniform');
  });
  it('TruncatedNormal: within 2 stddev, variance 0.8796^2 stddev^2', () => {
    setSeed(3);
    const t = new TruncatedNormal({ stddev: 0.5 }).call([50000]);
    const s = stats(t);
    assert.ok(s.min >= -1 && s.max <= 1, 'no draw beyond 2 stddev');
    assertMoments(t, 0, (0.5 * 0.87962566103423978) ** 2, 'TruncatedNormal');
  });
  it('GlorotUniform: within sqrt(6 / (fan_in + fan_out)), variance limit^2 / 3', () => {
    setSeed(4);
    const t = new GlorotUniform().call([200, 300]);
    const limit = Math.sqrt(6 / 500);
    const s = stats(t);
    assert.ok(s.min >= -limit && s.max <= limit, `bounds ${s.min} ${s.max} vs ${limit}`);
    assert.ok(s.max > 0.99 * limit && s.min < -0.99 * limit, 'fills the interval');
    assertMoments(t, 0, limit ** 2 / 3, 'GlorotUniform');
  });
  it('GlorotUniform on a conv kernel counts the receptive field', () => {
    setSeed(5);
    const t = new GlorotUniform().call([3, 3, 128, 64]); // fans 1152 and 576
    const limit = Math.sqrt(6 / (1152 + 576));
    const s = stats(t);
    assert.ok(s.min >= -limit && s.max <= limit);
    assertMoments(t, 0, limit ** 2 / 3, 'GlorotUniform conv');
  });
  it('the normal presets have variance scale / n after truncation, and stay within 2 / 0.8796 of it', () => {
    setSeed(6);
    const shape = [3, 3, 128, 64]; // fan_in 1152, fan_out 576
    const cases: [string, VarianceScaling, number][] = [
      ['GlorotNormal', new GlorotNormal(), 2 / (1152 + 576)],
      ['HeNormal', new HeNormal(), 2 / 1152],
      ['LecunNormal', new LecunNormal(), 1 / 1152],
      ['VarianceScaling fan_out 3', new VarianceScaling({ scale: 3, mode: 'fan_out' }), 3 / 576],
    ];
    for (const [label, init, variance] of cases) {
      const t = init.call(shape);
      const bound = (2 * Math.sqrt(variance)) / 0.87962566103423978;
      const s = stats(t);
      assert.ok(s.max <= bound * (1 + 1e-6) && s.min >= -bound * (1 + 1e-6), `${label}: truncated at 2 stddev`);
      assertMoments(t, 0, variance, label);
    }
  });
  it('the uniform presets are bounded by sqrt(3 scale / n)', () => {
    setSeed(7);
    for (const [label, init, limit] of [
      ['HeUniform', new HeUniform(), Math.sqrt(6 / 400)],
      ['LecunUniform', new LecunUniform(), Math.sqrt(3 / 400)],
      ['VarianceScaling fan_avg uniform', new VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'uniform' }), Math.sqrt(6 / 300)],
    ] as const) {
      const t = init.call([400, 200]);
      const s = stats(t);
      assert.ok(s.min >= -limit && s.max <= limit, `${label}: bounds`);
      assertMoments(t, 0, limit ** 2 / 3, label);
    }
  });
  it("VarianceScaling 'untruncated_normal' has variance scale / n with tails beyond 2 stddev", () => {
    setSeed(8);
    const t = new VarianceScaling({ scale: 2, distribution: 'untruncated_normal' }).call([500, 100]);
    assertMoments(t, 0, 2 / 500, 'untruncated');
    assert.ok(stats(t).max > 2 * Math.sqrt(2 / 500));
  });
  it("VarianceScaling accepts 'normal' as 'truncated_normal' and rejects bad arguments as Keras does", () => {
    assert.equal(new VarianceScaling({ distribution: 'normal' }).distribution, 'truncated_normal');
    assert.throws(() => new VarianceScaling({ scale: 0 }), /scale/);
    assert.throws(() => new VarianceScaling({ mode: 'fan_sum' as 'fan_in' }), /mode/);
    assert.throws(() => new VarianceScaling({ distribution: 'cauchy' as 'uniform' }), /distribution/);
  });
});

describe('Orthogonal', () => {
  function gram(t: Tensor, rows: number, cols: number, byColumns: boolean): number[][] {
    const n = byColumns ? cols : rows;
    const at = (i: number, j: number) => t.values[i * cols + j];
    return Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => {
      let s = 0;
      for (let k = 0; k < (byColumns ? rows : cols); k++) s += byColumns ? at(k, a) * at(k, b) : at(a, k) * at(b, k);
      return s;
    }));
  }
  function assertIdentity(g: number[][], scale: number, label: string): void {
    g.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? scale : 0)) < 1e-5, `${label} [${i}][${j}] = ${v}`)));
  }
  it('tall matrices have orthonormal columns: Q^T Q = I', () => {
    setSeed(10);
    assertIdentity(gram(new Orthogonal().call([40, 15]), 40, 15, true), 1, 'tall');
    assertIdentity(gram(new Orthogonal().call([12, 12]), 12, 12, true), 1, 'square');
  });
  it('wide matrices have orthonormal rows: Q Q^T = I', () => {
    setSeed(11);
    assertIdentity(gram(new Orthogonal().call([10, 30]), 10, 30, false), 1, 'wide');
  });
  it('a conv kernel is flattened to (prod(shape[:-1]), shape[-1]); gain scales it', () => {
    setSeed(12);
    const t = new Orthogonal({ gain: 2 }).call([3, 3, 4, 8]);
    assert.deepEqual(t.shape, [3, 3, 4, 8]);
    assertIdentity(gram(t, 36, 8, true), 4, 'conv kernel with gain 2');
  });
  it('is Q of the QR of the normal draw, with R having a positive diagonal (the sign correction)', () => {
    // Redraw the same normal matrix A; then R = Q^T A must be upper triangular with a positive diagonal.
    setSeed(13);
    const q = new Orthogonal().call([9, 4]);
    setSeed(13);
    const a = randomNormal([9, 4]);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let r = 0;
        for (let k = 0; k < 9; k++) r += q.values[k * 4 + i] * a.values[k * 4 + j];
        if (i > j) assert.ok(Math.abs(r) < 1e-5, `R[${i}][${j}] = ${r} below the diagonal`);
        if (i === j) assert.ok(r > 0, `R[${i}][${i}] = ${r} positive`);
      }
    }
  });
  it('householderQR reconstructs A = QR for a fixed matrix', () => {
    const a = Float64Array.from([2, -1, 0, 1, 3, 1, -1, 0, 4, 1, 1, 1]); // 4 x 3
    const { q, rDiag } = householderQR(a, 4, 3);
    // R = Q^T A; check Q R = A and that the diagonal matches.
    const r = Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => {
      let s = 0;
      for (let k = 0; k < 4; k++) s += q[k * 3 + i] * a[k * 3 + j];
      return s;
    }));
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += q[i * 3 + k] * r[k][j];
        assert.ok(Math.abs(s - a[i * 3 + j]) < 1e-12, `QR[${i}][${j}]`);
      }
    }
    rDiag.forEach((d, i) => assert.ok(Math.abs(d - r[i][i]) < 1e-12));
  });
  it('rejects shapes of rank below 2', () => {
    assert.throws(() => new Orthogonal().call([5]), /at least two-dimensional/);
  });
});

describe('reproducibility', () => {
  const all = () => [new RandomNormal(), new RandomUniform(), new TruncatedNormal(), new GlorotUniform(), new GlorotNormal(),
    new HeNormal(), new HeUniform(), new LecunNormal(), new LecunUniform(), new Orthogonal()];
  it('setSeed(n) makes every random initializer repeat its draw', () => {
    setSeed(42);
    const first = all().map((init) => [...init.call([6, 5]).values]);
    setSeed(42);
    const second = all().map((init) => [...init.call([6, 5]).values]);
    assert.deepEqual(second, first);
    setSeed(43);
    assert.notDeepEqual(all().map((init) => [...init.call([6, 5]).values]), first);
  });
  it('an initializer with a seed gives the same values on every call, and the global stream stays reproducible', () => {
    const seeded = new GlorotUniform({ seed: 7 });
    setSeed(1);
    const a = seeded.call([4, 4]);
    const afterA = randomFloat();
    setSeed(99);
    const b = seeded.call([4, 4]);
    assert.deepEqual([...a.values], [...b.values]);
    setSeed(1);
    seeded.call([4, 4]);
    assert.equal(randomFloat(), afterA);
  });
});

describe('configs and serialization match Keras 3 files', () => {
  it('GlorotUniform and Zeros serialize exactly as in a Dense layer of k3_dense_sine.keras', () => {
    assert.deepEqual(serializeInitializer(new GlorotUniform()),
      { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null });
    assert.deepEqual(serializeInitializer('zeros'),
      { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null });
  });
  it('Orthogonal serializes as in k3_gru.keras (Keras 3.15)', () => {
    assert.deepEqual(serializeInitializer('orthogonal'),
      { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1 }, registered_name: null });
  });
  it('each getConfig has the keys Keras writes', () => {
    assert.deepEqual(new RandomNormal().getConfig(), { seed: null, mean: 0, stddev: 0.05 });
    assert.deepEqual(new RandomUniform({ seed: 3 }).getConfig(), { seed: 3, minval: -0.05, maxval: 0.05 });
    assert.deepEqual(new TruncatedNormal().getConfig(), { seed: null, mean: 0, stddev: 0.05 });
    assert.deepEqual(new VarianceScaling().getConfig(), { seed: null, scale: 1, mode: 'fan_in', distribution: 'truncated_normal' });
    assert.deepEqual(new HeNormal({ seed: 1 }).getConfig(), { seed: 1 });
    assert.deepEqual(new Constant(0.5).getConfig(), { value: 0.5 });
    assert.deepEqual(new Identity().getConfig(), { gain: 1 });
    assert.deepEqual(new Ones().getConfig(), {});
  });
  it('getInitializer takes snake_case names, class names and aliases', () => {
    const expected: Record<string, string> = {
      glorot_uniform: 'GlorotUniform', GlorotUniform: 'GlorotUniform', he_normal: 'HeNormal', he_uniform: 'HeUniform',
      lecun_normal: 'LecunNormal', lecun_uniform: 'LecunUniform', glorot_normal: 'GlorotNormal', zeros: 'Zeros',
      ones: 'Ones', zero: 'Zeros', one: 'Ones', constant: 'Constant', random_normal: 'RandomNormal', normal: 'RandomNormal',
      random_uniform: 'RandomUniform', uniform: 'RandomUniform', truncated_normal: 'TruncatedNormal',
      variance_scaling: 'VarianceScaling', orthogonal: 'Orthogonal', OrthogonalInitializer: 'Orthogonal', identity: 'Identity',
    };
    for (const [name, cls] of Object.entries(expected)) assert.equal(getInitializer(name).className, cls, name);
  });
  it('an unknown name is an error that lists the valid names', () => {
    assert.throws(() => getInitializer('glorot'), (e: Error) => /glorot/.test(e.message) && /glorot_uniform/.test(e.message));
  });
  it('getInitializer returns an Initializer it is given', () => {
    const init = new HeUniform();
    assert.equal(getInitializer(init), init);
  });
  it('reads configs from Keras 3.3 (OrthogonalInitializer), 3.15 (input_axes) and tf.keras 2 files', () => {
    const o = getInitializer({ module: 'keras.initializers', class_name: 'OrthogonalInitializer', config: { gain: 1.0, seed: null }, registered_name: null });
    assert.ok(o instanceof Orthogonal);
    const g = getInitializer({ class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null } });
    assert.ok(g instanceof GlorotUniform);
    assert.deepEqual(serializeInitializer(g).config, { seed: null });
    const v = getInitializer({ class_name: 'VarianceScaling', config: { scale: 2.0, mode: 'fan_in', distribution: 'normal', seed: 5 } });
    assert.deepEqual(v.getConfig(), { seed: 5, scale: 2, mode: 'fan_in', distribution: 'truncated_normal' });
  });
  it('round-trips every class through its config', () => {
    for (const init of [new Zeros(), new Ones(), new Constant(3), new Identity({ gain: 0.5 }), new RandomNormal({ mean: 1, stddev: 2, seed: 4 }),
      new RandomUniform({ minval: 0, maxval: 1 }), new TruncatedNormal({ stddev: 0.1 }),
      new VarianceScaling({ scale: 0.5, mode: 'fan_avg', distribution: 'uniform', seed: 9 }), new GlorotUniform({ seed: 2 }),
      new GlorotNormal(), new HeNormal(), new HeUniform(), new LecunNormal(), new LecunUniform(), new Orthogonal({ gain: 3 })]) {
      const json = JSON.parse(JSON.stringify(serializeInitializer(init)));
      const back = getInitializer(json);
      assert.equal(back.constructor, init.constructor);
      assert.deepEqual(back.getConfig(), init.getConfig());
    }
  });
  it('an unknown config key is an error, as a Keras keyword argument would be', () => {
    assert.throws(() => getInitializer({ class_name: 'RandomNormal', config: { mean: 0, sigma: 1 } }), /sigma/);
  });
  it('every listed name resolves', () => {
    for (const name of INITIALIZER_NAMES) assert.ok(getInitializer(name));
  });
});
