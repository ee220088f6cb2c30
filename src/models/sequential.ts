/**
 * Sequential: a stack of single-input, single-output layers. Built as a functional graph as soon as
 * the input shape is known (from `inputShape` on the first layer, an `Input`, or the first data seen),
 * so shape errors surface at `add()` time, as in Keras.
 */
import { ValueError } from '../core/errors.js';
import { FLOAT32_POLICY, Layer, type Shape } from '../layers/layer.js';
import { Input, InputLayer } from '../layers/core/input.js';
import { SymbolicTensor } from '../layers/symbolic.js';
import { Model } from './model.js';

export class Sequential extends Model {
  static override readonly className: string = 'Sequential';
  private stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;

  constructor(layers: (Layer | SymbolicTensor)[] | { layers?: (Layer | SymbolicTensor)[]; name?: string } = [], args: { name?: string } = {}) {
    const opts = Array.isArray(layers) ? { layers, name: args.name } : layers;
    super({ name: opts.name });
    for (const l of opts.layers ?? []) this.add(l);
  }

  /** Adds a layer (or an `Input(...)` as the first item). */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.sourceLayer instanceof InputLayer) || this.stack.length > 0 || this.inputLayer) {
        throw new ValueError('Only an Input() can be added to a Sequential as a tensor, and only as its first item.');
      }
      this.inputLayer = layer.sourceLayer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new ValueError(`Only instances of Layer can be added to a Sequential model. Received: ${String(layer)}.`);
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new ValueError('An InputLayer can only be the first layer of a Sequential.');
      this.inputLayer = layer;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ValueError(`All layers added to a Sequential model should have unique names. Name "${layer.name}" is already the name of a layer in this model.`);
    }
    if (this.stack.length === 0 && !this.inputLayer && layer.batchInputShape) {
      this.inputLayer = Input(layer.batchInputShape.slice(1), { batchShape: layer.batchInputShape }).sourceLayer as InputLayer;
    }
    this.stack.push(layer);
    if (this.inputLayer) this.rebuild();
  }

  /** Removes the last layer. */
  pop(): void {
    if (this.stack.length === 0) throw new ValueError('There are no layers in the model.');
    this.stack.pop();
    if (this.inputLayer && this.stack.length) this.rebuild();
    else { this.graph = null; this.built = false; }
  }

  private rebuild(): void {
    let x: SymbolicTensor = this.inputLayer!.output;
    for (const layer of this.stack) x = layer.apply(x);
    this.setGraph(this.inputLayer!.output, x);
  }

  /** Builds from an input shape (with batch axis), as Keras's model.build(input_shape). */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (!this.inputLayer) this.inputLayer = Input(shape.slice(1), { batchShape: [null, ...shape.slice(1)] }).sourceLayer as InputLayer;
    if (this.stack.length) this.rebuild();
  }

  override ensureBuilt(inputShapes?: Shape[]): void {
    if (this.graph) return;
    if (this.stack.length === 0) throw new ValueError(`Sequential model "${this.name}" has no layers. Add layers with model.add(...).`);
    if (!inputShapes) {
      throw new ValueError(
        `Sequential model "${this.name}" has not been built yet: its input shape is unknown. ` +
          'Give the first layer an input shape (e.g. new layers.Dense(50, { inputShape: [10, 3] })), start with model.add(Input([10, 3])), or call fit/predict first.',
      );
    }
    this.build(inputShapes[0]);
  }

  /** The layers, without the InputLayer (as Keras's Sequential.layers). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  override getConfig(): Record<string, unknown> {
    const layers: Record<string, unknown>[] = [];
    if (this.inputLayer) layers.push(this.inputLayer.serialize());
    for (const l of this.stack) layers.push(l.serialize());
    const out: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: FLOAT32_POLICY, layers };
    if (this.inputLayer) out.build_input_shape = this.inputLayer.batchShape;
    return out;
  }
}
