/**
 * Bidirectional (keras/src/layers/rnn/bidirectional.py): a forward copy and a go_backwards copy of a
 * recurrent layer, both rebuilt from its config (fresh weights, named forward_<name> and
 * backward_<name>), run on the same sequence. With return_sequences the backward output is flipped back
 * in time before merging, so step t of both halves describes input step t. Weights: forward, then backward.
 */
import { ShapeError, ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, isShapeList, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { deserialize, type LayerClass } from '../registry.js';
import { ConfigReader } from '../convolutional/convArgs.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalArgs extends LayerArgs {
  /** How forward and backward outputs combine (default 'concat'); null returns both as a list. */
  mergeMode?: MergeMode;
  /** A layer for the backward direction (goBackwards true, same returnSequences/returnState as `layer`). */
  backwardLayer?: Layer;
}

/** What Bidirectional needs of the wrapped layer (Keras: go_backwards, return_sequences, return_state attributes). */
type SequenceLayer = Layer & { goBackwards: boolean; returnSequences: boolean; returnState: boolean; stateful?: boolean };

function isSequenceLayer(layer: Layer): layer is SequenceLayer {
  const l = layer as unknown as Record<string, unknown>;
  return typeof l.goBackwards === 'boolean' && typeof l.returnSequences === 'boolean' && typeof l.returnState === 'boolean';
}

/** A fresh layer from `layer`'s config with some keys replaced (Keras's serialize -> edit -> deserialize). */
function copyWith(layer: Layer, changes: Record<string, unknown>): SequenceLayer {
  const cls = layer.constructor as unknown as LayerClass;
  if (typeof cls.fromConfig !== 'function') {
    throw new ValueError(`Bidirectional: layer "${layer.name}" (${layer.className}) needs a static fromConfig(config) so it can be copied for each direction.`);
  }
  return cls.fromConfig({ ...layer.getConfig(), ...changes }) as SequenceLayer;
}

const withoutPrefix = (name: string, prefix: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);

export class Bidirectional extends Layer {
  static override readonly className = 'Bidirectional';
  readonly forwardLayer: SequenceLayer;
  readonly backwardLayer: SequenceLayer;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;

  constructor(layer: Layer, args: BidirectionalArgs = {}) {
    if (!(layer instanceof Layer)) {
      throw new ValueError(`Please initialize \`Bidirectional\` layer with a \`keras.layers.Layer\` instance. Received: ${String(layer)}`);
    }
    if (!isSequenceLayer(layer)) {
      throw new ValueError(
        `Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN) with goBackwards, returnSequences and returnState. Received: ${layer.className} "${layer.name}".`,
      );
    }
    if (args.backwardLayer !== undefined && !(args.backwardLayer instanceof Layer && isSequenceLayer(args.backwardLayer))) {
      throw new ValueError(`\`backward_layer\` need to be a \`keras.layers.Layer\` instance. Received: ${String(args.backwardLayer)}`);
    }
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!['sum', 'mul', 'ave', 'concat', null].includes(mergeMode)) {
      throw new ValueError(`Invalid merge mode. Received: ${String(mergeMode)}. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`);
    }
    super(args);
    this.forwardLayer = copyWith(layer, { name: `forward_${withoutPrefix(layer.name, 'forward_')}` });
    this.backwardLayer = args.backwardLayer as SequenceLayer | undefined ??
      copyWith(layer, { name: `backward_${withoutPrefix(layer.name, 'backward_')}`, go_backwards: !layer.goBackwards });
    this.verifyLayers();
    this.mergeMode = mergeMode;
    this.returnSequences = layer.returnSequences;
    this.returnState = layer.returnState;
    this.inputSpec = layer.inputSpec;
  }

  /** Keras's _verify_layer_config. */
  private verifyLayers(): void {
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      throw new ValueError(
        'Forward layer and backward layer should have different `go_backwards` value. ' +
          `Received: forward_layer.go_backwards ${f.goBackwards}, backward_layer.go_backwards=${b.goBackwards}. ` +
          'Fix: create the backward layer with goBackwards: true.',
      );
    }
    for (const [key, a] of [['stateful', 'stateful'], ['return_sequences', 'returnSequences'], ['return_state', 'returnState']] as const) {
      const fv = (f as unknown as Record<string, unknown>)[a] ?? false;
      const bv = (b as unknown as Record<string, unknown>)[a] ?? false;
      if (fv !== bv) {
        throw new ValueError(
          `Forward layer and backward layer are expected to have the same value for attribute "${key}", got "${String(fv)}" for forward layer and "${String(bv)}" for backward layer`,
        );
      }
    }
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string | string[] | undefined {
    // The wrapped layer knows best how to fix a sequence input (BaseRNN's hints).
    return (this.forwardLayer as unknown as { inputFix(s: Shape, sp: InputSpec): string | string[] | undefined }).inputFix(shape, spec);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (isShapeList(inputShape) ? inputShape[0] : inputShape) as Shape;
    this.forwardLayer.maybeBuild(shape);
    this.backwardLayer.maybeBuild(shape);
    this.inputSpec = this.forwardLayer.inputSpec;
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const { initialState, ...rest } = kwargs;
    let forwardKwargs: Kwargs = rest;
    let backwardKwargs: Kwargs = rest;
    if (initialState !== undefined && initialState !== null) {
      // Keras: the first half of initial_state goes to the forward layer, the second half to the backward one.
      const states = (Array.isArray(initialState) ? initialState : [initialState]) as Tensor[];
      if (states.length % 2 !== 0) {
        throw new ShapeError(
          `Layer "${this.name}" (Bidirectional): initialState holds the forward states then the backward states, so its length must be even. Received: ${states.length} tensors.`,
        );
      }
      const half = states.length / 2;
      forwardKwargs = { ...rest, initialState: states.slice(0, half) };
      backwardKwargs = { ...rest, initialState: states.slice(half) };
    }
    const yOut = this.forwardLayer.apply(x, forwardKwargs) as Tensor | Tensor[];
    const yRevOut = this.backwardLayer.apply(x, backwardKwargs) as Tensor | Tensor[];
    let y = Array.isArray(yOut) ? yOut[0] : yOut;
    let yRev = Array.isArray(yRevOut) ? yRevOut[0] : yRevOut;
    const states = this.returnState ? [...(yOut as Tensor[]).slice(1), ...(yRevOut as Tensor[]).slice(1)] : [];
    if (this.returnSequences) yRev = ops.reverse(yRev, 1);
    let merged: Tensor[];
    switch (this.mergeMode) {
      case 'concat': merged = [ops.concatenate([y, yRev], -1)]; break;
      case 'sum': merged = [ops.add(y, yRev)]; break;
      case 'ave': merged = [ops.divide(ops.add(y, yRev), 2)]; break;
      case 'mul': merged = [ops.multiply(y, yRev)]; break;
      default: merged = [y, yRev];
    }
    y = merged[0];
    const outputs = [...merged, ...states];
    return outputs.length === 1 ? y : outputs;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (isShapeList(inputShape) ? inputShape[0] : inputShape) as Shape;
    const forward = this.forwardLayer.computeOutputShape(shape);
    let output = (this.returnState ? (forward as Shape[])[0] : forward) as Shape;
    const stateShapes = this.returnState ? (forward as Shape[]).slice(1) : [];
    if (this.mergeMode === 'concat') {
      const last = output[output.length - 1];
      output = [...output.slice(0, -1), last === null ? null : last * 2];
    }
    const outputs = this.mergeMode === null ? [output, output] : [output];
    const all = [...outputs, ...stateShapes, ...stateShapes];
    return all.length === 1 ? all[0] : all;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }

  override get nonTrainableWeights(): Variable[] {
    if (!this.trainable) return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
    return [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights];
  }

  // The two directions are not in the model's layer list, so their penalties and constraints go through the wrapper.
  override regularizationLosses(): Tensor[] {
    const own = super.regularizationLosses();
    return this.trainable ? [...own, ...this.forwardLayer.regularizationLosses(), ...this.backwardLayer.regularizationLosses()] : own;
  }

  override clearLosses(): void {
    super.clearLosses();
    this.forwardLayer.clearLosses();
    this.backwardLayer.clearLosses();
  }

  override applyConstraints(): void {
    this.forwardLayer.applyConstraints();
    this.backwardLayer.applyConstraints();
  }

  /** Keras 3's Bidirectional.get_config: base keys, merge_mode, layer (the forward copy), backward_layer. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: this.forwardLayer.serialize(),
      backward_layer: this.backwardLayer.serialize(),
    };
  }

  static fromConfig(config: Record<string, unknown>): Bidirectional {
    const c = new ConfigReader('Bidirectional', config);
    const layerConfig = c.raw('layer') as { class_name: string; config?: Record<string, unknown> } | undefined;
    if (!layerConfig || typeof layerConfig !== 'object') {
      throw new ValueError(`Bidirectional.fromConfig: the config needs \`layer\`, the serialized recurrent layer. Received keys: ${Object.keys(c.config).join(', ')}.`);
    }
    const backward = c.raw('backward_layer') as { class_name: string; config?: Record<string, unknown> } | null | undefined;
    const mergeMode = c.raw('merge_mode');
    return new Bidirectional(deserialize(layerConfig), {
      ...c.layerArgs(),
      mergeMode: mergeMode === undefined ? undefined : (mergeMode as MergeMode),
      backwardLayer: backward ? deserialize(backward) : undefined,
    });
  }
}
