/**
 * Symbolic tensors and nodes: what `Input` and `layer.apply` return in the functional API.
 * A SymbolicTensor knows its shape (null for the batch axis) and the node (layer call) that made it.
 */
import type { SymbolicShape } from '../core/shape.js';
import { formatShape } from '../core/shape.js';
import type { Layer } from './layer.js';

export class SymbolicTensor {
  readonly shape: SymbolicShape;
  readonly dtype = 'float32';
  /** The layer call that produced this tensor, and which of its outputs it is. */
  readonly node: Node;
  readonly outputIndex: number;
  readonly name: string;

  constructor(shape: SymbolicShape, node: Node, outputIndex: number, name: string) {
    this.shape = [...shape];
    this.node = node;
    this.outputIndex = outputIndex;
    this.name = name;
  }

  get sourceLayer(): Layer {
    return this.node.layer;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `<SymbolicTensor shape=${formatShape(this.shape)} name=${this.name}>`;
  }
}

/** One call of a layer on symbolic inputs. `kwargTensors` are symbolic tensors passed as options (initial states). */
export class Node {
  readonly layer: Layer;
  readonly inputs: SymbolicTensor[];
  readonly kwargTensors: Record<string, SymbolicTensor[]>;
  readonly callOptions: Record<string, unknown>;
  outputs: SymbolicTensor[] = [];
  /** Whether the layer was called with a list (affects how inputs are handed back to `call`). */
  readonly inputsAsList: boolean;

  constructor(layer: Layer, inputs: SymbolicTensor[], inputsAsList: boolean,
    kwargTensors: Record<string, SymbolicTensor[]> = {}, callOptions: Record<string, unknown> = {}) {
    this.layer = layer;
    this.inputs = inputs;
    this.inputsAsList = inputsAsList;
    this.kwargTensors = kwargTensors;
    this.callOptions = callOptions;
  }

  /** Every symbolic tensor this node depends on. */
  get allInputs(): SymbolicTensor[] {
    return [...this.inputs, ...Object.values(this.kwargTensors).flat()];
  }

  /** Index of this node among the layer's calls (Keras's node_index). */
  get index(): number {
    return this.layer.inboundNodes.indexOf(this);
  }
}
