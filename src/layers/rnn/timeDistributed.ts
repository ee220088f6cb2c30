/**
 * TimeDistributed: applies one layer to every timestep of (batch, timesteps, ...)
 * (keras/src/layers/rnn/time_distributed.py). Keras loops over timesteps; here time is folded into the
 * batch axis, (batch * timesteps, ...), which is the same computation for layers that treat samples
 * independently (all kerats layers outside training-mode BatchNormalization, whose batch statistics
 * would then span all timesteps together). The weights are the inner layer's, shared by all timesteps.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, isShapeList, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { deserialize } from '../registry.js';
import { ConfigReader } from '../convolutional/convArgs.js';

export class TimeDistributed extends Layer {
  static override readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    if (!(layer instanceof Layer)) {
      throw new ValueError(`Please initialize \`TimeDistributed\` layer with a \`keras.layers.Layer\` instance. Received: ${String(layer)}`);
    }
    super(args);
    this.layer = layer;
    this.inputSpec = { minNdim: 3 };
  }

  protected override inputFix(shape: Shape): string {
    return `TimeDistributed applies "${this.layer.name}" to each step of (batch, timesteps, ...); the input ${formatShape(shape)} has no timesteps axis. ` +
      `Use Input([timesteps, ${shape.slice(1).map((d) => d ?? 'null').join(', ') || 'features'}]), or call "${this.layer.name}" directly without TimeDistributed.`;
  }

  /** (batch, timesteps, ...rest) -> (batch, ...rest), the shape the inner layer sees. */
  private childInputShape(inputShape: Shape): Shape {
    if (inputShape.length < 3) {
      throw new ShapeError(shapeErrorMessage({
        where: `Layer "${this.name}" (TimeDistributed)`,
        expected: 'an input with at least 3 dimensions (batch, timesteps, ...)',
        received: `input_shape=${formatShape(inputShape)}`,
        fix: this.inputFix(inputShape),
      }));
    }
    return [inputShape[0], ...inputShape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const child = this.childInputShape(inputShape as Shape);
    this.layer.assertInputCompatibility([child]);
    this.layer.maybeBuild(child);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, timesteps, ...rest] = x.shape;
    const y = this.layer.apply(ops.reshape(x, [batch * timesteps, ...rest]), kwargs);
    if (Array.isArray(y)) throw new ValueError(`TimeDistributed: the inner layer "${this.layer.name}" must return one tensor.`);
    return ops.reshape(y, [batch, timesteps, ...y.shape.slice(1)]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    const out = this.layer.computeOutputShape(this.childInputShape(s));
    if (isShapeList(out)) throw new ValueError(`TimeDistributed: the inner layer "${this.layer.name}" must return one tensor.`);
    return [out[0], s[1], ...(out as Shape).slice(1)];
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }

  // The inner layer is not in the model's layer list, so its penalties and constraints go through the wrapper.
  override regularizationLosses(): Tensor[] {
    return this.trainable ? [...super.regularizationLosses(), ...this.layer.regularizationLosses()] : super.regularizationLosses();
  }

  override clearLosses(): void {
    super.clearLosses();
    this.layer.clearLosses();
  }

  override applyConstraints(): void {
    this.layer.applyConstraints();
  }

  /** Keras's Wrapper.get_config: the base keys, then the serialized inner layer. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: this.layer.serialize() };
  }

  static fromConfig(config: Record<string, unknown>): TimeDistributed {
    const c = new ConfigReader('TimeDistributed', config);
    const inner = c.raw('layer') as { class_name: string; config?: Record<string, unknown> } | undefined;
    if (!inner || typeof inner !== 'object') {
      throw new ValueError(`TimeDistributed.fromConfig: the config needs \`layer\`, the serialized inner layer. Received keys: ${Object.keys(c.config).join(', ')}.`);
    }
    return new TimeDistributed(deserialize(inner), c.layerArgs());
  }
}
