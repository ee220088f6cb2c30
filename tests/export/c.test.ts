/**
 * exportC: the generated C, compiled with the system gcc (-std=c99 -Wall -Werror) and run on random
 * inputs, gives model.predict's outputs (max abs difference < 1e-5, relative above 1). The oracle is
 * kerats's own forward pass, which the layer tests check against Keras. The same code is compiled for
 * Cortex-M4 when arm-none-eabi-gcc is installed, and its sizes are printed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Input, Model, Sequential, Tensor, exportC, layers, saveModel, setSeed, type Layer,
} from '../../src/index.js';
import { run } from '../../src/cli/main.js';

const TOLERANCE = 1e-5;
const SAMPLES = 5;

function has(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}
const HAS_GCC = has('gcc');
const HAS_ARM = has('arm-none-eabi-gcc');
const NO_GCC = HAS_GCC ? false : 'gcc is not installed: the exported C cannot be compiled here';
const NO_ARM = HAS_ARM ? false : 'arm-none-eabi-gcc is not installed (Debian: apt-get install -y gcc-arm-none-eabi)';

/** Deterministic values in [-0.5, 0.5) for every weight (biases too, so they are exercised); variances in [0.5, 1.5). */
function randomizeWeights(model: Model, seed: number): void {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  for (const layer of model.layers as Layer[]) {
    const ws = layer.weights;
    if (!ws.length) continue;
    layer.setWeights(ws.map((w) => Float32Array.from(w.values, () => (w.name.includes('variance') ? 1 + next() : next()))));
  }
}

function randomInputs(shape: number[], seed: number): Tensor {
  let state = seed >>> 0;
  const size = shape.reduce((a, b) => a * b, SAMPLES);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 22695477) + 1) >>> 0;
    values[i] = Math.fround((state / 2 ** 32) * 2 - 1);
  }
  return new Tensor(values, [SAMPLES, ...shape]);
}

/** A main that reads samples from stdin and prints each output value, for gcc. */
function testMain(name: string): string {
  const upper = name.toUpperCase();
  return `#include <stdio.h>
#include "${name}.h"
int main(void) {
  static float in[${upper}_INPUT_SIZE], out[${upper}_OUTPUT_SIZE];
  for (;;) {
    for (int i = 0; i < ${upper}_INPUT_SIZE; i++) if (scanf("%f", &in[i]) != 1) return 0;
    ${name}_predict(in, out);
    for (int i = 0; i < ${upper}_OUTPUT_SIZE; i++) printf("%.9g\\n", out[i]);
  }
}
`;
}

interface Checked { maxDiff: number; dir: string }

/** Exports, compiles with gcc, runs on SAMPLES inputs and compares with predict. */
function compileAndCompare(model: Model, name: string): Checked {
  const dir = mkdtempSync(join(tmpdir(), `kerats-c-${name}-`));
  exportC(model, { name, dir });
  writeFileSync(join(dir, 'main.c'), testMain(name));
  const exe = join(dir, 'predict');
  execFileSync('gcc', ['-std=c99', '-Wall', '-Werror', '-O2', '-o', exe, join(dir, 'main.c'), join(dir, `${name}.c`), '-lm'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const shape = model.inputs[0].shape.slice(1) as number[];
  const x = randomInputs(shape, name.length * 7919 + 17);
  const stdout = execFileSync(exe, { input: Array.from(x.values, (v) => v.toPrecision(9)).join('\n') }).toString();
  const got = stdout.trim().split('\n').map(Number);
  const want = (model.predict(x) as Tensor).values;
  assert.equal(got.length, want.length, `C printed ${got.length} values, predict gave ${want.length}`);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
  }
  return { maxDiff, dir };
}

/** Compiles the exported .c for Cortex-M4 (hard float) and returns arm-none-eabi-size's text/data/bss. */
function cortexM4Sizes(dir: string, name: string): { text: number; data: number; bss: number } {
  const obj = join(dir, `${name}.o`);
  execFileSync('arm-none-eabi-gcc', ['-std=c99', '-Wall', '-Werror', '-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16',
    '-mfloat-abi=hard', '-Os', '-c', '-o', obj, join(dir, `${name}.c`)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = execFileSync('arm-none-eabi-size', [obj]).toString().trim().split('\n');
  const [text, data, bss] = lines[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

const L = layers;

/** The models the C export is checked on, each a builder so every test gets fresh layers. */
const MODELS: Record<string, () => Model> = {
  mlp: () => new Sequential([Input([10]), new L.Dense(16, { activation: 'relu' }), new L.Dropout(0.5),
    new L.Dense(8, { activation: 'tanh' }), new L.Dense(3, { activation: 'softmax' })]),
  // The seed's question: a Conv1D classifier on (45, 45) inputs for a Cortex-M4.
  seed_conv1d: () => new Sequential([Input([45, 45]), new L.Conv1D(32, 5, { padding: 'same', activation: 'relu' }),
    new L.GlobalMaxPooling1D(), new L.Dense(4, { activation: 'softmax' })]),
  cnn2d_bn: () => new Sequential([Input([12, 10, 1]),
    new L.Conv2D(4, 3, { padding: 'same' }), new L.BatchNormalization(), new L.Activation('relu'),
    new L.MaxPooling2D(2),
    new L.Conv2D(6, [3, 2], { strides: [2, 1], activation: 'elu' }),
    new L.AveragePooling2D(2, { strides: 1, padding: 'same' }),
    new L.BatchNormalization(), // after pooling: not foldable, a scale and shift
    new L.GlobalAveragePooling2D(),
    new L.Dense(5), new L.BatchNormalization(), new L.Activation('softmax')]),
  cnn2d_flatten: () => new Sequential([Input([9, 8, 2]), new L.Conv2D(3, 3, { dilationRate: 2, activation: 'gelu' }),
    new L.GlobalMaxPooling2D({ keepdims: true }), new L.Flatten(), new L.Reshape([3, 1]), new L.Dense(2, { activation: 'selu' }),
    new L.Flatten(), new L.Dense(3, { activation: 'log_softmax' })]),
  simple_rnn: () => new Sequential([Input([7, 3]), new L.SimpleRNN(5, { returnSequences: true }), new L.SimpleRNN(4),
    new L.Dense(2)]),
  lstm: () => new Sequential([Input([6, 4]), new L.LSTM(5, { returnSequences: true }), new L.LSTM(3, { goBackwards: true })]),
  gru_reset_after: () => new Sequential([Input([6, 4]), new L.GRU(5, { returnSequences: true }), new L.Dense(2, { activation: 'sigmoid' })]),
  gru_reset_before: () => new Sequential([Input([6, 4]), new L.GRU(5, { resetAfter: false, returnSequences: true }),
    new L.GRU(3, { resetAfter: false })]),
  conv1d_causal_dilated: () => new Sequential([Input([20, 3]),
    new L.Conv1D(4, 3, { padding: 'causal', dilationRate: 2, activation: 'softplus' }),
    new L.Conv1D(5, 2, { strides: 2, activation: 'leaky_relu' }),
    new L.MaxPooling1D(2, { padding: 'same' }), new L.AveragePooling1D(3, { strides: 2, padding: 'same' }),
    new L.GlobalAveragePooling1D(), new L.Dense(2, { activation: 'sigmoid' })]),
  activations: () => new Sequential([Input([6]), new L.Dense(6, { activation: 'relu6' }), new L.Dense(6, { activation: 'hard_sigmoid' }),
    new L.Dense(6, { activation: 'silu' }), new L.Dense(6, { activation: 'softsign' }), new L.Dense(6, { activation: 'mish' }),
    new L.Dense(6, { activation: 'hard_silu' }), new L.Dense(6, { activation: 'exponential' }), new L.Activation('tanh')]),
  standalone_layers: () => new Sequential([Input([4, 3]), new L.Activation('softmax'), new L.BatchNormalization({ axis: 1 }),
    new L.Flatten(), new L.Dense(2)]),
  reshape_only: () => new Sequential([Input([2, 3]), new L.Flatten()]),
  functional_chain: () => {
    const x = Input([8]);
    const inner = new Sequential([Input([8]), new L.Dense(4, { activation: 'relu' })]);
    return new Model(x, new L.Dense(2).apply(inner.apply(x) as never));
  },
};

describe('exportC: the C code predicts what the model predicts', { concurrency: 4 }, () => {
  for (const [name, build] of Object.entries(MODELS)) {
    it(`${name}: gcc -std=c99 -Wall -Werror output is within ${TOLERANCE} of predict`, { skip: NO_GCC }, () => {
      setSeed(1);
      const model = build();
      randomizeWeights(model, name.length * 31 + 1);
      const { maxDiff, dir } = compileAndCompare(model, name);
      console.log(`${name}: max difference ${maxDiff.toExponential(2)}`);
      try {
        assert.ok(maxDiff < TOLERANCE, `${name}: max difference ${maxDiff} >= ${TOLERANCE}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('exportC for Cortex-M4', () => {
  for (const name of ['seed_conv1d', 'cnn2d_bn', 'lstm', 'gru_reset_after']) {
    it(`${name} compiles with arm-none-eabi-gcc -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -Os`, { skip: NO_ARM }, () => {
      const dir = mkdtempSync(join(tmpdir(), `kerats-m4-${name}-`));
      try {
        const model = MODELS[name]();
        const { scratchFloats } = exportC(model, { name, dir });
        const sizes = cortexM4Sizes(dir, name);
        console.log(`Cortex-M4 ${name}: text ${sizes.text} B (code + const weights), data ${sizes.data} B, bss ${sizes.bss} B (scratch ${scratchFloats} floats)`);
        assert.ok(sizes.text > 4 * model.countParams(), 'the weights are in flash (text)');
        assert.equal(sizes.bss, 4 * scratchFloats, 'the only RAM is the scratch buffer');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('exportC: the C source', () => {
  it('puts the weights in the .c as static const float arrays and keeps the .h to the API', () => {
    const { header, source } = exportC(MODELS.mlp(), { name: 'mlp' });
    assert.match(header, /void mlp_predict\(const float \*in, float \*out\);/);
    assert.match(header, /#define MLP_INPUT_SIZE 10\b/);
    assert.match(header, /#define MLP_OUTPUT_SIZE 3\b/);
    assert.match(source, /static const float l0_dense_?\w*_kernel\[160\]/);
    assert.doesNotMatch(source, /malloc|#include <(?!math\.h)/);
  });
  it('folds BatchNormalization after a Conv into its kernel, and removes Dropout', () => {
    const { source } = exportC(MODELS.cnn2d_bn(), { name: 'cnn' });
    assert.match(source, /Layers: conv2d\w* \+ batch_normalization\w* \+ activation\w*, /);
    assert.equal((source.match(/scale_shift\(&/g) ?? []).length, 1, 'only the BatchNormalization after pooling stays');
    assert.doesNotMatch(exportC(MODELS.mlp(), { name: 'mlp' }).source, /dropout/);
  });
  it('sizes the scratch as two halves of the largest intermediate activation', () => {
    // (45, 45) -> Conv1D (45, 32) = 1440 -> (32,) -> (4,): halves of 1440 floats.
    const { source, scratchFloats } = exportC(MODELS.seed_conv1d(), { name: 'seed' });
    assert.equal(scratchFloats, 2 * 1440);
    assert.match(source, /#define SEED_HALF 1440/);
  });
});

describe('exportC refuses what the C code cannot run, naming the layer', () => {
  it('refuses an unsupported layer', () => {
    const model = new Sequential([Input([5], { dtype: 'float32' } as never), new L.Dense(3), new L.RepeatVector(2, { name: 'repeat' })]);
    assert.throws(() => exportC(model, { name: 'm' }), /layer "repeat" \(RepeatVector\) is not supported by the C export\. Supported layers: Dense/);
  });
  it('refuses a branching graph at the merge', () => {
    const x = Input([4]);
    const y = new L.Add({ name: 'merge' }).apply([new L.Dense(3).apply(x), new L.Dense(3).apply(x)] as never);
    assert.throws(() => exportC(new Model(x, y as never), { name: 'm' }), /layer "merge" \(Add\) takes 2 inputs/);
  });
  it('refuses a model with two inputs or two outputs', () => {
    const a = Input([4]);
    const b = Input([4]);
    const sum = new L.Add().apply([a, b] as never);
    assert.throws(() => exportC(new Model([a, b], sum as never), { name: 'm' }), /has 2 inputs/);
    const two = new Model(a, [new L.Dense(1).apply(a), new L.Dense(2).apply(a)] as never);
    assert.throws(() => exportC(two, { name: 'm' }), /has 2 outputs/);
  });
  it('refuses unknown sizes, unsupported activations and names that are not C identifiers', () => {
    assert.throws(() => exportC(new Sequential([Input([null, 3]), new L.SimpleRNN(2, { name: 'rnn' })]), { name: 'm' }),
      /layer "rnn" \(SimpleRNN\) has an input or output shape with unknown sizes/);
    assert.throws(() => exportC(new Sequential([Input([3]), new L.Dense(2, { activation: 'crelu', name: 'd' })]), { name: 'm' }),
      /layer "d" \(Dense\) uses activation 'crelu'/);
    assert.throws(() => exportC(MODELS.mlp(), { name: '2fast' }), /must be a C identifier/);
  });
});

describe('kerats export-c', () => {
  it('writes <name>.h and <name>.c from a .keras file', { skip: NO_GCC }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerats-cli-c-'));
    try {
      const model = MODELS.mlp();
      await saveModel(model, join(dir, 'model.keras'));
      const lines: string[] = [];
      const code = await run(['export-c', join(dir, 'model.keras'), '-o', join(dir, 'out'), '--name', 'classifier'], (s) => lines.push(s), (s) => lines.push(s));
      assert.equal(code, 0, lines.join('\n'));
      assert.match(readFileSync(join(dir, 'out', 'classifier.h'), 'utf8'), /void classifier_predict/);
      assert.match(lines.join('\n'), /classifier\.c/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('names the unsupported layer in one line, exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerats-cli-c-'));
    try {
      await saveModel(new Sequential([Input([4]), new L.RepeatVector(2, { name: 'rep' })]), join(dir, 'm.keras'));
      const errors: string[] = [];
      const code = await run(['export-c', join(dir, 'm.keras'), '-o', dir], () => {}, (s) => errors.push(s));
      assert.equal(code, 1);
      assert.match(errors[0], /^kerats export-c: exportC: layer "rep" \(RepeatVector\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
