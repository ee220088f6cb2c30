/**
 * plotModel: the layer graph as SVG, like Keras's plot_model (keras/src/utils/model_visualization.py):
 * one box per layer with its name and class, and with `showShapes` its input and output shapes; an
 * arrow for every tensor that flows from one layer's call to another. The layout (ranks, order within a
 * rank to reduce crossings, coordinates, edge routes) is dagre's Sugiyama layout, the one Graphviz `dot`
 * popularised, so that branches and merges stay readable without hand-rolled geometry.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { formatShape, type SymbolicShape } from '../core/shape.js';
import type { Layer } from '../layers/layer.js';
import type { Node } from '../layers/symbolic.js';
import { MONO_FAMILY, el, num, svgDocument, textWidth } from './svg.js';

export interface PlotModelOptions {
  /** Show each layer's input and output shapes (Keras's show_shapes; off by default, as in Keras). */
  showShapes?: boolean;
  /** Show layer names next to their class (Keras 2's show_layer_names; on by default). */
  showLayerNames?: boolean;
  /** 'TB' top to bottom (default) or 'LR' left to right, as Keras's rankdir. */
  rankdir?: 'TB' | 'LR';
}

/** What plotModel needs of a model: its layers and its input tensors (a Sequential lists no InputLayer). */
export interface PlottableModel {
  name: string;
  layers: Layer[];
  inputs: { sourceLayer: Layer }[];
}

const FONT_SIZE = 13;
const SHAPE_FONT_SIZE = 12;
const LINE_HEIGHT = 18;
const PAD_X = 12;
const PAD_Y = 8;

/** One shape, or a list of shapes as Keras prints them. */
function shapesText(shapes: SymbolicShape[]): string {
  return shapes.length === 1 ? formatShape(shapes[0]) : `[${shapes.map((s) => formatShape(s)).join(', ')}]`;
}

/** A layer's calls inside this model: the nodes whose inputs come from the model's own layers. */
function modelNodes(layer: Layer, members: Set<Layer>): Node[] {
  return layer.inboundNodes.filter((n) => n.allInputs.every((t) => members.has(t.sourceLayer)));
}

/** Input and output shape text of a layer ('multiple' when its calls in the model disagree, as Keras). */
function layerShapes(layer: Layer, nodes: Node[]): { input: string; output: string } {
  if (nodes.length === 0) return { input: '?', output: '?' };
  const one = (pick: (n: Node) => SymbolicShape[]) => {
    const texts = [...new Set(nodes.map((n) => shapesText(pick(n))))];
    return texts.length === 1 ? texts[0] : 'multiple';
  };
  const output = one((n) => n.outputs.map((t) => t.shape));
  // An InputLayer has no input tensor; Keras shows its own shape on both lines.
  const input = layer.className === 'InputLayer' ? output : one((n) => n.inputs.map((t) => t.shape));
  return { input, output };
}

interface Box {
  layer: Layer;
  title: string;
  rows: [string, string][];
  width: number;
  height: number;
}

function makeBox(layer: Layer, nodes: Node[], options: PlotModelOptions): Box {
  const title = options.showLayerNames === false ? layer.className : `${layer.name} (${layer.className})`;
  const rows: [string, string][] = [];
  if (options.showShapes) {
    const s = layerShapes(layer, nodes);
    rows.push(['input:', s.input], ['output:', s.output]);
  }
  const labelWidth = textWidth('output:', SHAPE_FONT_SIZE);
  const rowWidth = Math.max(0, ...rows.map(([, v]) => labelWidth + 8 + textWidth(v, SHAPE_FONT_SIZE)));
  const width = Math.max(textWidth(title, FONT_SIZE), rowWidth, 80) + 2 * PAD_X;
  const height = PAD_Y * 2 + LINE_HEIGHT * (1 + rows.length) + (rows.length ? 4 : 0);
  return { layer, title, rows, width, height };
}

function drawBox(box: Box, cx: number, cy: number): string {
  const x = cx - box.width / 2;
  const y = cy - box.height / 2;
  const parts = [
    el('rect', { x, y, width: box.width, height: box.height, rx: 4, fill: box.layer.className === 'InputLayer' ? '#eef5ff' : '#fdfdfd', stroke: '#333', 'stroke-width': 1 }),
    el('text', { x: cx, y: y + PAD_Y + LINE_HEIGHT - 5, 'text-anchor': 'middle', 'font-size': FONT_SIZE, 'font-weight': 'bold' }, { text: box.title }),
  ];
  if (box.rows.length) {
    const sepY = y + PAD_Y + LINE_HEIGHT + 2;
    parts.push(el('line', { x1: x, y1: sepY, x2: x + box.width, y2: sepY, stroke: '#999', 'stroke-width': 1 }));
    const labelX = x + PAD_X;
    const valueX = labelX + textWidth('output:', SHAPE_FONT_SIZE) + 8;
    box.rows.forEach(([label, value], i) => {
      const ty = sepY + LINE_HEIGHT * (i + 1) - 3;
      parts.push(el('text', { x: labelX, y: ty, 'font-size': SHAPE_FONT_SIZE, fill: '#555' }, { text: label }));
      parts.push(el('text', { x: valueX, y: ty, 'font-size': SHAPE_FONT_SIZE, 'font-family': MONO_FAMILY }, { text: value }));
    });
  }
  return el('g', { class: 'layer', 'data-layer': box.layer.name }, { children: parts });
}

/**
 * The model's layers as an SVG string. Works for Sequential (whose `layers` omit the InputLayer: it is
 * drawn from `model.inputs`) and for functional models with several inputs or outputs.
 */
export function plotModel(model: PlottableModel, options: PlotModelOptions = {}): string {
  const layers: Layer[] = [];
  for (const t of model.inputs) if (!layers.includes(t.sourceLayer)) layers.push(t.sourceLayer);
  for (const l of model.layers) if (!layers.includes(l)) layers.push(l);
  const members = new Set(layers);
  const ids = new Map(layers.map((l, i) => [l, `n${i}`]));

  const g = new Graph();
  g.setGraph({ rankdir: options.rankdir ?? 'TB', nodesep: 30, ranksep: 40, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map<string, Box>();
  for (const layer of layers) {
    const nodes = modelNodes(layer, members);
    const box = makeBox(layer, nodes, options);
    boxes.set(ids.get(layer)!, box);
    g.setNode(ids.get(layer)!, { width: box.width, height: box.height });
  }
  // Edges follow the functional graph: each call's input tensors come from their source layer.
  for (const layer of layers) {
    for (const node of modelNodes(layer, members)) {
      for (const t of node.allInputs) g.setEdge(ids.get(t.sourceLayer)!, ids.get(layer)!);
    }
  }
  layout(g);

  const parts: string[] = [
    el('defs', {}, {
      children: [el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, {
        children: [el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#333' })],
      })],
    }),
  ];
  for (const e of g.edges()) {
    const points = (g.edge(e).points ?? []) as { x: number; y: number }[];
    if (points.length < 2) continue;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${num(p.x)} ${num(p.y)}`).join(' ');
    const from = boxes.get(e.v)!.layer.name;
    const to = boxes.get(e.w)!.layer.name;
    parts.push(el('path', { class: 'edge', 'data-from': from, 'data-to': to, d, fill: 'none', stroke: '#333', 'stroke-width': 1.2, 'marker-end': 'url(#arrow)' }));
  }
  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number };
    parts.push(drawBox(boxes.get(id)!, n.x, n.y));
  }
  const size = g.graph() as { width?: number; height?: number };
  return svgDocument(size.width ?? 100, size.height ?? 100, parts, `Model "${model.name}"`);
}
