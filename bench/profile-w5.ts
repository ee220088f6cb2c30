/**
 * Times every backend kernel call of W5's training steps: wraps the active backend's methods in a
 * timer (this script only; the library is untouched) and prints the top costs per step, by kernel and shape.
 *   npx tsx bench/profile-w5.ts [--steps 10] [--backend wasm] [--workload W5 (or W2, W3, W4: any training workload)]
 */
import { parseArgs } from 'node:util';
import * as kerats from 'kerats';
import { WORKLOADS, buildKerats, trainingData, type TrainSpec } from './workloads.js';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '10' }, backend: { type: 'string', default: 'wasm' }, workload: { type: 'string', default: 'W5' } },
});
const steps = Number(values.steps);
kerats.setBackend(values.backend!);
const backend = kerats.getBackend() as unknown as Record<string, unknown>;

const costs = new Map<string, { ms: number; calls: number }>();
let recording = false;
const shapeOf = (name: string, args: unknown[]): string => {
  const p = args.find((a) => typeof a === 'object' && a !== null && !ArrayBuffer.isView(a) && !Array.isArray(a) && 'batch' in (a as object)) as Record<string, number> | undefined;
  if (p) return `${p.batch}x${p.inHeight}x${p.inWidth}x${p.inChannels ?? p.channels}` + (p.outChannels ? `->${p.outChannels} k${p.kernelHeight}` : ` pool${p.poolHeight}`);
  if (name === 'unary') return `${args[0] as string} n=${(args[1] as Float32Array).length}`;
  if (name === 'binary') return `${args[0] as string} ${JSON.stringify(args[2])}${JSON.stringify(args[4])}`;
  if (name === 'reduce') return `${args[0] as string} ${JSON.stringify(args[2])} axes ${JSON.stringify(args[3])}`;
  if (name === 'matmul') return `b${args[2] as number} ${args[3] as number}x${args[4] as number}x${args[5] as number} tA${args[6] ? 1 : 0} tB${args[7] ? 1 : 0}`;
  if (name === 'transpose' || name === 'slice' || name === 'pad') return `${JSON.stringify(args[1])} ${JSON.stringify(args[2])}`;
  return '';
};
for (const [name, fn] of Object.entries(backend)) {
  if (typeof fn !== 'function') continue;
  backend[name] = (...args: unknown[]) => {
    if (!recording) return (fn as (...a: unknown[]) => unknown)(...args);
    const t0 = performance.now();
    const out = (fn as (...a: unknown[]) => unknown)(...args);
    const key = `${name} ${shapeOf(name, args)}`;
    const c = costs.get(key) ?? { ms: 0, calls: 0 };
    c.ms += performance.now() - t0;
    c.calls++;
    costs.set(key, c);
    return out;
  };
}

const spec = WORKLOADS[values.workload as 'W5'] as TrainSpec;
kerats.setSeed(0);
const model = buildKerats(values.workload as 'W5');
model.compile({ optimizer: new kerats.optimizers.Adam(), loss: spec.loss, metrics: spec.metrics });
const n = spec.batchSize * steps;
const data = trainingData(spec, n);
const x = new kerats.Tensor(data.x, [n, ...spec.inputShape]);
const y = new kerats.Tensor(data.y, [n, ...spec.targetShape]);
await model.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0 }); // warm-up
recording = true;
const t0 = performance.now();
await model.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
const total = (performance.now() - t0) / steps;
recording = false;
const rows = [...costs.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, c]) => s + c.ms, 0) / steps;
console.log(`${spec.id}, backend ${values.backend}, ${steps} steps: ${total.toFixed(1)} ms/step (${(spec.batchSize / total * 1000).toFixed(0)} samples/s), kernels ${inKernels.toFixed(1)} ms/step`);
console.log('| kernel | shape | calls/step | ms/step |\n|---|---|---|---|');
for (const [key, c] of rows.slice(0, 25)) {
  const [name, ...rest] = key.split(' ');
  console.log(`| ${name} | ${rest.join(' ')} | ${(c.calls / steps).toFixed(1)} | ${(c.ms / steps).toFixed(2)} |`);
}
