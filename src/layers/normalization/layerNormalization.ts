/**
 * LayerNormalization (keras/src/layers/normalization/layer_normalization.py): normalize each sample
 * over `axis` with its own mean and (biased) variance, then gamma * x_hat + beta; gamma and beta have
 * the shape of the normalized axes. With rms_scaling: x * gamma / sqrt(var(x) + epsilon), no beta.
 */
import { ValueError } from '../../core/errors.js';
import { formatShape, normalizeAxis } from '../../core/shape.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  rmsScaling?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
}

export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  /** As given; like Keras, an integer becomes a one-element list once built (so built configs say [-1]). */
  axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  readonly betaInitializer: InitializerIdentifier;
  readonly gammaInitializer: InitializerIdentifier;
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const list = Array.isArray(axis) ? axis : [axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new ValueError(`Expected an int or a list/tuple of ints for the argument 'axis'. Received: axis=${JSON.stringify(axis)}`);
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.rmsScaling = args.rmsScaling ?? false;
    this.betaInitializer = args.betaInitializer ?? 'zeros';
    this.gammaInitializer = args.gammaInitializer ?? 'ones';
  }

  static fromConfig(config: Config): LayerNormalization {
    checkDtype(config, 'LayerNormalization');
    return new LayerNormalization({
      ...baseArgsFromConfig(config),
      axis: (config.axis as number | number[] | undefined) ?? -1,
      epsilon: (config.epsilon as number | undefined) ?? 1e-3,
      center: (config.center as boolean | undefined) ?? true,
      scale: (config.scale as boolean | undefined) ?? true,
      rmsScaling: (config.rms_scaling as boolean | undefined) ?? false,
      betaInitializer: (config.beta_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      gammaInitializer: (config.gamma_initializer as InitializerIdentifier | undefined) ?? 'ones',
    });
  }

  private axes(rank: number): number[] {
    const list = Array.isArray(this.axis) ? this.axis : [this.axis];
    for (const a of list) {
      if (a >= rank || a < -rank) {
        throw new ValueError(`Axis ${a} is out of bounds for input of rank ${rank} (layer "${this.name}", LayerNormalization). Ensure axis is within the range of input dimensions.`);
      }
    }
    return list.map((a) => normalizeAxis(a, rank));
  }

  override build(inputShape: Shape): void {
    const axes = this.axes(inputShape.length);
    const shape = axes.map((a) => inputShape[a]);
    if (shape.some((d) => d === null || d === undefined)) {
      throw new ValueError(
        `Layer "${this.name}" (LayerNormalization): the normalized axes ${JSON.stringify(this.axis)} must have known sizes. Received shape: ${formatShape(inputShape)}.`,
      );
    }
    if (this.scale || this.rmsScaling) this.gamma = this.addWeight('gamma', shape as number[], this.gammaInitializer);
    if (this.center && !this.rmsScaling) this.beta = this.addWeight('beta', shape as number[], this.betaInitializer);
    if (!Array.isArray(this.axis)) this.axis = [this.axis];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axes = this.axes(x.rank);
    const broadcastShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const asBroadcast = (v: Tensor) => ops.reshape(v, broadcastShape);
    const mean = ops.mean(x, axes, true);
    const variance = ops.mean(ops.square(ops.subtract(x, mean)), axes, true);
    const inv = ops.reciprocal(ops.sqrt(ops.add(variance, this.epsilon)));
    if (this.rmsScaling) return ops.multiply(ops.multiply(x, inv), asBroadcast(this.gamma!));
    let y = ops.multiply(ops.subtract(x, mean), inv);
    if (this.gamma) y = ops.multiply(y, asBroadcast(this.gamma));
    if (this.beta) y = ops.add(y, asBroadcast(this.beta));
    return y;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    this.axes(s.length);
    return [...s];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}
