/**
 * `npm run bench`: runs every workload of bench/workloads.ts through kerats (once per registered
 * backend) and its peers (TensorFlow.js cpu and wasm, PyTorch CPU), interleaved, each measurement in a
 * fresh child process, and prints one markdown table of medians and speed ratios.
 *
 *   npm run bench                      # 3 timed epochs/calls per peer after a warm-up one
 *   npm run bench -- --quick           # 1 timed repeat and shorter epochs (a few minutes)
 *   npm run bench -- --only W1,GEMM --peers kerats,torch --full
 *
 * Installs nothing: peers that are missing show 'n/a' with the reason (see bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as kerats from 'kerats';
import type { Measurement } from './measure.js';
import { WORKLOADS, WORKLOAD_IDS, higherIsBetter, type WorkloadId } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SYSTEM_PYTHON = '/usr/bin/python3';
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/**
 * OpenBLAS 0.3.21 (Debian bookworm) picks its kernels from the CPU model number; it does not know this
 * VM's (family 6, model 207) and falls back to 'Prescott' (SSE3): torch's GEMM then runs at ~30
 * GFLOP/s instead of ~240 with the AVX-512 kernels (measured 2026-11-28, bench/NOTES.md entry 6). So
 * the core type is chosen from the instruction sets the CPU reports, unless OPENBLAS_CORETYPE is set.
 */
function openblasCoreType(): string | undefined {
  if (process.env.OPENBLAS_CORETYPE) return process.env.OPENBLAS_CORETYPE;
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return undefined;
  }
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512cd'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}
const torchEnv = (): NodeJS.ProcessEnv => {
  const coreType = openblasCoreType();
  return { ...process.env, LD_LIBRARY_PATH: OPENBLAS_DIR, OMP_NUM_THREADS: '2', ...(coreType ? { OPENBLAS_CORETYPE: coreType } : {}) };
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    repeats: { type: 'string' },
    only: { type: 'string' },
    peers: { type: 'string' },
    'no-memory': { type: 'boolean', default: false },
    // Node 20 validates kerats's relaxed-SIMD (FMA) kernel builds only with this V8 flag; Node >= 22 has it on.
    'relaxed-simd': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
  },
});
const quick = args.quick;
const repeats = Number(args.repeats ?? (quick ? 1 : 3));
const timeoutMs = Number(args.timeout) * 1000;

/** Every backend kerats has registered: the active one, plus those its error message lists. */
function keratsBackends(): string[] {
  const names = new Set([kerats.getBackend().name]);
  try {
    kerats.setBackend('\u0000list');
  } catch (e) {
    const listed = /Available: (.*)\.$/.exec(e instanceof Error ? e.message : '');
    for (const n of listed?.[1].split(', ') ?? []) names.add(n);
  }
  return [...names];
}

// Steps per timed epoch for the slow peers (kerats's reference backend and tfjs-cpu), which would take
// minutes to hours per full epoch; their times are extrapolated to a full epoch. `--full` lifts the caps.
// W5 is always a fixed number of batches (its unit is samples/s).
const SLOW_CAPS: Record<string, [normal: number, quick: number]> = {
  W1: [0, 40], W2: [60, 20], W3: [2, 1], W4: [10, 4], W5: [2, 1],
};
// Fast peers run full epochs, except in --quick mode (and W5, always a fixed number of batches).
const FAST_CAPS: Record<string, [normal: number, quick: number]> = {
  W1: [0, 0], W2: [0, 60], W3: [0, 20], W4: [0, 30], W5: [20, 10],
};

// tfjs-cpu needs minutes per step here on a loaded 2-core machine (issue 4: ~50 s per MNIST batch).
const QUICK_SKIPS_TFJS_CPU: WorkloadId[] = ['W3', 'W5'];

interface Job { peer: string; workload: WorkloadId; steps: number; repeats: number; memoryEpochs?: number }

function isSlow(peer: string): boolean {
  // A new kerats backend starts here too; drop it from this list once it is fast enough for full epochs.
  return peer === 'kerats:js' || peer === 'tfjs-cpu';
}

function plan(peer: string, workload: WorkloadId): Job {
  const caps = isSlow(peer) ? SLOW_CAPS : FAST_CAPS;
  let steps = (caps[workload] ?? [0, 0])[quick ? 1 : 0];
  if (args.full && workload !== 'W5') steps = 0;
  // tfjs-cpu needs ~50 s per MNIST batch and ~10 s per W3 step: one timed epoch only.
  const reps = peer === 'tfjs-cpu' && (workload === 'W3' || workload === 'W5' || workload === 'W6b') ? 1 : repeats;
  return { peer, workload, steps, repeats: reps };
}

function torchAvailable(): string | null {
  if (!existsSync(SYSTEM_PYTHON)) return `n/a (${SYSTEM_PYTHON} not found)`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { env: { ...process.env, LD_LIBRARY_PATH: OPENBLAS_DIR }, encoding: 'utf8' });
  if (r.status !== 0) return 'n/a (python3-torch not installed)';
  if (!existsSync(OPENBLAS_DIR)) return 'n/a (libopenblas0-pthread not installed)';
  return null;
}

const keratsNodeFlags = (peer: string): string[] =>
  args['relaxed-simd'] && peer.startsWith('kerats:') ? ['--experimental-wasm-relaxed-simd'] : [];

function runJob(job: Job): Measurement {
  const common = ['--workload', job.workload, '--repeats', String(job.repeats), '--steps', String(job.steps),
    '--memory-epochs', String(job.memoryEpochs ?? 0), '--budget-ms', quick ? '300' : '1000'];
  const isTorch = job.peer === 'torch';
  const r = isTorch
    ? spawnSync(SYSTEM_PYTHON, [join(here, 'torch_workloads.py'), ...common], {
      cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26,
      env: torchEnv(),
    })
    : spawnSync(process.execPath, [...keratsNodeFlags(job.peer), '--import', 'tsx', join(here, 'measure.ts'), '--peer', job.peer, ...common], {
      cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26,
    });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice('RESULT '.length)) as Measurement;
  const why = r.error?.message.includes('ETIMEDOUT') ? `timed out after ${args.timeout} s`
    : r.signal ? `killed by ${r.signal}`
      : (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`;
  return { peer: job.peer, workload: job.workload, unit: WORKLOADS[job.workload].unit, value: null, samples: [], warmup: null,
    note: `n/a (${why.slice(0, 120)})`, maxRssMB: 0 };
}

// ---------------------------------------------------------------------------------------------

function fmt(v: number | null): string {
  if (v === null) return 'n/a';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** How many times faster kerats is than the peer (> 1: kerats faster). */
function speedup(k: Measurement | undefined, p: Measurement | undefined): string {
  if (!k || !p || k.value === null || p.value === null) return '–';
  const r = higherIsBetter(WORKLOADS[k.workload].unit) ? k.value / p.value : p.value / k.value;
  return `${r >= 10 ? r.toFixed(0) : r.toPrecision(2)}x`;
}

/** A footnote's number, reusing the number of an identical earlier footnote. */
function footnote(footnotes: string[], text: string): number {
  const i = footnotes.indexOf(text);
  return i >= 0 ? i + 1 : footnotes.push(text);
}

function cell(m: Measurement | undefined, footnotes: string[]): string {
  if (!m) return '–';
  if (m.value === null) return `n/a[^${footnote(footnotes, `${m.peer} ${m.workload}: ${m.note}`)}]`;
  if (m.note) return `${fmt(m.value)}[^${footnote(footnotes, `${m.peer} ${m.workload}: ${m.note}${m.samples.length === 1 ? ', 1 sample' : ''}`)}]`;
  return fmt(m.value);
}

function machine(): string {
  let commit = '?';
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (r.status === 0) commit = r.stdout.trim();
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? '?';
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  return `${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${cpus().length} CPUs (${model}), Node ${process.version}, OpenBLAS core type for torch ${openblasCoreType() ?? 'auto'}, ${args['relaxed-simd'] ? 'kerats children started with --experimental-wasm-relaxed-simd (relaxed-SIMD builds)' : `kerats wasm build ${JSON.stringify(kerats.wasmBuild())}`}, load average at the end ${load}`;
}

function main(): void {
  const only = args.only ? (args.only.split(',') as WorkloadId[]) : WORKLOAD_IDS;
  const keratsPeers = keratsBackends().map((b) => `kerats:${b}`);
  const torchMissing = torchAvailable();
  const wanted = (p: string): boolean => !args.peers || args.peers.split(',').some((w) => p === w || p.startsWith(`${w}:`));
  const peers = [...keratsPeers, 'tfjs-cpu', 'tfjs-wasm', 'torch'].filter(wanted);
  const results: Measurement[] = [];

  for (const [i, workload] of only.entries()) {
    // Interleave: every peer runs each workload back to back, in an order that rotates per workload.
    const order = peers.map((_, j) => peers[(i + j) % peers.length]);
    for (const peer of order) {
      let m: Measurement;
      const skipped = peer === 'torch' && torchMissing ? torchMissing
        : quick && peer === 'tfjs-cpu' && QUICK_SKIPS_TFJS_CPU.includes(workload) ? 'n/a (skipped in --quick: minutes per step)' : null;
      if (skipped) {
        m = { peer, workload, unit: WORKLOADS[workload].unit, value: null, samples: [], warmup: null, note: skipped, maxRssMB: 0 };
      } else {
        const t0 = Date.now();
        m = runJob(plan(peer, workload));
        process.stderr.write(`${workload} ${peer}: ${fmt(m.value)} ${m.unit} ${m.note} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
      results.push(m);
    }
  }

  const memory: Measurement[] = [];
  if (!args['no-memory'] && (args.only === undefined || only.includes('W1'))) {
    for (const peer of keratsPeers.filter(wanted)) {
      const epochs = 200;
      const m = runJob({ peer, workload: 'W1', steps: quick ? 40 : 0, repeats: 0, memoryEpochs: epochs });
      process.stderr.write(`memory W1 ${peer}: ${JSON.stringify(m.rssAtEpoch)}\n`);
      memory.push(m);
    }
  }
  // W5 for 3 full epochs (60,000 samples each) on the fast backend only: minutes, where kerats:js takes hours.
  if (!args['no-memory'] && !quick && (args.only === undefined || only.includes('W5'))) {
    for (const peer of keratsPeers.filter((p) => wanted(p) && p === 'kerats:wasm')) {
      const m = runJob({ peer, workload: 'W5', steps: 0, repeats: 0, memoryEpochs: 3 });
      process.stderr.write(`memory W5 ${peer}: ${JSON.stringify(m.rssAtEpoch)}\n`);
      memory.push(m);
    }
  }

  const footnotes: string[] = [];
  const peerCols = peers.filter((p) => !p.startsWith('kerats:'));
  const lines: string[] = [];
  lines.push(`Measured ${machine()}; ${quick ? 'quick mode, ' : ''}median of ${repeats} timed repeat(s) after a warm-up one.`);
  lines.push('');
  lines.push(`Ratios are kerats's speed-up over each peer: "3x" means kerats is 3 times faster, "0.1x" that the peer is 10 times faster.`);
  lines.push('');
  for (const kp of keratsPeers.filter(wanted)) {
    const header = ['workload', 'unit', ...peers, ...peerCols.map((p) => `${kp} vs ${p}`), `${kp} warm-up`, `${kp} peak RSS`];
    if (keratsPeers.length > 1) lines.push(`**${kp}**`, '');
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const workload of only) {
      const get = (p: string): Measurement | undefined => results.find((r) => r.peer === p && r.workload === workload);
      const k = get(kp);
      const row = [
        workload, WORKLOADS[workload].unit,
        ...peers.map((p) => cell(get(p), footnotes)),
        ...peerCols.map((p) => speedup(k, get(p))),
        k?.warmup != null ? fmt(k.warmup) : '–',
        k && k.maxRssMB ? `${k.maxRssMB} MB` : '–',
      ];
      lines.push(`| ${row.join(' | ')} |`);
    }
    lines.push('');
  }
  if (!keratsPeers.some(wanted)) {
    // Peers only (e.g. `--peers torch` to check a peer's setup): their medians, no ratios.
    lines.push(`| workload | unit | ${peers.join(' | ')} |`, `|---|---|${peers.map(() => '---').join('|')}|`);
    for (const workload of only) {
      const row = peers.map((p) => cell(results.find((r) => r.peer === p && r.workload === workload), footnotes));
      lines.push(`| ${workload} | ${WORKLOADS[workload].unit} | ${row.join(' | ')} |`);
    }
    lines.push('');
  }
  for (const m of memory) {
    const rss = Object.entries(m.rssAtEpoch ?? {}).map(([e, mb]) => `epoch ${e}: ${mb} MB`).join(', ');
    const what = m.workload === 'W1' ? `W1 200 epochs${quick ? ' (40 steps per epoch)' : ''}` : `${m.workload} 3 full epochs`;
    lines.push(`Memory, ${what} on ${m.peer}: resident set ${rss || m.note}; peak ${m.maxRssMB} MB.`);
  }
  if (memory.length) lines.push('');
  lines.push('Warm-up (first epoch or call, excluded from the medians), in each workload\'s unit:');
  lines.push('');
  lines.push(`| workload | ${peers.join(' | ')} |`, `|---|${peers.map(() => '---').join('|')}|`);
  for (const workload of only) {
    const row = peers.map((p) => fmt(results.find((r) => r.peer === p && r.workload === workload)?.warmup ?? null));
    lines.push(`| ${workload} | ${row.join(' | ')} |`);
  }
  lines.push('');
  footnotes.forEach((f, i) => lines.push(`[^${i + 1}]: ${f}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
