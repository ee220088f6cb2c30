/** A user's own layer, written as in Keras (build / call / computeOutputShape / getConfig), works everywhere a built-in does. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input, Layer, Model, Sequential, layers, modelFromJSON, ops, optimizers, randomUniform, registerLayer, setSeed, tensor,
  type Tensor, type Variable,
} from '../../src/index.js';
import type { LayerArgs } from '../../src/layers/layer.js';

/** y = x * scale + offset, one scale and offset per feature (a learnable affine map). */
class Affine extends Layer {
  static override readonly className = 'Affine';
  scale: Variable | null = null;
  offset: Variable | null = null;
  constructor(readonly initialScale = 1, args: LayerArgs = {}) {
    super(args);
  }
  override build(inputShape: (number | null)[]): void {
    const n = inputShape[inputShape.length - 1] as number;
    this.scale = this.addWeight('scale', [n], { class_name: 'Constant', config: { value: this.initialScale } });
    this.offset = this.addWeight('offset', [n], 'zeros');
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return ops.add(ops.multiply(inputs as Tensor, this.scale!), this.offset!);
  }
  computeOutputShape(inputShape: (number | null)[] | (number | null)[][]) {
    return inputShape as (number | null)[];
  }
  override getConfig() {
    return { ...super.getConfig(), initial_scale: this.initialScale };
  }
  static fromConfig(config: Record<string, unknown>): Affine {
    return new Affine(config.initial_scale as number, { name: config.name as string });
  }
}
registerLayer(Affine);

describe('custom layers', () => {
  it('work in a functional model, in summary() and in parameter counts', () => {
    const x = Input([3]);
    const model = new Model(x, new Affine(2).apply(new layers.Dense(3).apply(x)));
    const text = model.summary({ printFn: () => {} });
    assert.match(text, /affine \(Affine\)\s+\(None, 3\)\s+6/);
    assert.equal(model.countParams(), 12 + 6);
  });

  it('compute eagerly with their own weights', () => {
    const a = new Affine(3);
    assert.deepEqual(a.apply(tensor([[1, 2]])).arraySync(), [[3, 6]]);
  });

  it('train in a Sequential: y = 2x + 1 is learned by the layer itself', async () => {
    setSeed(4);
    const model = new Sequential([new Affine(1, { inputShape: [1] } as LayerArgs)]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.2 }), loss: 'mse' });
    const x = randomUniform([64, 1], -1, 1);
    const y = ops.add(ops.multiply(x, 2), 1);
    const h = await model.fit(x, y, { epochs: 150, batchSize: 16, verbose: 0 });
    assert.ok(h.history.loss[149] < 1e-3, `loss ${h.history.loss[149]}`);
    const [scale, offset] = model.layers[0].getWeights().map((w) => w.dataSync()[0]);
    assert.ok(Math.abs(scale - 2) < 0.05 && Math.abs(offset - 1) < 0.05, `scale ${scale}, offset ${offset}`);
  });

  it('round-trip through getConfig / deserialize and through a model config', () => {
    const a = new Affine(5, { name: 'aff' });
    assert.deepEqual(layers.deserialize({ class_name: 'Affine', config: a.getConfig() }).getConfig(), a.getConfig());
    const x = Input([2]);
    const model = new Model(x, new Affine(7, { name: 'aff2' }).apply(x));
    const rebuilt = modelFromJSON(model.toJSON());
    assert.equal(rebuilt.getLayer('aff2').className, 'Affine');
    assert.deepEqual((rebuilt.predict(tensor([[1, 1]])) as Tensor).arraySync(), [[7, 7]]);
  });
});
