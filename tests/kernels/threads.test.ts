/**
 * Two-thread wasm kernels: calls above the split threshold run half their output on a worker sharing
 * the module's memory. Each split shape must agree with the JS reference backend (relative 1e-4), the
 * split must actually happen (wasmThreadStats), and a process that trained with kerats must still exit
 * on its own (the worker is unref'd and blocks in Atomics.wait, holding no event-loop handle).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conv2DParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend, wasmThreadStats, wasmThreads } from '../../src/kernels/wasm/index.js';
import { assertClose } from '../helpers/gradcheck.js';

const TOL = 1e-4;
// Positive data: these sums run over up to 12,544 terms, and with signs mixed the result can cancel to far
// below the terms, where float32 rounding in either backend alone exceeds 1e-4 of the result (a 9x3x3
// filter gradient element: 0.56103 vs 0.56090). Without cancellation both stay within ~1e-5.
const rand = (n: number) => Float32Array.from({ length: n }, () => randomFloat());

function convParams(batch: number, size: number, inChannels: number, outChannels: number, kernel: number, stride: number,
  pad: number): Conv2DParams {
  const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  return {
    batch, inHeight: size, inWidth: size, inChannels, outChannels, outHeight: out, outWidth: out,
    kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
    dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad,
  };
}

/** Runs `f` and asserts it split at least `calls` kernel calls across the two threads. */
function splits<T>(calls: number, f: () => T): T {
  const before = wasmThreadStats().splitCalls;
  const result = f();
  const split = wasmThreadStats().splitCalls - before;
  assert.ok(split >= calls, `expected ${calls} two-thread call(s), got ${split}`);
  return result;
}

setSeed(5);

describe('wasm kernels on two threads agree with the JS backend', { skip: !wasmAvailable() && 'no WebAssembly SIMD' }, () => {
  let threads = false;
  before(async () => { threads = await wasmThreads(); });

  // [batch, m, k, n, transposeA, transposeB, bBatch]: rows split (odd row count), columns split (few rows,
  // many columns), transposed operands, batches stacked into one GEMM, separate B per batch element.
  const matmuls: [number, number, number, number, boolean, boolean, number][] = [
    [1, 301, 203, 157, false, false, 1], [1, 9, 517, 1031, false, false, 1], [1, 257, 131, 300, true, true, 1],
    [3, 129, 100, 130, false, true, 1], [5, 70, 90, 80, true, false, 5], [2, 37, 300, 250, false, false, 2],
  ];
  for (const [batch, m, k, n, tA, tB, bBatch] of matmuls) {
    it(`matmul batch ${batch} (b batch ${bBatch}), ${m}x${k} @ ${k}x${n}, transposeA ${tA}, transposeB ${tB}`, (t) => {
      if (!threads) return t.skip('no shared memory or worker_threads: single-thread build');
      const a = rand(batch * m * k), b = rand(bBatch * k * n);
      const y = splits(1, () => wasmBackend.matmul(a, b, batch, m, k, n, tA, tB, bBatch));
      assertClose(y, jsBackend.matmul(a, b, batch, m, k, n, tA, tB, bBatch), TOL, 'matmul vs js');
    });
  }

  const convs: [string, Conv2DParams, number][] = [
    // [label, params, kernel calls expected to split (of forward, input gradient, filter gradient)]
    ['MNIST conv2 shape, batch 9 (odd: unequal image halves)', convParams(9, 13, 32, 64, 3, 1, 0), 3],
    ['MNIST conv1 shape, batch 16 (direct forward, K 9)', convParams(16, 28, 1, 32, 3, 1, 1), 3],
    ['stride 2, padding 1, several im2col chunks per thread', convParams(4, 33, 48, 40, 3, 2, 1), 3],
    ['pointwise 1x1, batch 1 (rows split in every kernel)', convParams(1, 40, 96, 80, 1, 1, 0), 3],
    ['batch 1 3x3: the input gradient stays on one thread (col2im overlaps rows)', convParams(1, 40, 32, 64, 3, 1, 1), 2],
    ['short patch, 13 filters (one lane in the last vector), stride 2, padding 1', convParams(24, 40, 1, 13, 3, 2, 1), 3],
    ['short patch, 16 taps, 22 filters, valid', convParams(10, 30, 4, 22, 2, 1, 0), 3],
  ];
  for (const [label, p, calls] of convs) {
    it(`conv2d forward and both backprops: ${label}`, (t) => {
      if (!threads) return t.skip('no shared memory or worker_threads: single-thread build');
      const x = rand(p.batch * p.inHeight * p.inWidth * p.inChannels);
      const w = rand(p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels);
      const dy = rand(p.batch * p.outHeight * p.outWidth * p.outChannels);
      const [y, dx, dw] = splits(calls, () => [wasmBackend.conv2d(x, w, p), wasmBackend.conv2dBackpropInput(dy, w, p),
        wasmBackend.conv2dBackpropFilter(x, dy, p)]);
      assertClose(y, jsBackend.conv2d(x, w, p), TOL, 'conv2d vs js');
      assertClose(dx, jsBackend.conv2dBackpropInput(dy, w, p), TOL, 'conv2dBackpropInput vs js');
      assertClose(dw, jsBackend.conv2dBackpropFilter(x, dy, p), TOL, 'conv2dBackpropFilter vs js');
    });
  }

  it('the worker computed chunks of the split calls (it claimed at least one before the caller finished)', (t) => {
    if (!threads) return t.skip('no shared memory or worker_threads: single-thread build');
    const { splitCalls, withdrawn } = wasmThreadStats();
    assert.ok(splitCalls > 0 && withdrawn < splitCalls, `split ${splitCalls}, withdrawn ${withdrawn}`);
  });

  it('small calls stay on the calling thread', (t) => {
    if (!threads) return t.skip('no shared memory or worker_threads: single-thread build');
    const before = wasmThreadStats().splitCalls;
    wasmBackend.matmul(rand(32 * 32), rand(32 * 32), 1, 32, 32, 32, false, false, 1);
    assert.equal(wasmThreadStats().splitCalls, before);
  });
});

/** Runs `lines` as an ES module in a child node process (TypeScript through tsx); resolves with its exit and output. */
async function child(lines: string[], timeoutMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kerats-threads-'));
  const script = join(dir, 'child.mts');
  writeFileSync(script, lines.join('\n'));
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  return { code, exitedAt: Date.now(), stderr, last: JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as Record<string, number> };
}

const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));

describe('without shared memory the single-thread build runs', () => {
  it('loads, computes a large matmul like the JS backend, and never splits', { timeout: 60_000 }, async () => {
    // As in a browser page without cross-origin isolation: no SharedArrayBuffer.
    const r = await child([
      'delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;',
      `const { wasmAvailable, wasmBackend, wasmThreadStats, wasmThreads } = await import(${src('kernels/wasm/index.ts')});`,
      `const { jsBackend } = await import(${src('kernels/js/index.ts')});`,
      'const a = Float32Array.from({ length: 200 * 300 }, (_, i) => (i % 7) / 7), b = Float32Array.from({ length: 300 * 100 }, (_, i) => (i % 5) / 5);',
      'const y = wasmBackend.matmul(a, b, 1, 200, 300, 100, false, false, 1), r = jsBackend.matmul(a, b, 1, 200, 300, 100, false, false, 1);',
      'let worst = 0; for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - r[i]) / Math.max(1, Math.abs(r[i])));',
      'console.log(JSON.stringify({ available: +wasmAvailable(), threads: +(await wasmThreads()), splits: wasmThreadStats().splitCalls, worst }));',
    ], 45_000);
    assert.equal(r.code, 0, r.stderr);
    if (!r.last.available) return;
    assert.deepEqual([r.last.threads, r.last.splits], [0, 0]);
    assert.ok(r.last.worst <= TOL, `relative difference ${r.last.worst}`);
  });
});

describe('a process that trained with kerats exits on its own', () => {
  it('exits within a few seconds after fit() with a GEMM large enough for two threads', { timeout: 60_000 }, async () => {
    const r = await child([
      `import { Sequential, layers, randomUniform, setSeed } from ${src('index.ts')};`,
      `import { wasmThreadStats } from ${src('kernels/wasm/index.ts')};`,
      'setSeed(1);',
      // Dense 512 -> 512 on batches of 256: 134 MFLOP per forward matmul, well above the split threshold.
      "const model = new Sequential([new layers.Dense(512, { inputShape: [512], activation: 'relu' }), new layers.Dense(1)]);",
      "model.compile({ optimizer: 'adam', loss: 'mse' });",
      'await model.fit(randomUniform([1024, 512]), randomUniform([1024, 1]), { epochs: 2, batchSize: 256, verbose: 0 });',
      'console.log(JSON.stringify({ trainedAt: Date.now(), splitCalls: wasmThreadStats().splitCalls }));',
    ], 45_000);
    assert.equal(r.code, 0, `child did not exit cleanly: ${r.stderr}`);
    assert.ok(r.exitedAt - r.last.trainedAt < 5000, `exited ${r.exitedAt - r.last.trainedAt} ms after training`);
    if (wasmAvailable() && await wasmThreads()) assert.ok(r.last.splitCalls > 0, 'the child never used the second thread');
});
});
