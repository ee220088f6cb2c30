/**
 * What every recurrent layer shares (keras/src/layers/rnn/rnn.py RNN): the loop over timesteps,
 * return_sequences / return_state / go_backwards, initial states, the (batch, timesteps, features)
 * input contract with its fixes, output shapes and the base config. A subclass (SimpleRNN, LSTM, GRU)
 * owns its weights and gives the per-timestep computation: `stateSize`, `outputSize`, `step`.
 *
 * Keras keeps the weights on a separate cell layer; here the layer owns them directly, so a subclass is
 * the cell and the RNN in one (the weights file's `cell/vars` level is io's business).
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { SymbolicTensor } from '../symbolic.js';

export interface BaseRNNArgs extends LayerArgs {
  /** Return the output of every timestep, (batch, timesteps, units), instead of only the last. Default false. */
  returnSequences?: boolean;
  /** Also return the final state(s): `[output, ...states]`. Default false. */
  returnState?: boolean;
  /** Process the sequence from the last timestep to the first (outputs stay in processing order). Default false. */
  goBackwards?: boolean;
  /** Carry states from batch to batch. Not supported yet; only false. */
  stateful?: boolean;
  /** Accepted for Keras compatibility; it changes nothing (SimpleRNN runs the sequence in one kernel, LSTM and GRU step by step). */
  unroll?: boolean;
  /** Keras's zero_output_for_mask (only matters with masking, which kerats does not have yet). */
  zeroOutputForMask?: boolean;
}

/** Keras's `initial_state`: one tensor per state, e.g. `{ initialState: [h0] }`. */
export type InitialState = Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];

/** A recurrent layer by its duck type, so LSTM/GRU written elsewhere are recognised too. */
function isRecurrentLayer(layer: Layer): layer is Layer & { returnSequences: boolean; returnState?: boolean } {
  return typeof (layer as unknown as { returnSequences?: unknown }).returnSequences === 'boolean';
}

/** A shape as the TypeScript array a user would write: `[2, 1]`, `[null, 1]`. */
function jsShape(dims: readonly (number | null)[]): string {
  return `[${dims.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

export abstract class BaseRNN extends Layer {
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  readonly zeroOutputForMask: boolean;
  /** Where the input of the call in progress came from, for the fix in a shape error. */
  private callSource: { layer: Layer; outputIndex: number } | null = null;

  constructor(args: BaseRNNArgs = {}) {
    super(args);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.unroll = args.unroll ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    if (this.stateful) {
      throw new ValueError(
        `${this.className}: stateful=true is not supported yet. Received: stateful=true. ` +
          'Pass the last state back yourself: call the layer with returnState: true and feed the state as initialState on the next batch.',
      );
    }
    this.inputSpec = { ndim: 3 };
  }

  // ---- what a subclass gives ----

  /** Sizes of the recurrent states (Keras's cell.state_size): [units] for SimpleRNN and GRU, [units, units] for LSTM. */
  abstract get stateSize(): number[];

  /** Size of the output at each timestep (Keras's cell.output_size). */
  abstract get outputSize(): number;

  /** Creates the weights for `features` input features. */
  protected abstract buildCell(features: number): void;

  /**
   * Work done once on the whole sequence (batch, timesteps, features) before the loop; `step` then gets
   * timestep t of the result. SimpleRNN uses it to compute x W + b for all timesteps in one matmul.
   */
  protected projectInputs(sequences: Tensor): Tensor {
    return sequences;
  }

  /** One timestep: the (projected) input at t, the states -> [output, new states]. */
  protected abstract step(input: Tensor, states: Tensor[]): [Tensor, Tensor[]];

  /**
   * The whole sequence at once, when the layer has a fused op for its configuration: every output
   * (batch, timesteps, outputSize) in processing order, the last one, and the final states. The
   * default, null, runs `step` once per timestep.
   */
  protected wholeSequence(_sequences: Tensor, _states: Tensor[]): { sequence: Tensor; last: Tensor; states: Tensor[] } | null {
    return null;
  }

  // ---- the layer contract ----

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const features = shape[2];
    if (features === null || features === undefined) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}): the last axis (features) of the input must be known. Received shape: ${formatShape(shape)}.`,
      );
    }
    this.buildCell(features);
    this.inputSpec = { ndim: 3, axes: { [-1]: features } };
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    if (Array.isArray(inputs) && inputs.length !== 1) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}) takes one sequence. Received: ${inputs.length} inputs. ` +
          'Pass initial states as apply(x, { initialState: [h0] }), not as extra inputs.',
      );
    }
    const sequences = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, timesteps] = sequences.shape;
    if (timesteps === 0) {
      throw new ValueError(`Layer "${this.name}" (${this.className}) needs at least one timestep. Received input shape: ${formatShape(sequences.shape)}.`);
    }
    let states = this.initialStates(kwargs.initialState, batch);
    const whole = this.wholeSequence(sequences, states);
    if (whole) {
      const output = this.returnSequences ? whole.sequence : whole.last;
      return this.returnState ? [output, ...whole.states] : output;
    }
    const projected = this.projectInputs(sequences);
    const outputs: Tensor[] = [];
    for (let i = 0; i < timesteps; i++) {
      // Keras's backend.rnn reverses the inputs for go_backwards and keeps outputs in processing order.
      const t = this.goBackwards ? timesteps - 1 - i : i;
      const [output, next] = this.step(ops.take(projected, t, 1), states);
      outputs.push(output);
      states = next;
    }
    const output = this.returnSequences ? ops.stack(outputs, 1) : outputs[outputs.length - 1];
    return this.returnState ? [output, ...states] : output;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [batch, timesteps] = shape;
    const output: Shape = this.returnSequences ? [batch, timesteps, this.outputSize] : [batch, this.outputSize];
    return this.returnState ? [output, ...this.stateSize.map((s): Shape => [batch, s])] : output;
  }

  /** Keras's RNN.get_config keys, between the base keys and the cell's. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    };
  }

  // ---- calling ----

  /** Remembers where the input came from (for the fix in a shape error) and checks symbolic initial states. */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: Kwargs): SymbolicTensor;
  override apply(inputs: Tensor | Tensor[], kwargs?: Kwargs): Tensor;
  override apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], kwargs: Kwargs = {}): SymbolicTensor | Tensor {
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    this.callSource = first instanceof SymbolicTensor ? { layer: first.sourceLayer, outputIndex: first.outputIndex } : null;
    try {
      if (first instanceof SymbolicTensor && kwargs.initialState !== undefined) {
        const given = kwargs.initialState as InitialState;
        const list = (Array.isArray(given) ? given : [given]) as (Tensor | SymbolicTensor)[];
        this.checkInitialStateShapes(list.map((s) => s.shape), first.shape[0] ?? null);
      }
      return super.apply(inputs as SymbolicTensor, kwargs);
    } finally {
      this.callSource = null;
    }
  }

  /** The states to start from: the given initial states (checked), or zeros. */
  private initialStates(given: unknown, batch: number): Tensor[] {
    if (given === undefined || given === null) return this.stateSize.map((s) => ops.zeros([batch, s]));
    const list = Array.isArray(given) ? given : [given];
    if (list.some((s) => !(s instanceof Tensor))) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}): initialState must be a tensor or a list of tensors, one per state. Received: ${String(given)}.`,
      );
    }
    const states = list as Tensor[];
    this.checkInitialStateShapes(states.map((s) => s.shape), batch);
    return states;
  }

  private checkInitialStateShapes(shapes: readonly (readonly (number | null)[])[], batch: number | null): void {
    const want = this.stateSize.map((s) => formatShape([batch, s]));
    const ok = shapes.length === this.stateSize.length && shapes.every((shape, i) =>
      shape.length === 2 && shape[1] === this.stateSize[i] && (batch === null || shape[0] === null || shape[0] === batch));
    if (ok) return;
    const n = this.stateSize.length;
    throw new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (${this.className}) initialState`,
      expected: `${n} state${n === 1 ? '' : 's'} of shape ${want.join(', ')}`,
      received: shapes.length === 0 ? 'an empty list' : shapes.map((s) => formatShape(s)).join(', '),
      fix: `Pass initialState: [${this.stateSize.map((s) => `a tensor of shape (batch, ${s})`).join(', ')}], with the same batch size as the input.`,
    }));
  }

  /** How to fix an input that is not (batch, timesteps, features). */
  protected override inputFix(shape: Shape, spec: InputSpec): string[] {
    const source = this.callSource;
    const fixes: string[] = [];
    if (shape.length === 3 && spec.axes) {
      const built = spec.axes[-1];
      fixes.push(
        `This layer was built for ${built} features per timestep and received ${shape[2]}. ` +
          `Give it inputs of shape (batch, timesteps, ${built}), or use a new ${this.className} layer for this input.`,
      );
      return fixes;
    }
    if (shape.length === 2) {
      if (source && isRecurrentLayer(source.layer) && source.outputIndex > 0) {
        fixes.push(
          `This tensor is a final state returned by "${source.layer.name}" (returnState: true), not a sequence. ` +
            `Give this layer the first output of "${source.layer.name}" (with returnSequences: true), or pass the state as initialState.`,
        );
        return fixes;
      }
      if (source && isRecurrentLayer(source.layer) && !source.layer.returnSequences) {
        fixes.push(
          `The previous recurrent layer "${source.layer.name}" returns only its last output, shape ${formatShape(shape)}; ` +
            `pass returnSequences: true to it so that it returns the whole sequence, (None, timesteps, ${shape[1] ?? 'units'}), which this layer reads.`,
        );
        return fixes;
      }
      const n = shape[1];
      const values = n === null ? 'values' : `${n} values`;
      const intro = `Recurrent layers read input of shape (batch, timesteps, features); ${formatShape(shape)} has no timestep axis. ` +
        `To read each of the ${values} as one timestep of 1 feature,`;
      const asInput = `use Input(${jsShape([n, 1])}) and data of shape (batch, ${n ?? 'timesteps'}, 1)`;
      const asReshape = `put a Reshape(${jsShape([n ?? -1, 1])}) layer before this one`;
      if (!source) {
        fixes.push(`${intro} ${asInput}, or ${asReshape}.`);
        fixes.push('If this input comes from another recurrent layer, pass returnSequences: true to that layer so it returns the whole sequence.');
      } else if (source.layer.className === 'InputLayer') {
        fixes.push(`${intro} ${asInput}.`);
      } else {
        fixes.push(`${intro} ${asReshape}.`);
      }
      return fixes;
    }
    if (shape.length > 3) {
      const rest = shape.slice(2);
      const merged = rest.some((d) => d === null) ? -1 : rest.reduce<number>((p, d) => p * (d as number), 1);
      fixes.push(
        `Recurrent layers read input of shape (batch, timesteps, features). To read axis 1 as the timesteps, merge the other axes into one ` +
          `feature axis with a Reshape(${jsShape([shape[1] ?? -1, merged])}) layer before this one (for images (batch, rows, cols, channels): rows as timesteps).`,
      );
      return fixes;
    }
    fixes.push('Recurrent layers read input of shape (batch, timesteps, features). Use Input([timesteps, features]), e.g. Input([10, 1]) for 10 timesteps of 1 feature.');
    return fixes;
  }
}
