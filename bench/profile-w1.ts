/**
 * Where a W1 training step and a W6a predict spend their time (issue 4): each piece of the planned
 * Dense-chain step timed on its own at W1's shapes (the five matmuls, Adam's update, loss, metric,
 * batch gather), next to a whole fit epoch and a one-sample predict. Script only; the library is untouched.
 *   npx tsx bench/profile-w1.ts [--backend wasm] [--calls 3000]
 */
import { parseArgs } from 'node:util';
import * as kerats from 'kerats';
import { WORKLOADS, buildKerats, seededUniform, trainingData, type TrainSpec } from './workloads.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '3000' }, backend: { type: 'string', default: 'wasm' } } });
const calls = Number(values.calls);
kerats.setBackend(values.backend!);
const b = kerats.getBackend();

/** Best of 5 runs of `calls` calls, in µs per call. */
function us(fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return best;
}

const rows = 20, inputs = 30, units = 100, outputs = 30;
const x = seededUniform(rows * inputs, 1), w1 = seededUniform(inputs * units, 2), h = seededUniform(rows * units, 3);
const w2 = seededUniform(units * outputs, 4), dy = seededUniform(rows * outputs, 5);
const table: [string, number][] = [
  ['matmul 20x30x100 (forward 1)', us(() => b.matmul(x, w1, 1, rows, inputs, units, false, false, 1))],
  ['matmul 20x100x30 (forward 2)', us(() => b.matmul(h, w2, 1, rows, units, outputs, false, false, 1))],
  ['matmul tA 100x20x30 (dW2)', us(() => b.matmul(h, dy, 1, units, rows, outputs, true, false, 1))],
  ['matmul tB 20x30x100 (dX2)', us(() => b.matmul(dy, w2, 1, rows, outputs, units, false, true, 1))],
  ['matmul tA 30x20x100 (dW1)', us(() => b.matmul(x, h, 1, inputs, rows, units, true, false, 1))],
  ['matmul 1x30x100 (predict 1)', us(() => b.matmul(x, w1, 1, 1, inputs, units, false, false, 1))],
  ['matmul 1x100x30 (predict 2)', us(() => b.matmul(h, w2, 1, 1, units, outputs, false, false, 1))],
];

// Adam on W1's four variables with fresh gradients each call.
const vars = [[inputs, units], [units], [units, outputs], [outputs]].map((s, i) =>
  new kerats.Variable(new kerats.Tensor(seededUniform(s.reduce((p, d) => p * d, 1), 10 + i), s)));
const grads = vars.map((v, i) => new kerats.Tensor(seededUniform(v.size, 20 + i), v.shape));
const adam = new kerats.optimizers.Adam();
table.push(['Adam applyGradients (6,130 params)', us(() => adam.applyGradients(grads.map((g, i) => [g, vars[i]] as const)))]);
if ('applyGradientsInPlace' in adam) {
  table.push(['Adam applyGradientsInPlace', us(() => adam.applyGradientsInPlace(grads.map((g, i) => [g, vars[i]] as const)))]);
}

// The whole step as one backend call (Backend.denseTrainStep, bench/NOTES.md entry 13), where the build has it.
if ('denseTrainStep' in b) {
  const weights = [seededUniform(inputs * units, 30), seededUniform(units, 31), seededUniform(units * outputs, 32),
    seededUniform(outputs, 33)];
  const step = {
    rows, units: [inputs, units, outputs], relu: [true, false], x, y: seededUniform(rows * outputs, 34), weights,
    momentum: weights.map((w) => new Float32Array(w.length)), velocity: weights.map((w) => new Float32Array(w.length)),
    perElement: 1 / (rows * outputs), alpha: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-7,
    output: new Float32Array(rows * outputs),
  };
  table.push(['denseTrainStep (forward, MSE, backward, Adam in one call)', us(() => { b.denseTrainStep(step); })]);
}

// A whole epoch and a whole step, through fit.
const spec = WORKLOADS.W1 as TrainSpec;
kerats.setSeed(0);
const model = buildKerats('W1');
model.compile({ optimizer: new kerats.optimizers.Adam(), loss: spec.loss, metrics: spec.metrics });
const data = trainingData(spec, spec.samples);
const xt = new kerats.Tensor(data.x, [spec.samples, ...spec.inputShape]);
const yt = new kerats.Tensor(data.y, [spec.samples, ...spec.targetShape]);
const fitArgs = { epochs: 1, batchSize: spec.batchSize, validationSplit: spec.validationSplit, verbose: 0 as const };
await model.fit(xt, yt, fitArgs);
let best = Infinity;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  await model.fit(xt, yt, fitArgs);
  best = Math.min(best, performance.now() - t0);
}
table.push(['fit, one W1 epoch (120 steps + 600 validation rows), per step', (best * 1000) / 120]);
const one = new kerats.Tensor(seededUniform(inputs, 3), [1, inputs]);
table.push(['predict one sample (W6a)', us(() => { model.predict(one, { batchSize: 1 }); })]);

console.log(`backend ${values.backend}, best of 5, µs per call`);
console.log('| piece | µs |\n|---|---|');
for (const [k, v] of table) console.log(`| ${k} | ${v.toFixed(1)} |`);
