/**
 * Measures one workload on one JavaScript peer, in a fresh process so that its peak resident set is
 * its own. Prints one line `RESULT {json}` (a Measurement) on stdout; run.ts starts it.
 *
 *   node --import tsx bench/measure.ts --peer kerats:js --workload W1 --repeats 3 [--steps 20] [--memory-epochs 200]
 *
 * Peers: `kerats:<backend>` (any backend kerats has registered), `tfjs-cpu`, `tfjs-wasm`.
 */
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import * as kerats from 'kerats';
import {
  WORKLOADS, MissingLayerError, buildKerats, buildTfjs, checkKeratsLayers, seededUniform, trainingData,
  type GemmSpec, type PredictSpec, type TrainSpec, type WorkloadId,
} from './workloads.js';

export interface Measurement {
  peer: string;
  workload: WorkloadId;
  unit: string;
  /** Median over the timed repeats, in `unit`; null when the peer cannot run the workload. */
  value: number | null;
  samples: number[];
  /** The first (warm-up) epoch or call, in `unit`, excluded from `value`. */
  warmup: number | null;
  /** Why the value is missing, or how it was obtained (e.g. extrapolated from a few steps). */
  note: string;
  maxRssMB: number;
  /** Memory mode: resident set (MB) after the given epoch numbers. */
  rssAtEpoch?: Record<string, number>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;

/** The peer-independent part of a training run: what fit() needs and how an epoch maps to the unit. */
interface TrainPlan {
  spec: TrainSpec;
  n: number;
  steps: number;
  stepsFull: number;
  epochs: number;
  x: Float32Array;
  y: Float32Array;
}

function planTraining(spec: TrainSpec, stepsCap: number, repeats: number, memoryEpochs: number): TrainPlan {
  const trainFull = spec.samples - Math.floor(spec.samples * spec.validationSplit);
  const stepsFull = Math.ceil(trainFull / spec.batchSize);
  const steps = stepsCap > 0 ? Math.min(stepsCap, stepsFull) : stepsFull;
  // A shorter epoch keeps the validation split's share, so per-step cost scales to a full epoch.
  const n = steps === stepsFull ? spec.samples : Math.ceil((steps * spec.batchSize) / (1 - spec.validationSplit));
  const { x, y } = trainingData(spec, n);
  const epochs = memoryEpochs > 0 ? memoryEpochs : 1 + repeats;
  return { spec, n, steps, stepsFull, epochs, x, y };
}

/** Epoch times (s) -> the workload's unit. */
function epochToUnit(plan: TrainPlan, seconds: number): number {
  if (plan.spec.unit === 'samples/s') return (plan.steps * plan.spec.batchSize) / seconds;
  return seconds * (plan.stepsFull / plan.steps);
}

function trainingResult(peer: string, plan: TrainPlan, epochSeconds: number[], rssAtEpoch?: Record<string, number>): Measurement {
  const timed = epochSeconds.slice(1).map((s) => epochToUnit(plan, s));
  const partial = plan.steps < plan.stepsFull;
  const note = plan.spec.unit === 'samples/s'
    ? `${plan.steps} batches per timed epoch`
    : partial ? `extrapolated from ${plan.steps} of ${plan.stepsFull} steps` : '';
  return {
    peer, workload: plan.spec.id, unit: plan.spec.unit, value: timed.length ? median(timed) : null, samples: timed,
    warmup: epochToUnit(plan, epochSeconds[0]), note, maxRssMB: 0, rssAtEpoch,
  };
}

/** Records wall time per epoch and, in memory mode, the resident set after selected epochs. */
class EpochTimer {
  seconds: number[] = [];
  rss: Record<string, number> = {};
  private start = 0;
  constructor(private readonly rssEpochs: number[]) {}
  onEpochBegin = (): void => { this.start = performance.now(); };
  onEpochEnd = (epoch: number): void => {
    this.seconds.push((performance.now() - this.start) / 1000);
    if (this.rssEpochs.includes(epoch + 1)) this.rss[String(epoch + 1)] = Math.round(rssMB());
  };
}

/** Calls `fn` until `budgetMs` has passed (at least once) and returns ms per call. */
function msPerCall(fn: () => void, budgetMs: number): number {
  const t0 = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < budgetMs);
  return elapsed / calls;
}

function memoryEpochMarks(epochs: number): number[] {
  if (epochs <= 3) return Array.from({ length: epochs }, (_, i) => i + 1);
  return [Math.round(epochs / 10), Math.round(epochs / 2), epochs];
}

// ---------------------------------------------------------------------------------------------
// kerats

async function keratsTrain(peer: string, spec: TrainSpec, stepsCap: number, repeats: number, memoryEpochs: number): Promise<Measurement> {
  const plan = planTraining(spec, stepsCap, repeats, memoryEpochs);
  kerats.setSeed(0);
  const model = buildKerats(spec.id as 'W1');
  model.compile({ optimizer: new kerats.optimizers.Adam(), loss: spec.loss, metrics: spec.metrics });
  const x = new kerats.Tensor(plan.x, [plan.n, ...spec.inputShape]);
  const y = new kerats.Tensor(plan.y, [plan.n, ...spec.targetShape]);
  const timer = new EpochTimer(memoryEpochs > 0 ? memoryEpochMarks(memoryEpochs) : []);
  await model.fit(x, y, {
    epochs: plan.epochs, batchSize: spec.batchSize, validationSplit: spec.validationSplit || undefined, verbose: 0, callbacks: [timer],
  });
  return trainingResult(peer, plan, timer.seconds, memoryEpochs > 0 ? timer.rss : undefined);
}

function keratsPredict(peer: string, spec: PredictSpec, repeats: number, budgetMs: number): Measurement {
  kerats.setSeed(0);
  const model = buildKerats(spec.model);
  const inputShape = (WORKLOADS[spec.model] as TrainSpec).inputShape;
  const x = new kerats.Tensor(seededUniform(spec.batch * inputShape.reduce((a, b) => a * b, 1), 3), [spec.batch, ...inputShape]);
  const call = (): void => { model.predict(x, { batchSize: spec.batch }); };
  return predictResult(peer, spec, call, repeats, budgetMs);
}

function keratsGemm(peer: string, spec: GemmSpec, repeats: number): Measurement {
  const n = spec.size;
  const a = new kerats.Tensor(seededUniform(n * n, 4), [n, n]);
  const b = new kerats.Tensor(seededUniform(n * n, 5), [n, n]);
  return gemmResult(peer, spec, () => { kerats.ops.matmul(a, b); }, repeats);
}

function predictResult(peer: string, spec: PredictSpec, call: () => void, repeats: number, budgetMs: number): Measurement {
  const scale = spec.unit === 'µs/predict' ? 1000 : 1;
  const t0 = performance.now();
  call();
  const warmup = (performance.now() - t0) * scale;
  const samples = Array.from({ length: repeats }, () => msPerCall(call, budgetMs) * scale);
  return { peer, workload: spec.id, unit: spec.unit, value: median(samples), samples, warmup, note: '', maxRssMB: 0 };
}

function gemmResult(peer: string, spec: GemmSpec, call: () => void, repeats: number): Measurement {
  const flop = 2 * spec.size ** 3;
  const gflops = (ms: number): number => flop / (ms * 1e6);
  const t0 = performance.now();
  call();
  const warmup = gflops(performance.now() - t0);
  const samples = Array.from({ length: repeats }, () => gflops(msPerCall(call, 0)));
  return { peer, workload: spec.id, unit: spec.unit, value: median(samples), samples, warmup, note: '', maxRssMB: 0 };
}

async function runKerats(peer: string, id: WorkloadId, o: Options): Promise<Measurement> {
  const backend = peer.slice('kerats:'.length);
  kerats.setBackend(backend);
  const spec = WORKLOADS[id];
  try {
    checkKeratsLayers(spec);
  } catch (e) {
    if (e instanceof MissingLayerError) return notAvailable(peer, id, e.message);
    throw e;
  }
  if (spec.kind === 'train') return keratsTrain(peer, spec, o.steps, o.repeats, o.memoryEpochs);
  if (spec.kind === 'predict') return keratsPredict(peer, spec, o.repeats, o.budgetMs);
  return keratsGemm(peer, spec, o.repeats);
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js

async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<typeof TF> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm'; its .wasm files ship in the package
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' failed to initialise.`);
  await tf.ready();
  tf.enableProdMode();
  return tf;
}

async function tfjsTrain(tf: typeof TF, peer: string, spec: TrainSpec, stepsCap: number, repeats: number, memoryEpochs: number): Promise<Measurement> {
  const plan = planTraining(spec, stepsCap, repeats, memoryEpochs);
  const model = buildTfjs(tf, spec.id as 'W1');
  model.compile({
    optimizer: tf.train.adam(0.001),
    loss: spec.loss === 'mse' ? 'meanSquaredError' : 'categoricalCrossentropy',
    metrics: spec.metrics,
  });
  const x = tf.tensor(plan.x, [plan.n, ...spec.inputShape]);
  const y = tf.tensor(plan.y, [plan.n, ...spec.targetShape]);
  const timer = new EpochTimer(memoryEpochs > 0 ? memoryEpochMarks(memoryEpochs) : []);
  await model.fit(x, y, {
    epochs: plan.epochs, batchSize: spec.batchSize, validationSplit: spec.validationSplit || undefined, verbose: 0,
    callbacks: { onEpochBegin: async () => timer.onEpochBegin(), onEpochEnd: async (e) => timer.onEpochEnd(e) },
  });
  return trainingResult(peer, plan, timer.seconds, memoryEpochs > 0 ? timer.rss : undefined);
}

function tfjsPredict(tf: typeof TF, peer: string, spec: PredictSpec, repeats: number, budgetMs: number): Measurement {
  const model = buildTfjs(tf, spec.model);
  const inputShape = (WORKLOADS[spec.model] as TrainSpec).inputShape;
  const x = tf.tensor(seededUniform(spec.batch * inputShape.reduce((a, b) => a * b, 1), 3), [spec.batch, ...inputShape]);
  const call = (): void => {
    const out = model.predict(x, { batchSize: spec.batch }) as TF.Tensor;
    out.dataSync();
    out.dispose();
  };
  return predictResult(peer, spec, call, repeats, budgetMs);
}

function tfjsGemm(tf: typeof TF, peer: string, spec: GemmSpec, repeats: number): Measurement {
  const n = spec.size;
  const a = tf.tensor(seededUniform(n * n, 4), [n, n]);
  const b = tf.tensor(seededUniform(n * n, 5), [n, n]);
  return gemmResult(peer, spec, () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, repeats);
}

async function runTfjs(peer: 'tfjs-cpu' | 'tfjs-wasm', id: WorkloadId, o: Options): Promise<Measurement> {
  const tf = await loadTfjs(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  const spec = WORKLOADS[id];
  try {
    if (spec.kind === 'train') return await tfjsTrain(tf, peer, spec, o.steps, o.repeats, o.memoryEpochs);
    if (spec.kind === 'predict') return tfjsPredict(tf, peer, spec, o.repeats, o.budgetMs);
    return tfjsGemm(tf, peer, spec, o.repeats);
  } catch (e) {
    // e.g. tfjs-wasm: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"
    const message = e instanceof Error ? e.message : String(e);
    if (/not registered/.test(message)) return notAvailable(peer, id, `n/a (${message.replace(/\s+/g, ' ').slice(0, 120)})`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------

function notAvailable(peer: string, id: WorkloadId, note: string): Measurement {
  return { peer, workload: id, unit: WORKLOADS[id].unit, value: null, samples: [], warmup: null, note, maxRssMB: 0 };
}

interface Options { repeats: number; steps: number; memoryEpochs: number; budgetMs: number }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      peer: { type: 'string' },
      workload: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      steps: { type: 'string', default: '0' },
      'memory-epochs': { type: 'string', default: '0' },
      'budget-ms': { type: 'string', default: '500' },
    },
  });
  const peer = values.peer ?? 'kerats:js';
  const id = (values.workload ?? 'W1') as WorkloadId;
  if (!(id in WORKLOADS)) throw new Error(`Unknown workload '${id}'. Expected one of ${Object.keys(WORKLOADS).join(', ')}.`);
  const o: Options = {
    repeats: Number(values.repeats), steps: Number(values.steps), memoryEpochs: Number(values['memory-epochs']), budgetMs: Number(values['budget-ms']),
  };
  let m: Measurement;
  if (peer.startsWith('kerats:')) m = await runKerats(peer, id, o);
  else if (peer === 'tfjs-cpu' || peer === 'tfjs-wasm') m = await runTfjs(peer, id, o);
  else throw new Error(`Unknown peer '${peer}'.`);
  m.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
}

await main();
