/**
 * A/B of the one-call Dense training step (dense_step.c, W1's 30-100-30 MLP, batch 20) across builds, in one
 * process: each given file (a single-thread .wasm, or a binary.ts whose `wasmBase64` it takes) runs the same
 * step on the same data, alternating, so machine load hits every build alike. Prints µs per step (min / p25).
 *   node --import tsx bench/ab-dense-step.ts /tmp/before.ts ./src/kernels/wasm/binary.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { denseTrainStepOneThread } from '../src/kernels/wasm/denseStep.js';
import { PlainModule } from '../src/kernels/wasm/small.js';

const files = process.argv.slice(2);
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const mods = await Promise.all(files.map(async (f) =>
  new PlainModule(f.endsWith('.wasm') ? new Uint8Array(readFileSync(f)) : dec((await import(resolve(f))).wasmBase64))));
const rows = Number(process.env.ROWS ?? 20), units = [30, 100, 30];
let seed = 1;
const r = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);
const params = (units.slice(1).map((u, l) => [units[l] * u, u])).flat();
// An epoch of distinct batches (W1: 2,400 rows): one batch repeated would be fitted exactly, and the tiny
// gradients that follow go subnormal, which x86 computes ~100x slower (wasm keeps IEEE subnormals).
const batches = 120;
const data = { x: r(batches * rows * 30), y: r(batches * rows * 30) };
const steps = mods.map(() => ({
  rows, units, relu: [true, false], x: data.x.subarray(0, rows * 30), y: data.y.subarray(0, rows * 30), weights: params.map((n) => r(n)),
  momentum: params.map((n) => new Float32Array(n)), velocity: params.map((n) => new Float32Array(n)),
  perElement: 1 / (rows * 30), alpha: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, output: new Float32Array(rows * 30),
}));
// Same data for every build.
for (const s of steps.slice(1)) Object.assign(s, { weights: steps[0].weights.map((w) => w.slice()) });
const calls = 500;
const ts = mods.map(() => [] as number[]);
for (let round = 0; round < 41; round++) {
  mods.forEach((m, i) => {
    const t = performance.now();
    const s = steps[i];
    for (let c = 0; c < calls; c++) {
      const b = (c % batches) * rows * 30;
      s.x = data.x.subarray(b, b + rows * 30);
      s.y = data.y.subarray(b, b + rows * 30);
      denseTrainStepOneThread(s, m);
    }
    ts[i].push(((performance.now() - t) * 1000) / calls);
  });
}
const q = (x: number[]) => { x.sort((a, b) => a - b); return `${x[0].toFixed(1)}/${x[x.length >> 2].toFixed(1)}`; };
console.log('µs per step (min/p25):', ts.map(q).join(' | '));
const w0 = steps[0].weights[0];
steps.slice(1).forEach((s, i) => console.log(`build ${i + 2} vs 1: max |weight difference| after ${41 * calls} steps`,
  Math.max(...s.weights[0].map((w, j) => Math.abs(w - w0[j])))));
