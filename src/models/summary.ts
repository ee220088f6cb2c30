/**
 * Keras's model.summary() table, in the tf.keras <= 2.6 format the seed shows (keras/utils/layer_utils.py
 * print_summary): a 65-wide table for sequential-like models, 98-wide with "Connected to" otherwise;
 * fields are cut at their column (the seed's "conv2d_transpose_46 (Conv2DT"), rows separated by '_'.
 */
import { formatShape } from '../core/shape.js';
import type { Layer, Shape } from '../layers/layer.js';
import { InputLayer } from '../layers/core/input.js';
import type { Node } from '../layers/symbolic.js';
import { explain, formatExplanation } from '../explain/explain.js';

export interface SummaryOptions {
  lineLength?: number;
  /** Column end positions, as fractions of lineLength (<= 1) or absolute. */
  positions?: number[];
  printFn?: (line: string) => void;
  /** Add, under the table, how each layer's output shape and parameter count follow from its input. */
  explain?: boolean;
}

/** What summary needs of a model. */
export interface SummarizableModel {
  name: string;
  layers: Layer[];
  inputs: { node: Node }[];
  outputs: { node: Node }[];
  trainableWeights: { size: number }[];
  nonTrainableWeights: { size: number }[];
  className: string;
}

/** Old print_row: each field is appended, cut at its column's end, and padded to it. */
function row(fields: string[], positions: number[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line = line.slice(0, -1) + ' ';
    line += fields[i];
    line = line.slice(0, positions[i]);
    line += ' '.repeat(Math.max(0, positions[i] - line.length));
  }
  return line;
}

/** Keras 2's layer.output_shape as Python prints it: a tuple, a list of tuples, or 'multiple'. */
function outputShapeText(layer: Layer): string {
  const nodes = layer.inboundNodes;
  if (nodes.length === 0) return 'multiple';
  const shapes = nodes.map((n) => n.outputs.map((o) => o.shape));
  const first = JSON.stringify(shapes[0]);
  if (shapes.some((s) => JSON.stringify(s) !== first)) return 'multiple';
  const outs = shapes[0];
  // tf.keras 2.4-2.6 reports an InputLayer's shape as a one-item list.
  if (layer instanceof InputLayer || outs.length > 1) return `[${outs.map((s: Shape) => formatShape(s)).join(', ')}]`;
  return formatShape(outs[0]);
}

/** Keras treats a graph as sequential-like when every depth holds one node with one input. */
function isSequentialLike(model: SummarizableModel, nodes: Node[]): boolean {
  if (model.className === 'Sequential') return true;
  const consumers = new Map<Node, Node[]>();
  for (const n of nodes) for (const t of n.allInputs) {
    const list = consumers.get(t.node) ?? [];
    list.push(n);
    consumers.set(t.node, list);
  }
  for (const n of nodes) {
    if (n.allInputs.length > 1) return false;
    if ((consumers.get(n)?.length ?? 0) > 1) return false;
  }
  return model.inputs.length === 1 && model.outputs.length === 1;
}

function relevantNodes(model: SummarizableModel): Node[] {
  const nodes: Node[] = [];
  for (const l of model.layers) for (const n of l.inboundNodes) nodes.push(n);
  return nodes;
}

export function summaryText(model: SummarizableModel, options: SummaryOptions = {}): string {
  const nodes = relevantNodes(model);
  const seq = isSequentialLike(model, nodes);
  const lineLength = options.lineLength ?? (seq ? 65 : 98);
  let positions = options.positions ?? (seq ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
  if (positions[positions.length - 1] <= 1) positions = positions.map((p) => Math.floor(lineLength * p));
  const header = seq ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];

  const lines: string[] = [];
  lines.push(`Model: "${model.name}"`);
  lines.push('_'.repeat(lineLength));
  lines.push(row(header, positions));
  lines.push('='.repeat(lineLength));
  const layers = model.layers;
  layers.forEach((layer, i) => {
    const params = layer.built ? String(layer.countParams()) : '0 (unused)';
    const first = `${layer.name} (${layer.className})`;
    if (seq) {
      lines.push(row([first, outputShapeText(layer), params], positions));
    } else {
      const connections: string[] = [];
      for (const node of layer.inboundNodes) {
        for (const t of node.allInputs) connections.push(`${t.sourceLayer.name}[${t.node.index}][${t.outputIndex}]`);
      }
      lines.push(row([first, outputShapeText(layer), params, connections[0] ?? ''], positions));
      for (const c of connections.slice(1)) lines.push(row(['', '', '', c], positions));
    }
    lines.push((i === layers.length - 1 ? '=' : '_').repeat(lineLength));
  });
  if (layers.length === 0) lines.push('='.repeat(lineLength));
  const trainable = model.trainableWeights.reduce((n, v) => n + v.size, 0);
  const nonTrainable = model.nonTrainableWeights.reduce((n, v) => n + v.size, 0);
  const fmt = (n: number) => n.toLocaleString('en-US');
  lines.push(`Total params: ${fmt(trainable + nonTrainable)}`);
  lines.push(`Trainable params: ${fmt(trainable)}`);
  lines.push(`Non-trainable params: ${fmt(nonTrainable)}`);
  lines.push('_'.repeat(lineLength));
  if (options.explain) {
    lines.push('How each shape and parameter count follows:');
    for (const e of explain(model)) lines.push(formatExplanation(e));
  }
  return lines.join('\n');
}
