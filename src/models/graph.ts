/**
 * The functional graph: from output SymbolicTensors back to the inputs, the nodes to run in order,
 * and the layers in Keras's order (inputs first, then by depth).
 */
import { ValueError } from '../core/errors.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/core/input.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';

export interface Graph {
  /** Nodes in an order where every node comes after the nodes it depends on. */
  nodes: Node[];
  layers: Layer[];
}

export function mapGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  const inputNodes = new Set(inputs.map((t) => t.node));
  for (const t of inputs) {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new ValueError(`Model inputs must come from Input(). Received a tensor made by layer "${t.sourceLayer.name}".`);
    }
  }
  const ordered: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const visit = (node: Node, path: string[]): void => {
    const s = state.get(node);
    if (s === 'done') return;
    if (s === 'visiting') throw new ValueError(`The graph has a cycle through layer "${node.layer.name}".`);
    state.set(node, 'visiting');
    if (node.layer instanceof InputLayer && !inputNodes.has(node)) {
      throw new ValueError(
        `Graph disconnected: cannot reach ${node.outputs[0]} (from layer "${node.layer.name}") from the model's inputs. ` +
          `It is needed by ${path.join(' <- ')}. Pass it in Model's inputs.`,
      );
    }
    for (const t of node.allInputs) visit(t.node, [node.layer.name, ...path]);
    state.set(node, 'done');
    ordered.push(node);
  };
  for (const t of outputs) visit(t.node, []);
  // Inputs that no output depends on are still part of the model (Keras keeps them).
  for (const t of inputs) if (!state.has(t.node)) ordered.unshift(t.node);

  // Layer order: the model's inputs first, in the order given, then the other layers as first reached.
  const layers: Layer[] = inputs.map((t) => t.sourceLayer);
  for (const n of ordered) if (!layers.includes(n.layer)) layers.push(n.layer);
  return { nodes: ordered, layers };
}
