/**
 * Permute, RepeatVector, UpSampling1D/2D, ZeroPadding1D/2D, Cropping1D/2D (keras/src/layers/reshaping/):
 * values and input gradients against TensorFlow.js 4.22's layers where it has them (permute,
 * repeatVector, upSampling2d, zeroPadding2d, cropping2D), small cases written out by hand otherwise,
 * shapes with unknown axes, teaching errors, and Keras 3's configs through deserialize.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Input, deserialize } from '../../../src/layers/index.js';
import type { Layer } from '../../../src/layers/layer.js';
import {
  Cropping1D, Cropping2D, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
} from '../../../src/layers/reshaping/index.js';
import { assertAllClose, assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForwardAndGrads, useTfjsCpu } from '../convolutional/oracle.js';
import { checkGradients } from '../../helpers/gradcheck.js';

before(async () => {
  await useTfjsCpu();
  setSeed(17);
});

const t = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);

describe('reshaping layers match tfjs, forward and d/dx', () => {
  const cases: { what: string; ours: () => Layer; oracle: () => tf.layers.Layer; input: number[] }[] = [
    { what: 'Permute([2, 1])', ours: () => new Permute([2, 1]), oracle: () => tf.layers.permute({ dims: [2, 1] }), input: [2, 3, 4] },
    { what: 'Permute([3, 1, 2])', ours: () => new Permute([3, 1, 2]), oracle: () => tf.layers.permute({ dims: [3, 1, 2] }), input: [2, 3, 4, 5] },
    { what: 'RepeatVector(3)', ours: () => new RepeatVector(3), oracle: () => tf.layers.repeatVector({ n: 3 }), input: [2, 4] },
    // Batch 1 for upSampling2d: tfjs 4.22's cpu resizeNearestNeighbor gradient is wrong past the first
    // sample (checked against finite differences); batch > 1 is tested by hand below.
    { what: 'UpSampling2D()', ours: () => new UpSampling2D(), oracle: () => tf.layers.upSampling2d({}), input: [1, 3, 2, 3] },
    { what: 'UpSampling2D([3, 1])', ours: () => new UpSampling2D([3, 1]), oracle: () => tf.layers.upSampling2d({ size: [3, 1] }), input: [1, 2, 4, 2] },
    { what: 'ZeroPadding2D()', ours: () => new ZeroPadding2D(), oracle: () => tf.layers.zeroPadding2d({}), input: [2, 3, 3, 2] },
    {
      what: 'ZeroPadding2D([[1, 2], [0, 3]])', ours: () => new ZeroPadding2D([[1, 2], [0, 3]]),
      oracle: () => tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), input: [1, 2, 3, 2],
    },
    { what: 'ZeroPadding2D([2, 1]) symmetric', ours: () => new ZeroPadding2D([2, 1]), oracle: () => tf.layers.zeroPadding2d({ padding: [2, 1] }), input: [1, 2, 2, 1] },
    {
      what: 'Cropping2D([[1, 0], [2, 1]])', ours: () => new Cropping2D([[1, 0], [2, 1]]),
      oracle: () => tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]] }), input: [2, 4, 5, 3],
    },
    { what: 'Cropping2D(1)', ours: () => new Cropping2D(1), oracle: () => tf.layers.cropping2D({ cropping: 1 }), input: [1, 4, 4, 2] },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const x = ops.randomUniform(c.input, -1, 1);
      const ours = ourForwardAndGrads(c.ours(), x);
      const expected = tfjsLayerForwardAndGrads(c.oracle(), x, [], ours.r);
      assertSameForwardAndGrads(ours, expected, c.what);
    });
  }
});

describe('the 1-D layers, by hand (tfjs has no UpSampling1D, ZeroPadding1D or Cropping1D)', () => {
  // x = [[[1, 2], [3, 4], [5, 6]]]: 3 steps of 2 features.
  const x = () => t([1, 2, 3, 4, 5, 6], [1, 3, 2]);

  it('UpSampling1D(2) repeats each step twice', () => {
    const y = new UpSampling1D(2).apply(x());
    assert.deepEqual(y.shape, [1, 6, 2]);
    assert.deepEqual(Array.from(y.values), [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6]);
  });

  it('ZeroPadding1D([1, 2]) adds one zero step before and two after', () => {
    const y = new ZeroPadding1D([1, 2]).apply(x());
    assert.deepEqual(y.shape, [1, 6, 2]);
    assert.deepEqual(Array.from(y.values), [0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0]);
  });

  it('Cropping1D() removes the first and last step; Cropping1D([2, 0]) the first two', () => {
    assert.deepEqual(Array.from(new Cropping1D().apply(x()).values), [3, 4]);
    assert.deepEqual(Array.from(new Cropping1D([2, 0]).apply(x()).values), [5, 6]);
  });

  it('sends gradients back through each 1-D layer (finite differences)', () => {
    for (const layer of [new UpSampling1D(3), new ZeroPadding1D(2), new Cropping1D([1, 1])]) {
      checkGradients((a) => layer.apply(a), [ops.randomUniform([2, 4, 3], -1, 1)]);
    }
  });
});

describe('UpSampling2D with a batch of several samples, by hand', () => {
  it('d/dx is the sum of the upstream gradient over each size[0] x size[1] block', () => {
    const x = ops.randomUniform([2, 2, 3, 2], -1, 1);
    const ours = ourForwardAndGrads(new UpSampling2D([2, 3]), x);
    const r = ours.r.values; // (2, 4, 9, 2)
    const expected = new Float32Array(x.size);
    for (let n = 0; n < 2; n++) for (let i = 0; i < 4; i++) for (let j = 0; j < 9; j++) for (let c = 0; c < 2; c++) {
      expected[((n * 2 + Math.floor(i / 2)) * 3 + Math.floor(j / 3)) * 2 + c] += r[((n * 4 + i) * 9 + j) * 2 + c];
    }
    assertAllClose(ours.dx, expected, 'd/dx');
    checkGradients((a) => new UpSampling2D().apply(a), [ops.randomUniform([2, 3, 2, 2], -1, 1)]);
  });
});

describe('reshaping layer shapes', () => {
  it('keep unknown axes unknown and compute the known ones', () => {
    assert.deepEqual(new Permute([2, 1]).apply(Input([null, 5])).shape, [null, 5, null]);
    assert.deepEqual(new RepeatVector(4).apply(Input([3])).shape, [null, 4, 3]);
    assert.deepEqual(new UpSampling1D(3).apply(Input([null, 2])).shape, [null, null, 2]);
    assert.deepEqual(new UpSampling2D([2, 3]).apply(Input([4, 5, 1])).shape, [null, 8, 15, 1]);
    assert.deepEqual(new ZeroPadding1D(1).apply(Input([7, 2])).shape, [null, 9, 2]);
    assert.deepEqual(new ZeroPadding2D([[1, 2], [3, 4]]).apply(Input([10, 10, 3])).shape, [null, 13, 17, 3]);
    assert.deepEqual(new Cropping1D([1, 2]).apply(Input([7, 2])).shape, [null, 4, 2]);
    assert.deepEqual(new Cropping2D([[2, 2], [4, 4]]).apply(Input([28, 28, 3])).shape, [null, 24, 20, 3]);
  });
});

describe('reshaping layer errors teach the fix', () => {
  it('Permute refuses dims that are not a permutation of 1..n', () => {
    assert.throws(() => new Permute([0, 1]), /must be consecutive and start from 1.*Received dims=\[0,1\].*batch, never moves/s);
    assert.throws(() => new Permute([1, 1]), /consecutive/);
  });

  it('Permute names the rank it needs', () => {
    assert.throws(() => new Permute([2, 1]).apply(Input([2, 3, 4])), /expected ndim=3.*Received: ndim=4.*Permute\(\[3,2,1\]\)/s);
  });

  it('RepeatVector refuses n <= 0 and inputs with more than one feature axis', () => {
    assert.throws(() => new RepeatVector(0), /Received: n=0/);
    assert.throws(() => new RepeatVector(2).apply(Input([3, 4])), /expected ndim=2.*Flatten\(\)/s);
  });

  it('Cropping refuses crops as large as the input, saying how much fits', () => {
    assert.throws(() => new Cropping2D([[2, 2], [0, 0]]).apply(Input([4, 6, 1])), /smaller than the input's height length.*crop at most 3 in total along height/s);
    assert.throws(() => new Cropping1D([3, 3]).apply(Input([6, 1])), /crop at most 5 in total along steps/s);
  });

  it("ZeroPadding2D and Cropping2D refuse malformed amounts with Keras's message", () => {
    assert.throws(() => new ZeroPadding2D([1, 2, 3] as unknown as [number, number]), /`padding` should have two elements/);
    assert.throws(() => new Cropping2D(-1), /`cropping` cannot be negative/);
    assert.throws(() => new ZeroPadding2D('x' as unknown as number), /\(\(top_pad, bottom_pad\), \(left_pad, right_pad\)\)/);
  });

  it("UpSampling2D refuses interpolations other than 'nearest' (not yet) and channels_first", () => {
    assert.throws(() => new UpSampling2D(2, { interpolation: 'bilinear' }), /'bilinear' is not supported yet; only 'nearest'/);
    assert.throws(() => new UpSampling2D(2, { dataFormat: 'channels_first' }), /channels_first.*not supported yet/);
  });

  it('the 2-D layers explain a missing channels axis', () => {
    assert.throws(() => new UpSampling2D().apply(Input([4, 4])), /add a channels axis: Input\(\[4, 4, 1\]\)/);
  });
});

describe('reshaping layer configs', () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const cases: { layer: Layer; own: Record<string, unknown> }[] = [
    { layer: new Permute([2, 1], { name: 'p' }), own: { dims: [2, 1] } },
    { layer: new RepeatVector(3, { name: 'p' }), own: { n: 3 } },
    { layer: new UpSampling1D(2, { name: 'p' }), own: { size: 2 } },
    { layer: new UpSampling2D(2, { name: 'p' }), own: { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' } },
    { layer: new ZeroPadding1D(1, { name: 'p' }), own: { padding: [1, 1] } },
    { layer: new ZeroPadding2D([1, 2], { name: 'p' }), own: { padding: [[1, 1], [2, 2]], data_format: 'channels_last' } },
    { layer: new Cropping1D([1, 1], { name: 'p' }), own: { cropping: [1, 1] } },
    { layer: new Cropping2D(3, { name: 'p' }), own: { cropping: [[3, 3], [3, 3]], data_format: 'channels_last' } },
  ];
  for (const { layer, own } of cases) {
    it(`${layer.className}: Keras's keys, round-trip through deserialize`, () => {
      const config = layer.getConfig();
      assert.deepEqual(config, { name: 'p', trainable: true, dtype: policy, ...own });
      assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', ...Object.keys(own)]);
      const copy = deserialize({ class_name: layer.className, config });
      assert.equal(copy.className, layer.className);
      assert.deepEqual(copy.getConfig(), config);
    });
  }
});
