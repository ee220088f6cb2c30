/**
 * Backend.runProgram: a program of every op kind (odd sizes, strides, padding, dilation, in-place forms)
 * against the same ops as separate kernel calls: wasm's program within float32 tolerance of the JS kernels,
 * the JS reference bit for bit with its own kernels, and wasm bit for bit with its own separate kernels on one
 * thread and on two (the filter gradient, a sum of two per-thread partials, within a tight tolerance there).
 * Then host ops between kernels, the size and index checks (RangeError before anything runs), and which
 * arrays a call writes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  Backend, Conv2DParams, EpilogueActivation, Pool2DParams, Program, ProgramIO, ProgramOp,
} from '../../src/backend/backend.js';
import { bernoulliFillFrom, randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend, wasmThreadStats, wasmThreads } from '../../src/kernels/wasm/index.js';
import { threading } from '../../src/kernels/wasm/module.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';

const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * randomFloat() - 1);
const ACTIVATIONS: EpilogueActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const BOOLS = [false, true];
const outSize = (size: number, k: number, s: number, d: number, pad: number) => Math.floor((size + 2 * pad - d * (k - 1) - 1) / s) + 1;

function conv(batch: number, [h, w]: number[], inChannels: number, outChannels: number, [kh, kw]: number[],
  [sh, sw]: number[], [dh, dw]: number[], [pt, pl]: number[]): Conv2DParams {
  return {
    batch, inHeight: h, inWidth: w, inChannels, outChannels, outHeight: outSize(h, kh, sh, dh, pt), outWidth: outSize(w, kw, sw, dw, pl),
    kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop: pt, padLeft: pl,
  };
}

function pool(batch: number, [h, w]: number[], channels: number, k: number, s: number, pad: number): Pool2DParams {
  return {
    batch, inHeight: h, inWidth: w, channels, outHeight: outSize(h, k, s, 1, pad), outWidth: outSize(w, k, s, 1, pad),
    poolHeight: k, poolWidth: k, strideHeight: s, strideWidth: s, padTop: pad, padLeft: pad,
  };
}

/** One op of a test program: the buffers it writes, and the same op as separate kernel calls of a backend. */
interface Case { name: string; kind: ProgramOp['op']; outs: number[]; separate: (be: Backend) => Float32Array[] }

/** A program of independent ops, each on fresh random inputs (so one op's rounding never feeds another's). */
class Builder {
  buffers: number[] = []; ops: ProgramOp[] = []; inputs: ProgramIO[] = []; cases: Case[] = [];
  input(n: number): [number, Float32Array] {
    const i = this.buffers.push(n) - 1, x = rand(n);
    this.inputs.push([i, x]);
    return [i, x];
  }
  output(n: number): number { return this.buffers.push(n) - 1; }
  add(name: string, op: ProgramOp, outs: number[], separate: (be: Backend) => Float32Array[]): void {
    this.ops.push(op);
    this.cases.push({ name, kind: op.op, outs, separate });
  }
  /** Runs the program on `be`; every op's outputs, by buffer. */
  run(be: Backend): Map<number, Float32Array> {
    const outputs: ProgramIO[] = this.cases.flatMap((c) => c.outs.map((i): ProgramIO => [i, new Float32Array(this.buffers[i]).fill(NaN)]));
    be.runProgram({ buffers: this.buffers, ops: this.ops }, this.inputs, outputs);
    return new Map(outputs);
  }
}

/** Every op kind; `big`: shapes of several chunks, epilogues past the wasm kernels' 1024-element JS cutoff. */
function allOps(big: boolean): Builder {
  const b = new Builder();
  const convs = big
    ? [conv(8, [12, 12], 8, 16, [3, 3], [1, 1], [1, 1], [1, 1]), conv(8, [13, 11], 8, 16, [3, 2], [2, 1], [2, 1], [1, 0]),
      conv(8, [12, 12], 8, 16, [1, 1], [1, 1], [1, 1], [0, 0]),
      // A Conv1D large enough for wasm's Winograd F(m, m) (conv1d_winograd.c), 7 taps with 'same' padding.
      conv(8, [1, 500], 16, 24, [1, 7], [1, 1], [1, 1], [0, 3])]
    : [conv(2, [9, 7], 3, 5, [3, 2], [2, 1], [1, 2], [1, 1]), conv(1, [6, 8], 2, 3, [1, 1], [1, 1], [1, 1], [0, 0]),
      conv(3, [11, 10], 2, 4, [3, 3], [3, 2], [2, 1], [2, 0])];
  for (const p of convs) {
    const tag = `${p.batch}x${p.inHeight}x${p.inWidth}x${p.inChannels} k${p.kernelHeight}x${p.kernelWidth} s${p.strideHeight}x${p.strideWidth} d${p.dilationHeight}x${p.dilationWidth} pad${p.padTop},${p.padLeft}`;
    const inN = p.batch * p.inHeight * p.inWidth * p.inChannels, outN = p.batch * p.outHeight * p.outWidth * p.outChannels;
    const wN = p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels;
    const [x, xv] = b.input(inN), [w, wv] = b.input(wN), [dy, dyv] = b.input(outN);
    const y = b.output(outN), dx = b.output(inN), dw = b.output(wN);
    b.add(`conv2d ${tag}`, { op: 'conv2d', x, filter: w, y, p }, [y], (be) => [be.conv2d(xv, wv, p)]);
    b.add(`conv2dBackpropInput ${tag}`, { op: 'conv2dBackpropInput', dy, filter: w, dx, p }, [dx],
      (be) => [be.conv2dBackpropInput(dyv, wv, p)]);
    b.add(`conv2dBackpropFilter ${tag}`, { op: 'conv2dBackpropFilter', x, dy, dfilter: dw, p }, [dw],
      (be) => [be.conv2dBackpropFilter(xv, dyv, p)]);
    // A conv followed by the epilogue in place on its output (wasm runs the pair as one fused call).
    for (const activation of ACTIVATIONS) for (const withBias of BOOLS) {
      const bias = withBias ? b.input(p.outChannels) : null, yf = b.output(outN);
      b.ops.push({ op: 'conv2d', x, filter: w, y: yf, p });
      b.add(`conv2d + biasActivation ${activation} bias ${withBias} ${tag}`,
        { op: 'biasActivation', z: yf, bias: bias?.[0] ?? null, y: yf, activation }, [yf],
        (be) => [be.biasActivation(be.conv2d(xv, wv, p), bias?.[1] ?? null, activation)]);
    }
  }
  for (const [m, k, n] of big ? [[200, 37, 45], [20, 33, 300]] : [[7, 5, 9], [3, 11, 2]]) {
    for (const transposeA of BOOLS) for (const transposeB of BOOLS) {
      const [a, av] = b.input(m * k), [bb, bv] = b.input(k * n), y = b.output(m * n);
      b.add(`matmul ${m}x${k}x${n} tA ${transposeA} tB ${transposeB}`, { op: 'matmul', a, b: bb, y, m, k, n, transposeA, transposeB },
        [y], (be) => [be.matmul(av, bv, 1, m, k, n, transposeA, transposeB, 1)]);
    }
  }
  const [rows, channels] = big ? [150, 16] : [13, 6], n = rows * channels;
  for (const activation of ACTIVATIONS) for (const withBias of BOOLS) for (const inPlace of BOOLS) {
    const [z, zv] = b.input(n), bias = withBias ? b.input(channels) : null, y = inPlace ? z : b.output(n);
    b.add(`biasActivation ${activation} bias ${withBias} in place ${inPlace}`,
      { op: 'biasActivation', z, bias: bias?.[0] ?? null, y, activation }, [y], (be) => [be.biasActivation(zv, bias?.[1] ?? null, activation)]);
  }
  for (const activation of ACTIVATIONS) for (const withDbias of BOOLS) for (const inPlace of BOOLS) {
    const [dy, dyv] = b.input(n), [y, yv] = b.input(n), dz = inPlace ? dy : b.output(n), dbias = withDbias ? b.output(channels) : null;
    b.add(`biasActivationGrad ${activation} dbias ${withDbias} in place ${inPlace}`,
      { op: 'biasActivationGrad', dy, y, dz, dbias, activation, channels }, dbias === null ? [dz] : [dz, dbias], (be) => {
        const r = be.biasActivationGrad(dyv, yv, activation, withDbias ? channels : 0);
        return withDbias ? [r.dz, r.dbias!] : [r.dz];
      });
  }
  const pools = big ? [pool(8, [12, 12], 16, 2, 2, 0), pool(8, [13, 11], 16, 3, 2, 1)] : [pool(2, [8, 6], 3, 2, 2, 0), pool(2, [7, 9], 3, 3, 2, 1)];
  for (const p of pools) {
    const tag = `${p.inHeight}x${p.inWidth} ${p.poolHeight}x${p.poolWidth} s${p.strideHeight} pad${p.padTop}`;
    const inN = p.batch * p.inHeight * p.inWidth * p.channels, outN = p.batch * p.outHeight * p.outWidth * p.channels;
    const [x, xv] = b.input(inN), [dy, dyv] = b.input(outN), y = b.output(outN), dx = b.output(inN);
    b.add(`maxPool2d ${tag}`, { op: 'maxPool2d', x, y, p }, [y], (be) => [be.maxPool2d(xv, p)]);
    b.add(`maxPool2dBackprop ${tag}`, { op: 'maxPool2dBackprop', dy, x, dx, p }, [dx], (be) => [be.maxPool2dBackprop(dyv, xv, p)]);
    // The pool's gradient followed by relu's in place, from the pool's input (wasm runs the pair as one fused call).
    const dz = b.output(inN), dbias = b.output(p.channels);
    b.ops.push({ op: 'maxPool2dBackprop', dy, x, dx: dz, p });
    b.add(`maxPool2dBackprop + biasActivationGrad relu ${tag}`,
      { op: 'biasActivationGrad', dy: dz, y: x, dz, dbias, activation: 'relu', channels: p.channels }, [dz, dbias], (be) => {
        const r = be.biasActivationGrad(be.maxPool2dBackprop(dyv, xv, p), xv, 'relu', p.channels);
        return [r.dz, r.dbias!];
      });
  }
  // Max over the middle axis (global max pooling) and its gradient, with ties: x rounded to a few levels.
  for (const [outer, mid, inner] of big ? [[8, 110, 100], [3, 50, 7]] : [[2, 5, 3], [1, 9, 1]]) {
    const tag = `${outer}x${mid}x${inner}`;
    const [x, xv] = b.input(outer * mid * inner), [dy, dyv] = b.input(outer * inner);
    xv.forEach((v, i) => (xv[i] = Math.round(v * 3)));
    const y = b.output(outer * inner), dx = b.output(outer * mid * inner);
    const yv = jsBackend.reduce('max', xv, [outer, mid, inner], [1]);
    const [ym, ymv] = b.input(outer * inner);
    ymv.set(yv);
    b.add(`reduceMax ${tag}`, { op: 'reduceMax', x, y, outer, mid, inner }, [y], (be) => [be.reduce('max', xv, [outer, mid, inner], [1])]);
    b.add(`reduceMaxGrad ${tag}`, { op: 'reduceMaxGrad', x, y: ym, dy, dx, outer, mid, inner }, [dx],
      (be) => [be.extremeGrad(xv, [outer, mid, inner], [1], yv, dyv)]);
    // The mean and its gradient, as ops.mean computes them: the sum, then each divided by mid in float32.
    const ymean = b.output(outer * inner), dxmean = b.output(outer * mid * inner);
    b.add(`reduceMean ${tag}`, { op: 'reduceMean', x, y: ymean, outer, mid, inner }, [ymean],
      (be) => [be.reduce('sum', xv, [outer, mid, inner], [1]).map((v) => v / mid)]);
    b.add(`reduceMeanGrad ${tag}`, { op: 'reduceMeanGrad', dy, dx: dxmean, outer, mid, inner }, [dxmean],
      () => [Float32Array.from({ length: outer * mid * inner }, (_, i) => dyv[Math.floor(i / (mid * inner)) * inner + (i % inner)] / mid)]);
  }
  for (const inPlace of BOOLS) {
    const [a, av] = b.input(n + 1), [bb, bv] = b.input(n + 1), y = inPlace ? a : b.output(n + 1);
    b.add(`mul in place ${inPlace}`, { op: 'mul', a, b: bb, y }, [y], (be) => [be.binary('mul', av, [n + 1], bv, [n + 1], [n + 1])]);
  }
  // Dropout masks from the generator's stream: states past 2^31 too, keeping everything, half, nothing.
  for (const [from, keep] of [[12345, 0.5], [3_000_000_000, 0.9], [7, 1], [99, 0]]) {
    const y = b.output(n + 3), value = keep > 0 ? 1 / keep : 0;
    b.add(`bernoulli from ${from} p ${keep}`, { op: 'bernoulli', y, from, p: keep, value }, [y],
      () => [bernoulliFillFrom(new Float32Array(n + 3), from, keep, value)]);
  }
  const [hx, hxv] = b.input(n), hy = b.output(n);
  const twiceUp = (x: Float32Array, y: Float32Array) => { for (let i = 0; i < y.length; i++) y[i] = 2 * x[i] + 1; };
  b.add('host', { op: 'host', run: (bufs) => twiceUp(bufs[hx], bufs[hy]) }, [hy], () => [hxv.map((v) => 2 * v + 1)]);
  return b;
}

/** Compares every op's program outputs with its separate calls on `be`; `cmp(got, want, what, case)`. */
function compare(b: Builder, got: Map<number, Float32Array>, be: Backend,
  cmp: (got: Float32Array, want: Float32Array, what: string, c: Case) => void): void {
  const kinds = new Set<string>();
  for (const c of b.cases) {
    const want = c.separate(be);
    c.outs.forEach((buf, j) => cmp(got.get(buf)!, want[j], `${c.name}, output ${j} (buffer ${buf})`, c));
    kinds.add(c.kind);
  }
  assert.equal(kinds.size, 15, 'every op kind ran');
}

const bits = (got: Float32Array, want: Float32Array, what: string) => assert.deepEqual(got, want, what);
const noWasm = !wasmAvailable() && 'wasm unavailable';
const backends: [Backend, string | false][] = [[jsBackend, false], [wasmBackend, noWasm]];

describe('runProgram against separate kernels', () => {
  for (const big of BOOLS) {
    const shapes = big ? 'several-chunk shapes' : 'small odd shapes';
    it(`wasm's program gives the JS kernels within float32 tolerance (${shapes})`, { skip: noWasm }, () => {
      setSeed(big ? 11 : 12);
      const b = allOps(big);
      compare(b, b.run(wasmBackend), jsBackend, (got, want, what) => assertRelativeClose(got, want, what, 1e-4));
    });
    it(`the JS reference's program gives its own kernels bit for bit (${shapes})`, () => {
      setSeed(big ? 13 : 14);
      const b = allOps(big);
      compare(b, b.run(jsBackend), jsBackend, bits);
    });
  }

  it('wasm on one thread: each op gives the separate wasm kernel bit for bit', { skip: noWasm }, () => {
    const saved = threading.splitFlops;
    threading.splitFlops = Infinity;
    try {
      // Below 1024 elements the separate biasActivation is the JS kernel, whose sigmoid and tanh round differently.
      for (const [seed, big] of [[21, false], [22, true]] as const) {
        setSeed(seed);
        const b = allOps(big);
        compare(b, b.run(wasmBackend), wasmBackend, (g, w, what, c) =>
          !big && c.kind === 'biasActivation' ? assertRelativeClose(g, w, what, 1e-6) : bits(g, w, what));
      }
    } finally {
      threading.splitFlops = saved;
    }
  });

  it('wasm on two threads (convs, matmuls, pooling and the epilogue gradient split): the separate kernels bit for bit, sums of two threads\' partials (filter and bias gradients) within 1e-6',
    { skip: noWasm }, async (t) => {
      const saved = threading.splitFlops;
      try {
        if (!(await wasmThreads({ splitFlops: 1 }))) return t.skip('single-thread build');
        setSeed(23);
        const b = allOps(true);
        const before = wasmThreadStats().splitCalls;
        const got = b.run(wasmBackend);
        const splitOps = b.cases.filter((c) => c.kind.startsWith('conv') || c.kind === 'matmul' || c.kind.startsWith('maxPool')
          || (c.kind === 'biasActivationGrad' && c.outs.length === 2)).length;
        assert.ok(wasmThreadStats().splitCalls - before >= splitOps, `expected ${splitOps} split ops`);
        compare(b, got, wasmBackend, (g, w, what, c) =>
          c.kind === 'conv2dBackpropFilter' || (c.kind === 'biasActivationGrad' && what.includes('output 1'))
            ? assertRelativeClose(g, w, what, 1e-6) : bits(g, w, what));
      } finally {
        threading.splitFlops = saved;
      }
    });
});

describe('runProgram host ops, checks and outputs', () => {
  for (const [be, skip] of backends) {
    it(`${be.name}: a host op reads what the previous kernel wrote and writes what the next one reads`, { skip }, () => {
      setSeed(31);
      const n = 1031, a = rand(n);
      const seen: Float32Array[] = [];
      const program: Program = {
        buffers: [n, n, n, n, 3],
        ops: [
          { op: 'mul', a: 0, b: 0, y: 1 },
          { op: 'host', run: (bufs) => {
            assert.deepEqual(bufs.map((x) => x.length), [n, n, n, n, 3]);
            seen.push(bufs[1].slice());
            for (let i = 0; i < n; i++) bufs[2][i] = bufs[1][i] + 1;
          } },
          { op: 'mul', a: 2, b: 0, y: 3 },
        ],
      };
      const c = new Float32Array(n), d = new Float32Array(n);
      be.runProgram(program, [[0, a]], [[2, c], [3, d]]);
      const square = a.map((v) => v * v);
      assert.deepEqual(seen, [square]);
      assert.deepEqual(c, square.map((v) => v + 1));
      assert.deepEqual(d, square.map((v, i) => Math.fround(v + 1) * a[i]));
    });

    it(`${be.name}: an input or output of the wrong length or of no buffer throws a RangeError naming it, running nothing`,
      { skip }, () => {
        let ran = 0;
        const program: Program = { buffers: [4, 6], ops: [{ op: 'host', run: () => { ran++; } }, { op: 'mul', a: 0, b: 0, y: 0 }] };
        const ok = new Float32Array(4), out = new Float32Array(6).fill(7);
        const bad: [ProgramIO[], ProgramIO[], RegExp][] = [
          [[[0, new Float32Array(5)]], [[1, out]], /input for buffer 0 has 5 floats; the buffer holds 4/],
          [[[0, ok], [1, new Float32Array(4)]], [[1, out]], /input for buffer 1 has 4 floats; the buffer holds 6/],
          [[[2, ok]], [[1, out]], /input for buffer 2 .*no such buffer/],
          [[[-1, ok]], [[1, out]], /input for buffer -1 .*no such buffer/],
          [[[0, ok]], [[1, new Float32Array(7)]], /output for buffer 1 has 7 floats; the buffer holds 6/],
          [[[0, ok]], [[1, out], [5, out]], /output for buffer 5 .*no such buffer/],
        ];
        for (const [inputs, outputs, message] of bad) {
          assert.throws(() => be.runProgram(program, inputs, outputs), (e: unknown) => e instanceof RangeError && message.test(e.message));
        }
        assert.equal(ran, 0);
        assert.ok(out.every((v) => v === 7));
      });

    it(`${be.name}: only the listed outputs are written, and the inputs given are left as they were`, { skip }, () => {
      setSeed(32);
      const n = 1100, a = rand(n), bias = rand(10), z = rand(n);
      const given = [a.slice(), bias.slice(), z.slice()];
      const program: Program = {
        buffers: [n, 10, n, n, n],
        ops: [
          { op: 'mul', a: 0, b: 0, y: 0 }, // in place on an input buffer
          { op: 'biasActivation', z: 2, bias: 1, y: 2, activation: 'tanh' }, // in place on an input buffer
          { op: 'mul', a: 0, b: 2, y: 3 },
          { op: 'mul', a: 3, b: 3, y: 4 },
        ],
      };
      // out3 is a view into a larger array: nothing outside it is written.
      const out0 = new Float32Array(n).fill(NaN), around = new Float32Array(n + 8).fill(NaN), out3 = around.subarray(4, 4 + n);
      be.runProgram(program, [[0, a], [1, bias], [2, z]], [[0, out0], [3, out3]]);
      assert.deepEqual([a, bias, z], given);
      const square = a.map((v) => v * v);
      assert.deepEqual(out0, square);
      assertRelativeClose(out3, square.map((v, i) => v * Math.tanh(z[i] + bias[i % 10])), 'mul output', 1e-5);
      assert.ok([...around.subarray(0, 4), ...around.subarray(4 + n)].every(Number.isNaN), 'written outside the output view');
      // The same program with no outputs listed runs and writes nothing.
      be.runProgram(program, [[0, a], [1, bias], [2, z]], []);
      assert.deepEqual([a, bias, z], given);
    });
  }
});

describe('runProgram: Winograd F(2x2, 3x3) for large stride-1 3x3 convs (wasm)', () => {
  // Above winograd()'s 2e7 multiply-adds x 2: odd output sizes (clipped tiles), 'same'-style and uneven padding.
  const shapes = [
    conv(8, [16, 15], 32, 32, [3, 3], [1, 1], [1, 1], [0, 0]),
    conv(12, [13, 13], 32, 24, [3, 3], [1, 1], [1, 1], [1, 1]),
    conv(9, [12, 14], 28, 36, [3, 3], [1, 1], [1, 1], [2, 0]),
  ];
  for (const threads of [false, true]) {
    it(`matches the JS conv within float32 rounding, alone and with a fused bias + relu (${threads ? 'two threads' : 'one thread'})`,
      { skip: noWasm }, async (t) => {
        const saved = threading.splitFlops;
        try {
          if (threads && !(await wasmThreads({ splitFlops: 1 }))) return t.skip('single-thread build');
          if (!threads) threading.splitFlops = Infinity;
          setSeed(41);
          for (const p of shapes) {
            const inN = p.batch * p.inHeight * p.inWidth * p.inChannels, outN = p.batch * p.outHeight * p.outWidth * p.outChannels;
            const wN = 9 * p.inChannels * p.outChannels;
            const x = rand(inN), w = rand(wN), bias = rand(p.outChannels);
            const program: Program = {
              buffers: [inN, wN, p.outChannels, outN, outN],
              ops: [{ op: 'conv2d', x: 0, filter: 1, y: 3, p }, { op: 'conv2d', x: 0, filter: 1, y: 4, p },
                { op: 'biasActivation', z: 4, bias: 2, y: 4, activation: 'relu' }],
            };
            const y = new Float32Array(outN), yFused = new Float32Array(outN);
            wasmBackend.runProgram(program, [[0, x], [1, w], [2, bias]], [[3, y], [4, yFused]]);
            const want = jsBackend.conv2d(x, w, p);
            const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
            const tag = `${p.inHeight}x${p.inWidth}x${p.inChannels}->${p.outChannels} pad ${p.padTop},${p.padLeft}`;
            want.forEach((v, i) => assert.ok(Math.abs(y[i] - v) <= 1e-5 * scale, `${tag}: y[${i}] ${y[i]} vs ${v}`));
            const wantFused = jsBackend.biasActivation(want, bias, 'relu');
            wantFused.forEach((v, i) => assert.ok(Math.abs(yFused[i] - v) <= 1e-5 * scale, `${tag} fused: y[${i}] ${yFused[i]} vs ${v}`));
          }
        } finally {
          threading.splitFlops = saved;
        }
      });
  }
});
