/**
 * exportOnnx: a kerats model as the bytes of an ONNX ModelProto (float32, dynamic batch "N"), inputs and
 * outputs in Keras's channels-last layout. See docs/export-onnx.md.
 */
import { ValueError } from '../../core/errors.js';
import { InputLayer, type SymbolicTensor } from '../../layers/index.js';
import type { Node } from '../../layers/symbolic.js';
import type { Shape } from '../../layers/layer.js';
import type { Model } from '../../models/model.js';
import { GraphBuilder } from './builder.js';
import { convertLayer } from './layers.js';
import { encodeModel, type ValueInfo } from './protobuf.js';

export interface ExportOnnxOptions {
  /** The ai.onnx opset to target, 17 (default) to 22. */
  opset?: number;
}

/** The ONNX IR version each opset was released with (onnx/docs/Versioning.md). */
const IR_VERSION: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10 };

/** The nodes from the inputs to `outputs`, each after the nodes it reads. */
function orderedNodes(outputs: SymbolicTensor[]): Node[] {
  const ordered: Node[] = [];
  const seen = new Set<Node>();
  const visit = (node: Node): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const t of node.allInputs) visit(t.node);
    ordered.push(node);
  };
  for (const t of outputs) visit(t.node);
  return ordered;
}

/** A graph input/output's shape: the batch axis is "N"; other unknown axes get their own names. */
function valueInfo(name: string, shape: Shape): ValueInfo {
  return { name, shape: shape.map((d, i) => (i === 0 ? 'N' : d ?? `${name}_dim${i}`)) };
}

export function exportOnnx(model: Model, options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? 17;
  const irVersion = IR_VERSION[opset];
  if (irVersion === undefined) {
    throw new ValueError(`exportOnnx: opset must be an integer from 17 to 22. Received: opset=${opset}.`);
  }
  const inputs = model.inputs;
  const outputs = model.outputs;
  if (inputs.length === 0 || outputs.length === 0) {
    throw new ValueError(
      `exportOnnx: model "${model.name}" has no graph yet. Give a Sequential an input shape (new Input([...]) first, ` +
        'or call it on data once) before exporting.',
    );
  }
  const g = new GraphBuilder(opset);
  const names = new Map<SymbolicTensor, string>();
  const graphInputs = inputs.map((t) => {
    const name = g.uniqueName(t.sourceLayer.name);
    names.set(t, name);
    return valueInfo(name, t.shape);
  });

  for (const node of orderedNodes(outputs)) {
    if (node.layer instanceof InputLayer) {
      if (!node.outputs.every((t) => names.has(t))) {
        throw new ValueError(`exportOnnx: input layer "${node.layer.name}" feeds the outputs but is not one of the model's inputs.`);
      }
      continue;
    }
    if (Object.values(node.kwargTensors).some((ts) => ts.length > 0)) {
      throw new ValueError(
        `exportOnnx: layer "${node.layer.name}" (${node.layer.className}) is called with tensor arguments ` +
          `(${Object.keys(node.kwargTensors).join(', ')}), such as an initial state; only plain inputs are exported.`,
      );
    }
    const produced = convertLayer({
      g,
      layer: node.layer,
      inputs: node.inputs.map((t) => names.get(t)!),
      inputShapes: node.inputs.map((t) => t.shape),
      outputShapes: node.outputs.map((t) => t.shape),
      prefix: node.layer.name,
    });
    node.outputs.forEach((t, i) => names.set(t, produced[i]));
  }

  // Each output gets its own Identity, named after its layer, so output names are stable and distinct.
  const graphOutputs = outputs.map((t) => {
    const name = g.uniqueName(t.sourceLayer.name);
    g.nodes.push({ opType: 'Identity', inputs: [names.get(t)!], outputs: [name], name: g.uniqueName(`${name}/Identity_node`), attributes: {} });
    return valueInfo(name, t.shape);
  });

  return encodeModel({
    irVersion,
    opset,
    producerName: 'kerats',
    producerVersion: '0.1.0',
    graph: { name: model.name, nodes: g.nodes, initializers: g.initializers, inputs: graphInputs, outputs: graphOutputs },
  });
}
