/** The built-in callbacks behave as Keras's (keras/src/callbacks/*.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertClose } from '../helpers/gradcheck.js';
import { Callback, Sequential, callbacks, layers, optimizers, ops, randomUniform, setSeed, tensor, type Logs, type Tensor } from '../../src/index.js';

function linearModel(learningRate = 0.05) {
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate }), loss: 'mse', metrics: ['mae'] });
  return model;
}
function linearData(n: number) {
  const x = randomUniform([n, 3], -1, 1);
  return { x, y: ops.add(ops.matmul(x, tensor([[1], [-2], [3]])), 0.5) };
}

/** Replaces `key` in each epoch's logs by a scripted value, and keeps the weights each epoch ended with. */
class Script extends Callback {
  readonly weightsAtEnd: Tensor[][] = [];
  constructor(private readonly key: string, private readonly values: number[]) { super(); }
  onEpochEnd(epoch: number, logs: Logs) {
    logs[this.key] = this.values[epoch];
    this.weightsAtEnd.push((this.model as Sequential).getWeights());
  }
}

describe('EarlyStopping', () => {
  it('stops `patience` epochs after the best one and restores its weights', async () => {
    setSeed(21);
    const { x, y } = linearData(32);
    const model = linearModel();
    // best at epoch 1; epochs 2 and 3 do not improve -> stop at epoch 3 (patience 2).
    const script = new Script('val_loss', [1.0, 0.5, 0.7, 0.6, 0.1, 0.1]);
    const early = new callbacks.EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, callbacks: [script, early] });
    assert.equal(h.history.loss.length, 4);
    assert.equal(early.stoppedEpoch, 3);
    assert.equal(early.bestEpoch, 1);
    const restored = model.getWeights();
    script.weightsAtEnd[1].forEach((w, i) => assert.deepEqual([...restored[i].values], [...w.values]));
    // The weights did move after the best epoch, so the restore changed them.
    assert.notDeepEqual([...script.weightsAtEnd[3][0].values], [...restored[0].values]);
  });

  it('counts minDelta against improvements and maximises accuracy-like metrics in auto mode', async () => {
    const model = linearModel();
    const { x, y } = linearData(16);
    // improvements of 0.05 are below minDelta 0.1: epoch 0 is the best, stop at epoch 2 (patience 2).
    const early = new callbacks.EarlyStopping({ monitor: 'loss', minDelta: 0.1, patience: 2 });
    const h = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [new Script('loss', [1, 0.95, 0.9, 0.85]), early] });
    assert.equal(h.history.loss.length, 3);
    const up = new callbacks.EarlyStopping({ monitor: 'val_accuracy', patience: 1 });
    const h2 = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [new Script('val_accuracy', [0.5, 0.6, 0.7, 0.6, 0.9]), up] });
    assert.equal(h2.history.loss.length, 4);
  });
});

describe('ReduceLROnPlateau', () => {
  it('multiplies optimizer.learningRate by factor after `patience` flat epochs, not below minLr', async () => {
    const model = linearModel(0.1);
    const { x, y } = linearData(16);
    const reduce = new callbacks.ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minLr: 0.03 });
    const h = await model.fit(x, y, { epochs: 4, verbose: 0, callbacks: [new Script('loss', [1, 1, 1, 1]), reduce] });
    // epoch 0 sets the best; epochs 1, 2, 3 each reduce: 0.1 -> 0.05 -> 0.03 (minLr) -> stays.
    assert.equal(model.optimizer!.learningRate, 0.03);
    // Keras logs the rate each epoch ran with (before that epoch's reduction).
    assert.deepEqual(h.history.learning_rate, [0.1, 0.1, 0.05, 0.03]);
  });

  it('waits `cooldown` epochs after a reduction', async () => {
    const model = linearModel(0.1);
    const { x, y } = linearData(16);
    const reduce = new callbacks.ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, cooldown: 2 });
    const h = await model.fit(x, y, { epochs: 6, verbose: 0, callbacks: [new Script('loss', [1, 1, 1, 1, 1, 1]), reduce] });
    // Keras's counter: reduce at epoch 1 (cooldown = 2); epoch 2 counts it to 1, epoch 3 to 0 and, out of
    // cooldown, counts a flat epoch -> reduce at epoch 3; again at epoch 5. Logged rates lag one epoch.
    assert.deepEqual(h.history.learning_rate, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    assertClose([model.optimizer!.learningRate], [0.0125], 1e-12);
  });
});

describe('LearningRateScheduler', () => {
  it('sets the learning rate from schedule(epoch, lr) at the start of each epoch', async () => {
    const model = linearModel(0.1);
    const { x, y } = linearData(16);
    const seen: number[] = [];
    class Watch extends Callback {
      onTrainBatchBegin(batch: number) { if (batch === 0) seen.push(model.optimizer!.learningRate); }
    }
    const schedule = new callbacks.LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr * 0.5));
    const h = await model.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0, callbacks: [schedule, new Watch()] });
    assert.deepEqual(seen, [0.1, 0.1, 0.05, 0.025]);
    assert.deepEqual(h.history.learning_rate, [0.1, 0.1, 0.05, 0.025]);
  });
});

describe('CSVLogger', () => {
  it("writes Keras's header (epoch, then the sorted log keys) and one row per epoch", async () => {
    setSeed(22);
    const dir = mkdtempSync(join(tmpdir(), 'kerats-csv-'));
    const file = join(dir, 'log.csv');
    const model = linearModel();
    const { x, y } = linearData(40);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0, callbacks: [new callbacks.CSVLogger(file)] });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    assert.equal(lines[0], 'epoch,loss,mae,val_loss,val_mae');
    assert.equal(lines.length, 4); // header, two rows, and the empty string after the last \r\n
    const row = lines[2].split(',').map(Number);
    assert.deepEqual(row, [1, h.history.loss[1], h.history.mae[1], h.history.val_loss[1], h.history.val_mae[1]]);
  });

  it('appends without a second header, and honours the separator', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kerats-csv-')), 'log.csv');
    writeFileSync(file, '');
    const model = linearModel();
    const { x, y } = linearData(16);
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new callbacks.CSVLogger(file, { separator: ';', append: true })] });
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new callbacks.CSVLogger(file, { separator: ';', append: true })] });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'epoch;loss;mae');
    assert.deepEqual(lines.slice(1).map((l) => l.split(';')[0]), ['0', '0', '1']);
  });
});

describe('TerminateOnNaN', () => {
  it('stops within the epoch once the loss is NaN or infinite (a huge learning rate)', async () => {
    setSeed(23);
    const x = randomUniform([64, 3], -100, 100);
    const y = randomUniform([64, 1], -100, 100);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 1e8 }), loss: 'mse' });
    let batches = 0;
    class Count extends Callback { onTrainBatchEnd() { batches++; } }
    const h = await model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [new Count(), new callbacks.TerminateOnNaN()] });
    assert.equal(h.history.loss.length, 1);
    assert.ok(!Number.isFinite(h.history.loss[0]), `loss ${h.history.loss[0]}`);
    assert.ok(batches < 16, `stopped after ${batches} of 16 batches`);
  });
});
