import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers, plotHistory, tensor } from '../../src/index.js';
import { niceTicks } from '../../src/plot/plotHistory.js';
import { checkXml, svgTexts } from './xml.js';

const history = {
  epoch: [0, 1, 2, 3],
  history: { loss: [1.0, 0.6, 0.45, 0.4], mae: [0.8, 0.6, 0.5, 0.45], val_loss: [1.1, 0.7, 0.6, 0.62], val_mae: [0.85, 0.66, 0.6, 0.61] },
};

const seriesKeys = (svg: string) => [...svg.matchAll(/class="series" data-key="([^"]*)"/g)].map((m) => m[1]);

describe('plotHistory', () => {
  it('draws one panel per metric, loss first, each with its training and validation line', () => {
    const svg = plotHistory(history);
    checkXml(svg);
    assert.deepEqual([...svg.matchAll(/data-metric="([^"]*)"/g)].map((m) => m[1]), ['loss', 'mae']);
    assert.deepEqual(seriesKeys(svg), ['loss', 'val_loss', 'mae', 'val_mae']);
  });

  it('labels the axes and the legend, and numbers epochs from 1', () => {
    const texts = svgTexts(plotHistory(history, { metrics: ['loss'] }));
    assert.ok(texts.includes('epoch'));
    assert.ok(texts.includes('loss'));
    assert.ok(texts.includes('training loss'));
    assert.ok(texts.includes('validation loss'));
    for (const t of ['1', '2', '3', '4']) assert.ok(texts.includes(t), `x tick ${t}`);
    // y ticks cover 0.4 .. 1.1 in steps of 0.2 (1-2-5 rule): 0.4, 0.6, ..., 1.2.
    for (const t of ['0.4', '0.6', '0.8', '1', '1.2']) assert.ok(texts.includes(t), `y tick ${t}`);
  });

  it('plots only training lines when there was no validation data', () => {
    const svg = plotHistory({ history: { loss: [2, 1] } });
    checkXml(svg);
    assert.deepEqual(seriesKeys(svg), ['loss']);
  });

  it('draws the History that fit() returns', async () => {
    const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
    const y = tensor([[1], [1], [2], [0]]);
    const h = await model.fit(x, y, { epochs: 3, verbose: 0, validationData: [x, y] });
    const svg = plotHistory(h);
    checkXml(svg);
    assert.deepEqual(seriesKeys(svg), ['loss', 'val_loss', 'mae', 'val_mae']);
  });

  it('names the recorded metrics when asked for one that is missing', () => {
    assert.throws(() => plotHistory(history, { metrics: ['accuracy'] }), /no metric 'accuracy'.*Recorded: loss, mae, val_loss, val_mae/);
  });
});

describe('niceTicks', () => {
  it('uses steps of 1, 2 or 5 times a power of ten that cover the range', () => {
    assert.deepEqual(niceTicks(0.38, 1.3), [0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4]);
    assert.deepEqual(niceTicks(1, 8, 6), [0, 2, 4, 6, 8]);
    assert.deepEqual(niceTicks(3, 3), [2.6, 2.8, 3, 3.2, 3.4]);
  });
});
