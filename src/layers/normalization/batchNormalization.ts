/**
 * BatchNormalization (keras/src/layers/normalization/batch_normalization.py): in training,
 * normalize with the batch's mean and (biased) variance and move the moving statistics toward them,
 * moving = moving * momentum + batch * (1 - momentum); at inference (or when the layer is frozen,
 * trainable=false) normalize with the moving statistics.
 * out = gamma * (x - mean) / sqrt(variance + epsilon) + beta.
 */
import { ValueError } from '../../core/errors.js';
import { formatShape, normalizeAxis } from '../../core/shape.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
}

export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: InitializerIdentifier;
  readonly gammaInitializer: InitializerIdentifier;
  readonly movingMeanInitializer: InitializerIdentifier;
  readonly movingVarianceInitializer: InitializerIdentifier;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new ValueError(`BatchNormalization: \`axis\` must be an integer. Received: axis=${axis}`);
    this.axis = axis;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw new ValueError(`BatchNormalization: \`epsilon\` must be positive. Received: epsilon=${this.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = args.betaInitializer ?? 'zeros';
    this.gammaInitializer = args.gammaInitializer ?? 'ones';
    this.movingMeanInitializer = args.movingMeanInitializer ?? 'zeros';
    this.movingVarianceInitializer = args.movingVarianceInitializer ?? 'ones';
  }

  static fromConfig(config: Config): BatchNormalization {
    checkDtype(config, 'BatchNormalization');
    const init = (k: string, d: InitializerIdentifier) => (config[k] as InitializerIdentifier | undefined) ?? d;
    return new BatchNormalization({
      ...baseArgsFromConfig(config),
      axis: Array.isArray(config.axis) ? (config.axis[0] as number) : ((config.axis as number | undefined) ?? -1),
      momentum: (config.momentum as number | undefined) ?? 0.99,
      epsilon: (config.epsilon as number | undefined) ?? 1e-3,
      center: (config.center as boolean | undefined) ?? true,
      scale: (config.scale as boolean | undefined) ?? true,
      betaInitializer: init('beta_initializer', 'zeros'),
      gammaInitializer: init('gamma_initializer', 'ones'),
      movingMeanInitializer: init('moving_mean_initializer', 'zeros'),
      movingVarianceInitializer: init('moving_variance_initializer', 'ones'),
    });
  }

  private channelAxis(rank: number): number {
    if (this.axis >= rank || this.axis < -rank) {
      throw new ValueError(`Layer "${this.name}" (BatchNormalization): axis=${this.axis} is out of range for an input of rank ${rank}.`);
    }
    return normalizeAxis(this.axis, rank);
  }

  override build(inputShape: Shape): void {
    const axis = this.channelAxis(inputShape.length);
    const channels = inputShape[axis];
    if (channels === null || channels === undefined) {
      throw new ValueError(
        `Layer "${this.name}" (BatchNormalization): axis ${this.axis} of the input must have a known size. Received shape: ${formatShape(inputShape)}.`,
      );
    }
    // Keras's order: gamma, beta, moving_mean, moving_variance.
    if (this.scale) this.gamma = this.addWeight('gamma', [channels], this.gammaInitializer);
    if (this.center) this.beta = this.addWeight('beta', [channels], this.betaInitializer);
    this.movingMean = this.addWeight('moving_mean', [channels], this.movingMeanInitializer, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], this.movingVarianceInitializer, false);
    this.inputSpec = { ndim: inputShape.length, axes: { [this.axis]: channels } };
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = this.channelAxis(x.rank);
    const reductionAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    // Per-channel vectors reshaped to broadcast against x: (1, ..., C, ..., 1).
    const broadcastShape = x.shape.map((d, i) => (i === axis ? d : 1));
    const asBroadcast = (v: Tensor) => ops.reshape(v, broadcastShape);

    let mean: Tensor;
    let variance: Tensor;
    if (kwargs.training && this.trainable) {
      mean = ops.mean(x, reductionAxes, true);
      variance = ops.mean(ops.square(ops.subtract(x, mean)), reductionAxes, true);
      this.updateMovingStatistics(mean.values, variance.values);
    } else {
      mean = asBroadcast(this.movingMean!);
      variance = asBroadcast(this.movingVariance!);
    }
    let y = ops.divide(ops.subtract(x, mean), ops.sqrt(ops.add(variance, this.epsilon)));
    if (this.gamma) y = ops.multiply(y, asBroadcast(this.gamma));
    if (this.beta) y = ops.add(y, asBroadcast(this.beta));
    return y;
  }

  /** moving = moving * momentum + batch * (1 - momentum), from plain values so no gradient is recorded. */
  private updateMovingStatistics(batchMean: Float32Array, batchVariance: Float32Array): void {
    const m = this.momentum;
    const blend = (moving: Variable, batch: Float32Array) =>
      moving.assign(Float32Array.from(moving.values, (v, i) => v * m + batch[i] * (1 - m)));
    blend(this.movingMean!, batchMean);
    blend(this.movingVariance!, batchVariance);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape)];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      moving_mean_initializer: serializeInitializer(this.movingMeanInitializer),
      moving_variance_initializer: serializeInitializer(this.movingVarianceInitializer),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
      synchronized: false,
    };
  }
}
