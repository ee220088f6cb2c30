/** Every script in examples/ runs (against the built package, as a user runs it) and prints its answer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
async function example(name: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [`examples/${name}`], { env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout;
}

describe('examples answer the seed questions', { concurrency: 2 }, () => {
  it('demo: the deconv net has 325 params, trains, and its loss falls', async () => {
    const out = await example('demo.mjs');
    assert.match(out, /Total params: 325/);
    assert.match(out, /conv2d_transpose_2 \(Conv2DTr \(None, 12, 10, 1\)/);
    assert.match(out, /Epoch 15\/15/);
    const [, first, last] = out.match(/loss fell from ([\d.]+) to ([\d.]+)/) ?? [];
    assert.ok(Number(last) < Number(first) * 0.6, `loss ${first} -> ${last}`);
    assert.match(out, /prediction, rounded \(12 x 10\)/);
  });
  it('seed 1: a (12, 10, 1) matrix output and a (10,) array output', async () => {
    const out = await example('seed-1-deconv-two-outputs.mjs');
    assert.match(out, /matrix output shape: \(None, 12, 10, 1\)/);
    assert.match(out, /array output shape: \(None, 10\)/);
    assert.match(out, /Connected to/);
  });
  it("seed 2: Conv1D(32, 5, strides=2, padding='same') takes 128 to 64, padding 1 before and 2 after", async () => {
    const out = await example('seed-2-conv1d-same-padding.mjs');
    assert.match(out, /output \(None, 64, 32\)/);
    assert.match(out, /= 3: 1 before, 2 after/);
  });
  it('seed 3: Conv1D on (45, 45) has 7200 kernel weights, Conv2D on (45, 45, 1) has 800', async () => {
    const out = await example('seed-3-conv1d-weights.mjs');
    assert.match(out, /kernel shape \(5, 45, 32\) = 7200 weights/);
    assert.match(out, /kernel shape \(5, 5, 1, 32\) = 800 weights/);
  });
  it('seed 3, end to end: a Conv1D classifier on 45x45 inputs exported to C gives the same outputs', async () => {
    const out = await example('seed-3-cortex-m4.mjs', { EPOCHS: '2' });
    const [, diff] = out.match(/max difference ([\d.e+-]+)/) ?? [];
    assert.ok(Number(diff) < 1e-5, `C vs predict: ${diff}`);
    assert.match(out, /accuracy [\d.]+ -> [\d.]+/);
  });
  it('an LSTM learns to continue a sine wave (validation MAE falls)', async () => {
    const out = await example('lstm-sequence.mjs', { EPOCHS: '3' });
    assert.match(out, /lstm \(LSTM\)\s+\(None, 16\)\s+1152/);
    const [, first, last] = out.match(/val_mae: ([\d.]+) after epoch 1 -> ([\d.]+)/) ?? [];
    assert.ok(Number(last) < Number(first), `val_mae ${first} -> ${last}`);
  });
  it('a two-output model trains with per-output losses, loss weights and metrics', async () => {
    const out = await example('two-outputs-training.mjs', { EPOCHS: '2' });
    assert.match(out, /History keys: loss, matrix_loss, array_loss, array_mae, val_loss, val_matrix_loss, val_array_loss, val_array_mae/);
    const [, first, last] = out.match(/loss ([\d.]+) -> ([\d.]+)/) ?? [];
    assert.ok(Number(last) < Number(first), `loss ${first} -> ${last}`);
  });
  it('seed 4: the keypoint MLP has 6,130 params and its validation MAE falls', async () => {
    const out = await example('seed-4-keypoints-mlp.mjs', { EPOCHS: '3' });
    assert.match(out, /Total params: 6,130/);
    const [, first, last] = out.match(/val_mae: ([\d.]+) after epoch 1 -> ([\d.]+)/) ?? [];
    assert.ok(Number(last) < Number(first), `val_mae ${first} -> ${last}`);
  });
  it('seed 5: Conv1D(100, 10) on (128, 9) is (None, 119, 100) with 9100 params, and sums over features', async () => {
    const out = await example('seed-5-conv1d-features.mjs');
    assert.match(out, /\(None, 119, 100\), 9100 params/);
    assert.match(out, /equal: the kernel sums over features/);
  });
  it('seed 6: SimpleRNN needs 3-D input and chaining needs returnSequences', async () => {
    const out = await example('seed-6-simple-rnn.mjs');
    assert.match(out, /expected ndim=3[\s\S]*Input\(\[2, 1\]\)/);
    assert.match(out, /\(None, 10\), 120 params/);
    assert.match(out, /pass returnSequences: true/);
    assert.match(out, /Total params: 330/);
  });
});
