/**
 * The layer contract (Keras 3's): constructor validates arguments, `build(inputShape)` creates weights
 * with `addWeight`, `call(inputs)` computes with ops only, `computeOutputShape` does the shape math,
 * `getConfig` returns Keras's JSON config. `apply` is Keras's `__call__`: symbolic in, symbolic out
 * (functional API); Tensor in, Tensor out (eager).
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../core/errors.js';
import { formatShape, type SymbolicShape } from '../core/shape.js';
import { Tensor, Variable } from '../tensor/tensor.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/index.js';
import { noGrad } from '../ops/grad.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers/index.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from '../constraints/index.js';
import { uniqueName, toSnakeCase } from './naming.js';
import { Node, SymbolicTensor } from './symbolic.js';

export type Shape = SymbolicShape;
export type Kwargs = Record<string, unknown> & { training?: boolean };

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Shape of one sample (no batch axis), as Keras's `input_shape`. */
  inputShape?: (number | null)[];
  batchSize?: number;
  /** Full input shape with the batch axis, as Keras's `batch_input_shape` / `batch_shape`. */
  batchInputShape?: (number | null)[];
  dtype?: string;
}

/** What a layer accepts, checked before every call (Keras's InputSpec). */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  maxNdim?: number;
  /** Required sizes for particular axes (negative counts from the end). */
  axes?: Record<number, number>;
}

/** The DTypePolicy object Keras >= 3.5 writes for every layer's `dtype`. */
export const FLOAT32_POLICY = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

export abstract class Layer {
  /** Keras's class name, as written in configs and summaries. Subclasses set it. */
  static readonly className: string = 'Layer';

  name: string;
  trainable: boolean;
  built = false;
  /** Shape with batch axis, when given through `inputShape`/`batchInputShape` (first layer of a Sequential). */
  readonly batchInputShape: SymbolicShape | null;
  inputSpec: InputSpec | InputSpec[] | null = null;
  /** Every symbolic call of this layer, in order. */
  readonly inboundNodes: Node[] = [];
  protected readonly trainableWeightsList: Variable[] = [];
  protected readonly nonTrainableWeightsList: Variable[] = [];
  /** Penalties on weights, added to the training loss (Keras's variable.regularizer). */
  private readonly weightRegularizers = new Map<Variable, Regularizer>();
  /** Projections applied after each optimizer update (Keras's variable.constraint). */
  private readonly weightConstraints = new Map<Variable, Constraint>();
  /** Losses added during the last call (activity regularization), cleared before each forward pass. */
  private readonly callLosses: Tensor[] = [];
  /** The shape `build` ran with (written as Keras's build_config). */
  private builtInputShape: SymbolicShape | SymbolicShape[] | null = null;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(toSnakeCase(this.className));
    this.trainable = args.trainable ?? true;
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
  }

  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  // ---- the contract subclasses implement ----

  /** Creates the weights. Called once, with the input shape (batch axis null in symbolic use). */
  build(inputShape: Shape | Shape[]): void {
    void inputShape;
  }

  /** The computation, with ops only. */
  abstract call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[];

  /** Output shape for an input shape (batch axis may be null). */
  abstract computeOutputShape(inputShape: Shape | Shape[], kwargs?: Kwargs): Shape | Shape[];

  /** Keras's config: `name`, `trainable`, `dtype`, then the layer's own arguments in snake_case. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: FLOAT32_POLICY };
  }

  /** A hint for a shape that does not fit `inputSpec`: how a user fixes it. */
  protected inputFix(_shape: Shape, _spec: InputSpec): string | string[] | undefined {
    return undefined;
  }

  // ---- weights ----

  addWeight(
    name: string, shape: number[], initializer: InitializerIdentifier, trainable = true,
    options: { regularizer?: RegularizerIdentifier | null; constraint?: ConstraintIdentifier | null } = {},
  ): Variable {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new ShapeError(`Layer "${this.name}" (${this.className}): cannot create weight '${name}' of shape ${formatShape(shape)}.`);
      }
    }
    const v = new Variable(getInitializer(initializer).call(shape), { name: `${this.name}/${name}`, trainable });
    (trainable ? this.trainableWeightsList : this.nonTrainableWeightsList).push(v);
    const regularizer = getRegularizer(options.regularizer);
    if (regularizer) this.weightRegularizers.set(v, regularizer);
    const constraint = getConstraint(options.constraint);
    if (constraint) this.weightConstraints.set(v, constraint);
    return v;
  }

  /** Records a loss computed during `call` (Keras's add_loss), e.g. an activity regularizer's penalty. */
  addLoss(loss: Tensor): void {
    this.callLosses.push(loss);
  }

  /** Forgets the losses of the previous call; a model does this before each forward pass. */
  clearLosses(): void {
    this.callLosses.length = 0;
  }

  /**
   * Keras's layer.losses: the penalties of the regularized trainable weights, from their current values
   * (differentiable, so the trainer adds them inside the gradient tape), then the losses of the last call.
   */
  regularizationLosses(): Tensor[] {
    const out: Tensor[] = [];
    for (const v of this.trainableWeights) {
      const r = this.weightRegularizers.get(v);
      if (r) out.push(r.call(v));
    }
    return [...out, ...this.callLosses];
  }

  /** Projects every constrained weight (Keras applies `variable.constraint` after each optimizer step). */
  applyConstraints(): void {
    if (this.weightConstraints.size === 0) return;
    noGrad(() => {
      for (const [v, c] of this.weightConstraints) v.assign(c.call(v));
    });
  }

  /** The live variables: trainable first, then non-trainable (Keras's order). */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }
  get trainableWeights(): Variable[] {
    return this.trainable ? [...this.trainableWeightsList] : [];
  }
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? [...this.nonTrainableWeightsList] : [...this.trainableWeightsList, ...this.nonTrainableWeightsList];
  }

  /** Copies of the weights, in Keras's layout and order. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => new Tensor(Float32Array.from(v.values), v.shape));
  }

  setWeights(weights: (Tensor | Float32Array | number[])[]): void {
    const own = this.weights;
    if (weights.length !== own.length) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}) expects ${own.length} weights (${own.map((v) => formatShape(v.shape)).join(', ')}). Received: ${weights.length}.`,
      );
    }
    own.forEach((v, i) => {
      const w = weights[i];
      if (w instanceof Tensor && (w.shape.length !== v.shape.length || w.shape.some((d, j) => d !== v.shape[j]))) {
        throw new ShapeError(
          `Layer "${this.name}" (${this.className}): weight ${i} ('${v.name}') has shape ${formatShape(v.shape)}. Received: ${formatShape(w.shape)}.`,
        );
      }
      v.assign(w instanceof Tensor ? w.values : Float32Array.from(w));
    });
  }

  countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  // ---- calling ----

  /** Runs `build` once, for the given input shape. */
  maybeBuild(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
    this.builtInputShape = inputShape;
  }

  /** Checks shapes against `inputSpec`; throws Keras's message plus a fix. */
  assertInputCompatibility(shapes: Shape[]): void {
    if (!this.inputSpec) return;
    const specs = Array.isArray(this.inputSpec) ? this.inputSpec : [this.inputSpec];
    specs.forEach((spec, i) => {
      const shape = shapes[i];
      if (!shape) return;
      const prefix = `Input ${i} of layer "${this.name}" (${this.className}) is incompatible with the layer`;
      const fail = (expected: string, found: string) => {
        throw new ShapeError(shapeErrorMessage({
          where: prefix,
          expected,
          received: `${found}; full shape received: ${formatShape(shape)}`,
          fix: this.inputFix(shape, spec),
        }));
      };
      if (spec.ndim !== undefined && shape.length !== spec.ndim) fail(`ndim=${spec.ndim}`, `ndim=${shape.length}`);
      if (spec.minNdim !== undefined && shape.length < spec.minNdim) fail(`min_ndim=${spec.minNdim}`, `ndim=${shape.length}`);
      if (spec.maxNdim !== undefined && shape.length > spec.maxNdim) fail(`max_ndim=${spec.maxNdim}`, `ndim=${shape.length}`);
      for (const [k, size] of Object.entries(spec.axes ?? {})) {
        const axis = Number(k) < 0 ? shape.length + Number(k) : Number(k);
        const actual = shape[axis];
        if (actual !== null && actual !== undefined && actual !== size) {
          fail(`axis ${k} of input shape to have value ${size}`, `value ${actual}`);
        }
      }
    });
  }

  /**
   * Keras's `__call__`. On SymbolicTensors: checks shapes, builds, records a node and returns symbolic
   * outputs. On Tensors: builds if needed and computes now.
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: Kwargs): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], kwargs?: Kwargs): Tensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], kwargs: Kwargs = {}): SymbolicTensor | Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new ValueError(`Layer "${this.name}" (${this.className}) was called with no inputs.`);
    if (list.every((t) => t instanceof SymbolicTensor)) {
      return this.applySymbolic(list as SymbolicTensor[], Array.isArray(inputs), kwargs) as unknown as SymbolicTensor;
    }
    if (list.some((t) => t instanceof SymbolicTensor)) {
      throw new ValueError(`Layer "${this.name}" (${this.className}) was called with a mix of symbolic and concrete tensors.`);
    }
    const tensors = list as Tensor[];
    const shapes = tensors.map((t) => [null, ...t.shape.slice(1)] as Shape);
    this.assertInputCompatibility(shapes);
    this.maybeBuild(Array.isArray(inputs) ? shapes : shapes[0]);
    return this.call(Array.isArray(inputs) ? tensors : tensors[0], kwargs) as Tensor;
  }

  private applySymbolic(inputs: SymbolicTensor[], asList: boolean, kwargs: Kwargs): SymbolicTensor | SymbolicTensor[] {
    const shapes = inputs.map((t) => t.shape);
    this.assertInputCompatibility(shapes);
    const shapeArg = asList ? shapes : shapes[0];
    this.maybeBuild(shapeArg);
    const kwargTensors: Record<string, SymbolicTensor[]> = {};
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(kwargs)) {
      if (v instanceof SymbolicTensor) kwargTensors[k] = [v];
      else if (Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof SymbolicTensor)) kwargTensors[k] = v;
      else options[k] = v;
    }
    const out = this.computeOutputShape(shapeArg, kwargs);
    const node = new Node(this, inputs, asList, kwargTensors, options);
    const outShapes = (isShapeList(out) ? out : [out]) as Shape[];
    node.outputs = outShapes.map((s, i) => new SymbolicTensor(s, node, i, outShapes.length > 1 ? `${this.name}/${i}` : this.name));
    this.inboundNodes.push(node);
    return isShapeList(out) ? node.outputs : node.outputs[0];
  }

  /** The output shape of the layer's last call, as Keras's `layer.output_shape`. */
  get outputShape(): Shape | Shape[] {
    const node = this.inboundNodes[this.inboundNodes.length - 1];
    if (!node) throw new ValueError(`Layer "${this.name}" has never been called, so it has no defined output shape.`);
    return node.outputs.length === 1 ? node.outputs[0].shape : node.outputs.map((o) => o.shape);
  }

  /** Keras's serialized form: {module, class_name, config, registered_name}. */
  serialize(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      module: 'keras.layers',
      class_name: this.className,
      config: this.getConfig(),
      registered_name: null,
    };
    if (this.builtInputShape !== null) out.build_config = { input_shape: this.builtInputShape };
    return out;
  }
}

/** True when a computeOutputShape result is a list of shapes rather than one shape. */
export function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return s.length > 0 && Array.isArray(s[0]);
}
