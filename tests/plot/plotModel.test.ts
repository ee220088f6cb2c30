import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Sequential, layers, plotModel, clearSession } from '../../src/index.js';
import { checkXml, svgTexts } from './xml.js';

/** The seed's deconv net: (10, 3, 1) -> (12, 10, 1). */
function deconvNet(): Model {
  const inp = Input([10, 3, 1]);
  let x = new layers.Conv2D(2, [2, 2]).apply(inp);
  x = new layers.Conv2D(4, [2, 2]).apply(x);
  x = new layers.Conv2DTranspose(4, [3, 4]).apply(x);
  x = new layers.Conv2DTranspose(2, [2, 4]).apply(x);
  const out = new layers.Conv2DTranspose(1, [2, 4]).apply(x);
  return new Model(inp, out);
}

/** Two outputs from one trunk: the seed's "second output" question. */
function twoOutputModel(): Model {
  const inp = Input([10, 3], { name: 'grid' });
  const trunk = new layers.Dense(50, { activation: 'relu', name: 'trunk' }).apply(inp);
  const matrix = new layers.Dense(12, { name: 'matrix' }).apply(trunk);
  const flat = new layers.Flatten({ name: 'flat' }).apply(trunk);
  const position = new layers.Dense(10, { activation: 'softmax', name: 'position' }).apply(flat);
  return new Model(inp, [matrix, position]);
}

const edges = (svg: string) => [...svg.matchAll(/data-from="([^"]*)" data-to="([^"]*)"/g)].map((m) => `${m[1]}->${m[2]}`).sort();

describe('plotModel', () => {
  it("draws the seed's deconv net as well-formed SVG with every layer name and the shapes from the seed's summary", () => {
    clearSession();
    const svg = plotModel(deconvNet(), { showShapes: true });
    assert.equal(checkXml(svg)[0], 'svg');
    const texts = svgTexts(svg);
    for (const title of ['input_layer (InputLayer)', 'conv2d (Conv2D)', 'conv2d_1 (Conv2D)', 'conv2d_transpose (Conv2DTranspose)',
      'conv2d_transpose_1 (Conv2DTranspose)', 'conv2d_transpose_2 (Conv2DTranspose)']) {
      assert.ok(texts.includes(title), `missing ${title}`);
    }
    // Output shapes as Keras printed them in the seed's summary.
    for (const shape of ['(None, 10, 3, 1)', '(None, 9, 2, 2)', '(None, 8, 1, 4)', '(None, 10, 4, 4)', '(None, 11, 7, 2)', '(None, 12, 10, 1)']) {
      assert.ok(texts.includes(shape), `missing ${shape}`);
    }
  });

  it('connects each layer to the layers whose outputs it reads, as a chain for the deconv net', () => {
    clearSession();
    assert.deepEqual(edges(plotModel(deconvNet())), [
      'conv2d->conv2d_1', 'conv2d_1->conv2d_transpose', 'conv2d_transpose->conv2d_transpose_1',
      'conv2d_transpose_1->conv2d_transpose_2', 'input_layer->conv2d',
    ]);
  });

  it('draws a branching model with two outputs: one box per layer and both branches', () => {
    const svg = plotModel(twoOutputModel(), { showShapes: true });
    checkXml(svg);
    assert.equal((svg.match(/class="layer"/g) ?? []).length, 5);
    assert.deepEqual(edges(svg), ['flat->position', 'grid->trunk', 'trunk->flat', 'trunk->matrix']);
    const texts = svgTexts(svg);
    for (const t of ['grid (InputLayer)', 'trunk (Dense)', 'matrix (Dense)', 'flat (Flatten)', 'position (Dense)',
      '(None, 10, 3)', '(None, 10, 50)', '(None, 10, 12)', '(None, 500)', '(None, 10)']) {
      assert.ok(texts.includes(t), `missing ${t}`);
    }
  });

  it("draws a Sequential's InputLayer, which model.layers leaves out", () => {
    const model = new Sequential([new layers.Dense(50, { inputShape: [10, 3], name: 'd1' }), new layers.Dense(10, { name: 'd2' })]);
    const svg = plotModel(model, { showShapes: true });
    assert.equal(model.layers.length, 2);
    assert.equal((svg.match(/class="layer"/g) ?? []).length, 3);
    const input = model.inputs[0].sourceLayer.name;
    assert.deepEqual(edges(svg), [`${input}->d1`, 'd1->d2'].sort());
  });

  it('escapes layer names that hold XML characters', () => {
    const inp = Input([4], { name: 'in' });
    const out = new layers.Dense(2, { name: `a<b>&"c'` }).apply(inp);
    const svg = plotModel(new Model(inp, out), { showShapes: true });
    checkXml(svg);
    assert.ok(svgTexts(svg).includes(`a<b>&"c' (Dense)`));
  });

  it('leaves shapes out unless showShapes is set, and names out when showLayerNames is false', () => {
    clearSession();
    const plain = svgTexts(plotModel(deconvNet()));
    assert.ok(!plain.some((t) => t.startsWith('(None')));
    const classesOnly = svgTexts(plotModel(deconvNet(), { showLayerNames: false }));
    assert.ok(classesOnly.includes('Conv2DTranspose'));
    assert.ok(!classesOnly.some((t) => t.includes('conv2d_transpose')));
  });
});
