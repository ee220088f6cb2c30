/**
 * Backend conformance: every kernel the wasm backend implements natively (matmul, conv2d and both conv
 * backprops, add/sub/mul on equal shapes or a trailing broadcast, relu/step, contiguous sums, max pooling
 * and its gradient) runs on both backends over odd shapes, transposes, batches, strides 1-3, padding and
 * dilation. Each backend must match a float64 oracle written from the kernel's definition below, and
 * the wasm backend must match the JS reference, within float32 tolerance (relative 1e-4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, Conv2DParams, Pool2DParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { matmulOracle } from '../helpers/matmulOracle.js';

const TOL = 1e-4;
const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * randomFloat() - 1);
const randInt = (lo: number, hi: number) => lo + Math.floor(randomFloat() * (hi - lo + 1));
const backends: [Backend, boolean][] = [[jsBackend, true], [wasmBackend, wasmAvailable()]];


// Oracle: visits every (output position, tap) pair of the conv definition in backend.ts once, in float64.
function convOracle(p: Conv2DParams, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const y = new Float64Array(p.batch * p.outHeight * p.outWidth * p.outChannels);
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  const C = p.inChannels, CO = p.outChannels;
  for (let n = 0; n < p.batch; n++) for (let oh = 0; oh < p.outHeight; oh++) for (let ow = 0; ow < p.outWidth; ow++) {
    const yo = ((n * p.outHeight + oh) * p.outWidth + ow) * CO;
    for (let kh = 0; kh < p.kernelHeight; kh++) for (let kw = 0; kw < p.kernelWidth; kw++) {
      const ih = oh * p.strideHeight - p.padTop + kh * p.dilationHeight;
      const iw = ow * p.strideWidth - p.padLeft + kw * p.dilationWidth;
      if (ih < 0 || ih >= p.inHeight || iw < 0 || iw >= p.inWidth) continue;
      const xo = ((n * p.inHeight + ih) * p.inWidth + iw) * C, wo = (kh * p.kernelWidth + kw) * C * CO;
      for (let ci = 0; ci < C; ci++) for (let co = 0; co < CO; co++) {
        y[yo + co] += x[xo + ci] * w[wo + ci * CO + co];
        dx[xo + ci] += dy[yo + co] * w[wo + ci * CO + co];
        dw[wo + ci * CO + co] += x[xo + ci] * dy[yo + co];
      }
    }
  }
  return { y, dx, dw };
}

function convParams(batch: number, inHeight: number, inWidth: number, inChannels: number, outChannels: number,
  kernel: [number, number], stride: [number, number], dilation: [number, number], pad: [number, number, number, number]): Conv2DParams {
  const out = (size: number, k: number, s: number, d: number, before: number, after: number) =>
    Math.floor((size + before + after - d * (k - 1) - 1) / s) + 1;
  return {
    batch, inHeight, inWidth, inChannels, outChannels,
    outHeight: out(inHeight, kernel[0], stride[0], dilation[0], pad[0], pad[1]),
    outWidth: out(inWidth, kernel[1], stride[1], dilation[1], pad[2], pad[3]),
    kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: stride[0], strideWidth: stride[1],
    dilationHeight: dilation[0], dilationWidth: dilation[1], padTop: pad[0], padLeft: pad[2],
  };
}

setSeed(4);

describe('matmul conformance', () => {
  // [batch, m, k, n]: odd sizes, sizes crossing the GEMM blocks (MC 128, KC 256, NC 2048), a vector.
  const shapes = [[1, 1, 1, 1], [1, 3, 17, 33], [1, 65, 33, 17], [2, 17, 65, 3], [3, 33, 1, 65], [1, 1, 65, 1],
    [2, 130, 300, 70], [1, 5, 3, 2100], [4, 7, 9, 5]];
  for (const [batch, m, k, n] of shapes) {
    for (const bBatch of batch === 1 ? [1] : [1, batch]) {
      for (const tA of [false, true]) for (const tB of [false, true]) {
        const label = `batch ${batch} (b batch ${bBatch}), ${m}x${k} @ ${k}x${n}, transposeA ${tA}, transposeB ${tB}`;
        const a = rand(batch * m * k), b = rand(bBatch * k * n);
        const expected = matmulOracle(a, b, batch, m, k, n, tA, tB, bBatch);
        for (const [backend, available] of backends) {
          it(`${backend.name}: ${label}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
            const y = backend.matmul(a, b, batch, m, k, n, tA, tB, bBatch);
            assertClose(y, expected, TOL, backend.name);
            if (backend !== jsBackend) assertClose(y, jsBackend.matmul(a, b, batch, m, k, n, tA, tB, bBatch), TOL, 'vs js');
          });
        }
      }
    }
  }
});

describe('conv2d conformance (forward, backprop input, backprop filter)', () => {
  const cases: [string, Conv2DParams][] = [
    ['pointwise 1x1', convParams(2, 5, 7, 17, 33, [1, 1], [1, 1], [1, 1], [0, 0, 0, 0])],
    ['3x3 same padding, 1 channel in (MNIST conv1 shape, small batch)', convParams(2, 28, 28, 1, 32, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1])],
    ['3x3 valid, 32 -> 64 (MNIST conv2 shape)', convParams(1, 13, 13, 32, 64, [3, 3], [1, 1], [1, 1], [0, 0, 0, 0])],
    ['direct path (K <= 16) with 33 filters: vector blocks and a scalar tail', convParams(2, 6, 5, 3, 33, [2, 2], [1, 2], [1, 1], [1, 0, 1, 1])],
    ['2x2 seed deconv shape', convParams(3, 10, 3, 1, 2, [2, 2], [1, 1], [1, 1], [0, 0, 0, 0])],
    ['stride 2 with asymmetric padding', convParams(2, 17, 9, 3, 5, [3, 2], [2, 2], [1, 1], [1, 1, 0, 1])],
    ['stride 3, dilation 2', convParams(1, 33, 17, 4, 3, [3, 3], [3, 3], [2, 2], [2, 2, 2, 2])],
    ['patch matrix built in several chunks', convParams(2, 20, 20, 64, 17, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1])],
    ['narrow path, 4 channels each side, stride 2, dilation (2, 1), padding', convParams(2, 11, 9, 4, 4, [3, 2], [2, 2], [2, 1], [2, 1, 1, 0])],
    ['narrow path, 3 output channels and 2 input channels (partial lanes), stride (1, 3)', convParams(3, 7, 10, 2, 3, [2, 4], [1, 3], [1, 1], [1, 0, 0, 2])],
    ['narrow input-gradient path: 4 input channels, 9 output channels', convParams(2, 6, 6, 4, 9, [3, 3], [2, 1], [1, 1], [1, 1, 1, 1])],
    ['kernel larger than the padded input along one axis is clipped by padding', convParams(1, 3, 5, 2, 3, [3, 4], [1, 2], [1, 1], [2, 2, 1, 1])],
    // Short patches (K <= 16) with 5-32 filters: the filter gradient's register tiles over blocks of 128 rows.
    ['short patch, 32 filters, stride 2, same padding, batch 3 (border windows inside a block)', convParams(3, 15, 13, 1, 32, [3, 3], [2, 2], [1, 1], [1, 1, 1, 1])],
    ['short patch, 5 filters (one lane in the last vector), dilation 2, padding', convParams(2, 12, 11, 2, 5, [2, 3], [1, 1], [2, 2], [2, 1, 2, 0])],
    ['short patch, 16 taps, 22 filters, stride (1, 2), padding', convParams(3, 9, 10, 4, 22, [2, 2], [1, 2], [1, 1], [0, 1, 1, 0])],
  ];
  for (let i = 0; i < 8; i++) {
    const kernel: [number, number] = [randInt(1, 4), randInt(1, 4)];
    const stride: [number, number] = [randInt(1, 3), randInt(1, 3)];
    const dilation: [number, number] = [randInt(1, 2), randInt(1, 2)];
    const pad: [number, number, number, number] = [randInt(0, 2), randInt(0, 2), randInt(0, 2), randInt(0, 2)];
    const h = dilation[0] * (kernel[0] - 1) + randInt(1, 12), w = dilation[1] * (kernel[1] - 1) + randInt(1, 12);
    const p = convParams(randInt(1, 3), h, w, [1, 3, 17][randInt(0, 2)], [1, 2, 5, 33][randInt(0, 3)], kernel, stride, dilation, pad);
    const geometry = `x ${p.batch}x${h}x${w}x${p.inChannels}, ${p.outChannels} filters ${kernel.join('x')}, ` +
      `stride ${stride.join(',')}, dilation ${dilation.join(',')}, pads ${pad.join(',')}`;
    cases.push([`random #${i}: ${geometry}`, p]);
  }
  for (const [label, p] of cases) {
    const x = rand(p.batch * p.inHeight * p.inWidth * p.inChannels);
    const w = rand(p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels);
    const dy = rand(p.batch * p.outHeight * p.outWidth * p.outChannels);
    const expected = convOracle(p, x, w, dy);
    for (const [backend, available] of backends) {
      it(`${backend.name}: ${label}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
        const y = backend.conv2d(x, w, p), dx = backend.conv2dBackpropInput(dy, w, p), dw = backend.conv2dBackpropFilter(x, dy, p);
        assertClose(y, expected.y, TOL, `${backend.name} conv2d`);
        assertClose(dx, expected.dx, TOL, `${backend.name} conv2dBackpropInput`);
        assertClose(dw, expected.dw, TOL, `${backend.name} conv2dBackpropFilter`);
        if (backend !== jsBackend) {
          assertClose(y, jsBackend.conv2d(x, w, p), TOL, 'conv2d vs js');
          assertClose(dx, jsBackend.conv2dBackpropInput(dy, w, p), TOL, 'conv2dBackpropInput vs js');
          assertClose(dw, jsBackend.conv2dBackpropFilter(x, dy, p), TOL, 'conv2dBackpropFilter vs js');
        }
      });
    }
  }
});

describe('binary add/sub/mul conformance (wasm on equal shapes, JS otherwise)', () => {
  // Sizes on both sides of the wasm backend's 1024-element threshold and of the 4-lane SIMD width.
  const shapes: [number[], number[]][] = [[[1], [1]], [[17], [17]], [[3, 341], [3, 341]], [[1024], [1024]],
    [[5, 205], [5, 205]], [[4099], [4099]], [[33, 65], [65]], [[2, 1, 1025], [2, 3, 1025]],
    // Trailing broadcasts (the bias add), wasm from 1024 elements: lane-aligned, odd, and with leading 1s.
    [[7, 13, 32], [32]], [[9, 130], [1, 130]], [[2, 300, 5], [1, 5]], [[4, 3, 97], [3, 97]]];
  const oracles = { add: (x: number, y: number) => x + y, sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y };
  for (const [aShape, bShape] of shapes) {
    const outShape = aShape.length >= bShape.length ? [...aShape] : [...bShape];
    for (let i = 1; i <= Math.min(aShape.length, bShape.length); i++) {
      outShape[outShape.length - i] = Math.max(aShape[aShape.length - i], bShape[bShape.length - i]);
    }
    const a = rand(aShape.reduce((p, d) => p * d, 1)), b = rand(bShape.reduce((p, d) => p * d, 1));
    for (const op of ['add', 'sub', 'mul'] as const) {
      // Oracle for broadcasting: index each operand by the output position's trailing coordinates.
      const size = outShape.reduce((p, d) => p * d, 1);
      const at = (flat: number, shape: number[]) => {
        let idx = 0, stride = 1, rest = flat;
        const coords = outShape.map(() => 0);
        for (let d = outShape.length - 1; d >= 0; d--) { coords[d] = rest % outShape[d]; rest = Math.floor(rest / outShape[d]); }
        for (let d = shape.length - 1, o = outShape.length - 1; d >= 0; d--, o--) {
          idx += (shape[d] === 1 ? 0 : coords[o]) * stride;
          stride *= shape[d];
        }
        return idx;
      };
      const expected = Float32Array.from({ length: size }, (_, i) => oracles[op](a[at(i, aShape)], b[at(i, bShape)]));
      for (const [backend, available] of backends) {
        it(`${backend.name}: ${op} ${JSON.stringify(aShape)} with ${JSON.stringify(bShape)}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
          assertClose(backend.binary(op, a, aShape, b, bShape, outShape), expected, TOL, `${backend.name} ${op}`);
        });
      }
    }
  }
});

describe('relu and step conformance', () => {
  // Around the 1024-element threshold and the 4-lane width; zeros, -0 and NaN give 0 (x > 0 is false).
  for (const n of [5, 1023, 1024, 4099]) {
    const x = rand(n);
    x[0] = 0; x[1] = -0; x[2] = NaN;
    for (const op of ['relu', 'step'] as const) {
      const expected = Float32Array.from(x, (v) => (v > 0 ? (op === 'relu' ? v : 1) : 0));
      for (const [backend, available] of backends) {
        it(`${backend.name}: ${op} of ${n} elements`, { skip: !available && 'no WebAssembly SIMD' }, () => {
          const y = backend.unary(op, x);
          assertClose(y, expected, 0, `${backend.name} ${op}`);
          assert.ok(Object.is(y[1], 0), `${backend.name} ${op}(-0) is +0`);
        });
      }
    }
  }
});

describe('sum over contiguous axes conformance', () => {
  const cases: [number[], number[]][] = [[[37, 5, 32], [0, 1]], [[3, 401, 7], [1]], [[2, 3, 5, 67], [1, 2]],
    [[1100], [0]], [[5, 9, 33], [0, 1, 2]], [[600, 3], [1]], [[4, 6, 50], [0, 2]]];
  for (const [shape, axes] of cases) {
    const x = rand(shape.reduce((p, d) => p * d, 1));
    // Oracle: float64 sum of every element into the output position with the reduced axes dropped.
    const outShape = shape.filter((_, i) => !axes.includes(i));
    const expected = new Float64Array(outShape.reduce((p, d) => p * d, 1));
    for (let flat = 0; flat < x.length; flat++) {
      let rest = flat, o = 0, stride = 1;
      for (let d = shape.length - 1; d >= 0; d--) {
        const coord = rest % shape[d];
        rest = Math.floor(rest / shape[d]);
        if (!axes.includes(d)) { o += coord * stride; stride *= shape[d]; }
      }
      expected[o] += x[flat];
    }
    for (const [backend, available] of backends) {
      it(`${backend.name}: sum ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
        assertClose(backend.reduce('sum', x, shape, axes), expected, TOL, `${backend.name} sum`);
      });
    }
  }
});

describe('maxPool2d conformance (forward and backprop)', () => {
  // Oracle from the definition in backend.ts: each window clipped to the input, scanned row-major,
  // the first maximum wins; the gradient of an output goes to that position.
  function poolOracle(p: Pool2DParams, x: Float32Array, dy: Float32Array) {
    const y = new Float64Array(p.batch * p.outHeight * p.outWidth * p.channels), dx = new Float64Array(x.length);
    for (let n = 0; n < p.batch; n++) for (let oh = 0; oh < p.outHeight; oh++) for (let ow = 0; ow < p.outWidth; ow++) {
      for (let c = 0; c < p.channels; c++) {
        let best = -Infinity, at = -1;
        for (let r = oh * p.strideHeight - p.padTop, i = 0; i < p.poolHeight; i++, r++) {
          for (let q = ow * p.strideWidth - p.padLeft, j = 0; j < p.poolWidth; j++, q++) {
            if (r < 0 || r >= p.inHeight || q < 0 || q >= p.inWidth) continue;
            const k = ((n * p.inHeight + r) * p.inWidth + q) * p.channels + c;
            if (at === -1 || x[k] > best) { best = x[k]; at = k; }
          }
        }
        const o = ((n * p.outHeight + oh) * p.outWidth + ow) * p.channels + c;
        y[o] = best;
        if (at !== -1) dx[at] += dy[o];
      }
    }
    return { y, dx };
  }
  for (let t = 0; t < 10; t++) {
    const pool = [randInt(1, 3), randInt(1, 3)], stride = [randInt(1, 3), randInt(1, 3)];
    const same = t % 2 === 1;
    const inHeight = randInt(pool[0], 13), inWidth = randInt(pool[1], 13);
    const out = (size: number, k: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
    const outHeight = out(inHeight, pool[0], stride[0]), outWidth = out(inWidth, pool[1], stride[1]);
    const padH = same ? Math.max((outHeight - 1) * stride[0] + pool[0] - inHeight, 0) : 0;
    const padW = same ? Math.max((outWidth - 1) * stride[1] + pool[1] - inWidth, 0) : 0;
    const p: Pool2DParams = { batch: randInt(1, 4), inHeight, inWidth, channels: [1, 3, 4, 7, 32][t % 5], outHeight, outWidth,
      poolHeight: pool[0], poolWidth: pool[1], strideHeight: stride[0], strideWidth: stride[1],
      padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2) };
    // Values from a few levels so that windows hold ties (the first maximum must win).
    const x = Float32Array.from({ length: p.batch * inHeight * inWidth * p.channels }, () => randInt(-3, 3) / 4);
    const dy = rand(p.batch * outHeight * outWidth * p.channels);
    const expected = poolOracle(p, x, dy);
    const label = `${p.batch}x${inHeight}x${inWidth}x${p.channels} pool ${pool} stride ${stride}${same ? ' same' : ''}`;
    for (const [backend, available] of backends) {
      it(`${backend.name}: ${label}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
        assertClose(backend.maxPool2d(x, p), expected.y, TOL, `${backend.name} maxPool2d`);
        assertClose(backend.maxPool2dBackprop(dy, x, p), expected.dx, TOL, `${backend.name} maxPool2dBackprop`);
      });
    }
  }
  // Channels 2 take the scalar loop, 4 and 6 the 4-lane one (and its scalar tail).
  for (const channels of [2, 4, 6]) {
    it(`wasm: NaN wins its window in both passes, as the JS kernel (${channels} channels)`, { skip: !wasmAvailable() && 'no WebAssembly SIMD' }, () => {
      const p: Pool2DParams = { batch: 1, inHeight: 3, inWidth: 4, channels, outHeight: 2, outWidth: 2,
        poolHeight: 2, poolWidth: 2, strideHeight: 1, strideWidth: 2, padTop: 0, padLeft: 0 };
      const x = Float32Array.from({ length: 12 * channels }, (_, i) => (i % 5 === 2 ? NaN : randInt(-2, 2)));
      const dy = rand(4 * channels);
      assert.deepEqual([...wasmBackend.maxPool2d(x, p)], [...jsBackend.maxPool2d(x, p)]);
      assert.deepEqual([...wasmBackend.maxPool2dBackprop(dy, x, p)], [...jsBackend.maxPool2dBackprop(dy, x, p)]);
    });
  }
});
