/**
 * Model: a functional graph of layers from `inputs` to `outputs` (Keras's Functional), with
 * compile / fit / evaluate / predict from the training module and Keras's summary().
 */
import { ValueError, ShapeError, shapeErrorMessage } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Layer, type Kwargs, type Shape } from '../layers/layer.js';
import { SymbolicTensor } from '../layers/symbolic.js';
import { InputLayer } from '../layers/core/input.js';
import { Dense } from '../layers/core/dense.js';
import { getActivation } from '../activations/index.js';
import { PLANNED_ACTIVATIONS, type DenseLink } from '../training/plan/denseChain.js';
import { describeLayer, type ChainLink } from './chain.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { mapGraph, type Graph } from './graph.js';
import { summaryText, type SummaryOptions } from './summary.js';
import type { BatchSource } from '../training/data.js';
import {
  Trainer, type CompileArgs, type FitArgs, type EvaluateArgs, type PredictArgs, type DataLike, type History,
  type TrainableModel, type BatchArgs,
} from '../training/trainer.js';

export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[];
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export class Model extends Layer implements TrainableModel {
  static override readonly className: string = 'Functional';
  protected inputTensors: SymbolicTensor[] = [];
  protected outputTensors: SymbolicTensor[] = [];
  protected graph: Graph | null = null;
  /** Whether inputs/outputs were given as lists (then predict returns a list). */
  protected inputsAsList = false;
  protected outputsAsList = false;
  private trainer: Trainer | null = null;
  /** Set by a callback to end `fit` after the current epoch (Keras's model.stop_training). */
  stopTraining = false;

  constructor(inputs?: SymbolicTensor | SymbolicTensor[] | ModelArgs, outputs?: SymbolicTensor | SymbolicTensor[],
    args: { name?: string } = {}) {
    const opts: ModelArgs = inputs && !(inputs instanceof SymbolicTensor) && !Array.isArray(inputs)
      ? inputs : { inputs: inputs as SymbolicTensor | SymbolicTensor[] | undefined, outputs, name: args.name };
    super({ name: opts.name });
    if (opts.inputs !== undefined || opts.outputs !== undefined) {
      if (opts.inputs === undefined || opts.outputs === undefined) {
        throw new ValueError('Model needs both `inputs` and `outputs`: new Model(inputs, outputs).');
      }
      this.setGraph(opts.inputs, opts.outputs);
    }
  }

  protected setGraph(inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    for (const t of [...ins, ...outs]) {
      if (!(t instanceof SymbolicTensor)) {
        throw new ValueError('Model inputs and outputs must be symbolic tensors from Input() and layer.apply().');
      }
    }
    this.inputsAsList = Array.isArray(inputs) && inputs.length > 1;
    this.outputsAsList = Array.isArray(outputs) && outputs.length > 1;
    this.inputTensors = ins;
    this.outputTensors = outs;
    this.graph = mapGraph(ins, outs);
    this.built = true;
  }

  get inputs(): SymbolicTensor[] {
    return [...this.inputTensors];
  }
  get outputs(): SymbolicTensor[] {
    return [...this.outputTensors];
  }
  /** Output names, used for per-output losses and History keys (Keras names them after the output layers). */
  get outputNames(): string[] {
    return this.outputTensors.map((t) => t.sourceLayer.name);
  }
  get inputNames(): string[] {
    return this.inputTensors.map((t) => t.sourceLayer.name);
  }

  /** The layers, in Keras's order (a functional model lists its InputLayers). */
  get layers(): Layer[] {
    return this.graph ? [...this.graph.layers] : [];
  }

  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const l = layers[nameOrIndex];
      if (!l) throw new ValueError(`Was asked to retrieve layer at index ${nameOrIndex} but model only has ${layers.length} layers.`);
      return l;
    }
    const l = layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new ValueError(`No such layer: ${nameOrIndex}. Existing layers are: [${layers.map((x) => `'${x.name}'`).join(', ')}].`);
    return l;
  }

  private uniqueVariables(pick: (l: Layer) => Variable[]): Variable[] {
    const seen = new Set<Variable>();
    const out: Variable[] = [];
    for (const l of this.layers) for (const v of pick(l)) if (!seen.has(v)) { seen.add(v); out.push(v); }
    return out;
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.uniqueVariables((l) => l.trainableWeights) : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable
      ? this.uniqueVariables((l) => l.nonTrainableWeights)
      : this.uniqueVariables((l) => l.weights);
  }
  /** All weights, layer by layer (each layer's trainable then non-trainable), as Keras's model.weights. */
  override get weights(): Variable[] {
    return this.uniqueVariables((l) => l.weights);
  }

  /** Every layer's regularization penalties (Keras's model.losses), to be added to the training loss. */
  override regularizationLosses(): Tensor[] {
    return this.layers.flatMap((l) => l.regularizationLosses());
  }

  override clearLosses(): void {
    for (const l of this.layers) l.clearLosses();
  }

  /** Projects every layer's constrained weights; the trainer calls this after each optimizer step. */
  override applyConstraints(): void {
    for (const l of this.layers) l.applyConstraints();
  }

  /**
   * The model as a chain of plain Dense layers from its one rank-2 input to its one output, for the
   * trainer's planned steps (src/training/plan/); null for any other graph, or when a layer has
   * regularizers, constraints, frozen weights or an activation the plan does not run.
   */
  denseChain(): DenseLink[] | null {
    if (!this.graph || !this.trainable || this.inputTensors.length !== 1 || this.outputTensors.length !== 1) return null;
    let current = this.inputTensors[0];
    if (current.shape.length !== 2) return null;
    const links: DenseLink[] = [];
    for (const node of this.graph.nodes) {
      if (node.layer instanceof InputLayer) {
        if (node !== current.node) return null;
        continue;
      }
      const layer = node.layer;
      // Exactly Dense: a subclass may override call().
      if (!(layer instanceof Dense) || layer.constructor !== Dense || !layer.trainable || !layer.kernel) return null;
      if (node.inputs.length !== 1 || node.inputs[0] !== current || node.outputs.length !== 1
        || Object.keys(node.kwargTensors).length > 0) return null;
      if (layer.kernelRegularizer || layer.biasRegularizer || layer.activityRegularizer || layer.kernelConstraint
        || layer.biasConstraint) return null;
      const activation = layer.activation.activationName;
      if (!PLANNED_ACTIVATIONS.includes(activation) || getActivation(activation) !== layer.activation) return null;
      if (!layer.kernel.trainable || (layer.bias && !layer.bias.trainable)) return null;
      links.push({ kernel: layer.kernel, bias: layer.bias, activation });
      current = node.outputs[0];
    }
    return current === this.outputTensors[0] && links.length > 0 ? links : null;
  }

  /**
   * The model as a chain of layers, input first, each with its per-sample input and output shapes, when it
   * is one (one input, one output, each node one tensor in and out, every shape known); null otherwise.
   * The trainer plans steps for chains whose layers it can run (src/training/plan/layerChain.ts).
   */
  layerChain(): ChainLink[] | null {
    if (!this.graph || !this.trainable || this.inputTensors.length !== 1 || this.outputTensors.length !== 1) return null;
    let current = this.inputTensors[0];
    const links: ChainLink[] = [];
    for (const node of this.graph.nodes) {
      if (node.layer instanceof InputLayer) {
        if (node !== current.node) return null;
        continue;
      }
      // Call options (Dropout called with `training`) change what a layer does: the generic path handles them.
      if (node.inputs.length !== 1 || node.inputs[0] !== current || node.outputs.length !== 1
        || Object.keys(node.kwargTensors).length > 0 || Object.keys(node.callOptions).length > 0) return null;
      const inputShape = current.shape.slice(1), outputShape = node.outputs[0].shape.slice(1);
      if (inputShape.some((d) => d === null) || outputShape.some((d) => d === null)) return null;
      links.push({ layer: describeLayer(node.layer), inputShape: inputShape as number[], outputShape: outputShape as number[] });
      current = node.outputs[0];
    }
    return current === this.outputTensors[0] && links.length > 0 ? links : null;
  }

  /** Makes sure the graph exists (a Sequential without an input shape builds here from data). */
  ensureBuilt(inputShapes?: Shape[]): void {
    void inputShapes;
    if (!this.graph) throw new ValueError(`Model "${this.name}" has no graph: create it with new Model(inputs, outputs).`);
  }

  /** Runs the graph on concrete tensors; returns one tensor per output. */
  forward(xs: Tensor[], training = false): Tensor[] {
    this.ensureBuilt(xs.map((x) => [null, ...x.shape.slice(1)]));
    const graph = this.graph!;
    if (xs.length !== this.inputTensors.length) {
      throw new ValueError(shapeErrorMessage({
        where: `Model "${this.name}"`,
        expected: `${this.inputTensors.length} input(s) (${this.inputTensors.map((t) => formatShape(t.shape)).join(', ')})`,
        received: `${xs.length} input(s)`,
        fix: `Pass a list with one array per input, in the order of model.inputs: [${this.inputNames.join(', ')}].`,
      }));
    }
    const values = new Map<SymbolicTensor, Tensor>();
    // Activity-regularization losses belong to the latest forward pass only.
    this.clearLosses();
    this.inputTensors.forEach((t, i) => {
      const x = xs[i];
      const want = t.shape;
      const ok = x.shape.length === want.length && want.every((d, j) => d === null || d === x.shape[j]);
      if (!ok) {
        throw new ShapeError(shapeErrorMessage({
          where: `Input ${i} ("${t.sourceLayer.name}") of model "${this.name}"`,
          expected: `data of shape ${formatShape(want)}`,
          received: `${formatShape(x.shape)}`,
          fix: x.shape.length === want.length - 1
            ? `Add a trailing axis of size 1, e.g. x.reshape([${[...x.shape, 1].join(', ')}]).`
            : `Reshape the data to ${formatShape(want)} (None is the batch size), or build the model with Input([${x.shape.slice(1).join(', ')}]).`,
        }));
      }
      values.set(t, x);
    });
    for (const node of graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => values.get(t)!);
      const kwargs: Kwargs = { ...node.callOptions, training };
      for (const [k, ts] of Object.entries(node.kwargTensors)) kwargs[k] = ts.map((t) => values.get(t)!);
      const out = node.layer.call(node.inputsAsList ? args : args[0], kwargs);
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((t, i) => values.set(t, outs[i]));
    }
    return this.outputTensors.map((t) => values.get(t)!);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs = {}): Tensor | Tensor[] {
    const outs = this.forward(Array.isArray(inputs) ? inputs : [inputs], kwargs.training ?? false);
    return outs.length === 1 ? outs[0] : outs;
  }

  computeOutputShape(): Shape | Shape[] {
    const shapes = this.outputTensors.map((t) => t.shape);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  override countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Prints Keras's summary table and returns it. */
  summary(options: SummaryOptions = {}): string {
    this.ensureBuilt();
    const text = summaryText(this, options);
    (options.printFn ?? console.log)(text);
    return text;
  }

  override getConfig(): Record<string, unknown> {
    const kerasTensor = (t: SymbolicTensor) => ({
      class_name: '__keras_tensor__',
      config: { shape: t.shape, dtype: 'float32', keras_history: [t.sourceLayer.name, t.node.index, t.outputIndex] },
    });
    const layers = this.layers.map((l) => {
      const s = l.serialize();
      s.name = l.name;
      s.inbound_nodes = l instanceof InputLayer ? [] : l.inboundNodes.filter((n) => this.graph!.nodes.includes(n)).map((n) => ({
        // A layer called on a list (Concatenate, Add, ...) gets that list as its one argument, as Keras writes it.
        args: n.inputsAsList ? [n.inputs.map(kerasTensor)] : n.inputs.map(kerasTensor),
        kwargs: {},
      }));
      return s;
    });
    const ref = (t: SymbolicTensor) => [t.sourceLayer.name, t.node.index, t.outputIndex];
    return {
      name: this.name,
      trainable: this.trainable,
      layers,
      input_layers: this.inputTensors.length === 1 ? ref(this.inputTensors[0]) : this.inputTensors.map(ref),
      output_layers: this.outputTensors.length === 1 ? ref(this.outputTensors[0]) : this.outputTensors.map(ref),
    };
  }

  /** Keras's `to_json()` as an object: {module, class_name, config, registered_name, build_config}. */
  toKerasConfig(): Record<string, unknown> {
    this.ensureBuilt();
    const sequential = this.className === 'Sequential';
    const shapes = this.inputTensors.map((t) => t.shape);
    return {
      module: sequential ? 'keras' : 'keras.src.models.functional',
      class_name: sequential ? 'Sequential' : 'Functional',
      config: this.getConfig(),
      registered_name: sequential ? null : 'Functional',
      build_config: { input_shape: shapes.length === 1 ? shapes[0] : shapes },
    };
  }

  /** Keras's `model.to_json()`: the architecture as JSON text (read back with `modelFromJSON`). */
  toJSON(): string {
    return JSON.stringify(this.toKerasConfig());
  }

  // ---- files (src/io does the work; imported on first use so models stay free of file formats) ----

  /** Keras's `model.save(path)`: a `.keras` file Python Keras can load. Returns the bytes. */
  async save(path?: string): Promise<Uint8Array> {
    const io = await import('../io/index.js');
    return io.saveModel(this, path);
  }

  /** Keras's `model.save_weights(path)`: a Keras 3 `.weights.h5` file. Returns the bytes. */
  async saveWeights(path?: string): Promise<Uint8Array> {
    const io = await import('../io/index.js');
    return io.saveWeights(this, path);
  }

  /** Keras's `model.load_weights(path)`: `.weights.h5`, legacy `save_weights` files, or the weights of a `.keras`/`.h5` model. */
  async loadWeights(pathOrBytes: string | Uint8Array): Promise<void> {
    const io = await import('../io/index.js');
    return io.loadWeights(this, pathOrBytes);
  }

  // ---- training (the loop lives in src/training) ----

  private requireTrainer(what: string): Trainer {
    if (!this.trainer) {
      throw new ValueError(`You must call compile() before ${what}. Example: model.compile({ optimizer: 'adam', loss: 'mse' }).`);
    }
    return this.trainer;
  }

  compile(args: CompileArgs): void {
    this.trainer = new Trainer(this, args);
  }

  get optimizer() {
    return this.trainer?.optimizer ?? null;
  }

  async fit(x: DataLike | BatchSource, y?: DataLike, args: FitArgs = {}): Promise<History> {
    return this.requireTrainer('fit()').fit(x, y, args);
  }

  evaluate(x: DataLike, y?: DataLike, args: EvaluateArgs = {}): number | number[] {
    return this.requireTrainer('evaluate()').evaluate(x, y, args);
  }

  predict(x: DataLike, args: PredictArgs = {}): Tensor | Tensor[] {
    // predict needs no compile, as in Keras.
    return (this.trainer ?? new Trainer(this, null)).predict(x, args);
  }

  /** One gradient step on one batch; returns the loss, or [loss, ...metrics] (Keras's train_on_batch). */
  trainOnBatch(x: DataLike, y: DataLike, args: BatchArgs = {}): number | number[] {
    return this.requireTrainer('trainOnBatch()').trainOnBatch(x, y, args);
  }

  /** The loss (and metrics) of one batch, without updating weights (Keras's test_on_batch). */
  testOnBatch(x: DataLike, y: DataLike, args: Omit<BatchArgs, 'classWeight'> = {}): number | number[] {
    return this.requireTrainer('testOnBatch()').testOnBatch(x, y, args);
  }

  /** Predictions for one batch (Keras's predict_on_batch). */
  predictOnBatch(x: DataLike): Tensor | Tensor[] {
    return (this.trainer ?? new Trainer(this, null)).predictOnBatch(x);
  }
}
