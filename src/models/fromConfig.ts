/**
 * Models from the JSON Keras's model.to_json() writes: {class_name: 'Sequential' | 'Functional' | 'Model',
 * config: {...}}. Layers come from `layers.deserialize` (registered classes only); functional graphs are
 * rebuilt by calling each layer on the tensors its inbound nodes name, in Keras 3's format
 * ({args: [{class_name: '__keras_tensor__', config: {keras_history: [layer, node, tensor]}}]}) or
 * Keras 2's ([[[layer, node, tensor, kwargs], ...]]), as keras/src/models/functional.py functional_from_config.
 */
import { ValueError } from '../core/errors.js';
import { deserialize } from '../layers/registry.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/core/input.js';
import { SymbolicTensor } from '../layers/symbolic.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

type Json = Record<string, unknown>;
type TensorRef = [string, number, number];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A layer entry of a model config, as deserialize wants it. */
function layerEntry(item: unknown, where: string): { class_name: string; config: Json } {
  if (!isObject(item) || typeof item.class_name !== 'string') {
    throw new ValueError(`${where}: expected a layer like {"class_name": "Dense", "config": {...}}. Received: ${JSON.stringify(item)?.slice(0, 80)}.`);
  }
  return { class_name: item.class_name, config: withoutNoOpRegularizers(isObject(item.config) ? item.config : {}) };
}

/**
 * Keras 2 wrote regularizers as L1L2(l1=0, l2=0) where none was asked for; they add nothing to the loss,
 * so they are read as null (layers refuse real regularizers until kerats has them).
 */
function withoutNoOpRegularizers(config: Json): Json {
  const out: Json = { ...config };
  for (const [k, v] of Object.entries(config)) {
    if (!k.endsWith('regularizer') || !isObject(v) || !isObject(v.config)) continue;
    const values = Object.values(v.config);
    if (values.length > 0 && values.every((x) => x === 0)) out[k] = null;
  }
  return out;
}

function sequentialFromConfig(config: unknown): Sequential {
  // Keras <= 2.2 wrote a Sequential's config as the bare list of layers.
  const c: Json = Array.isArray(config) ? { layers: config } : isObject(config) ? config : {};
  if (!Array.isArray(c.layers)) throw new ValueError('Sequential config needs a `layers` list.');
  const model = new Sequential({ name: typeof c.name === 'string' ? c.name : undefined });
  c.layers.forEach((item, i) => model.add(deserialize(layerEntry(item, `Sequential layer ${i}`))));
  const buildShape = c.build_input_shape;
  if (model.layers.length > 0 && Array.isArray(buildShape) && !hasGraph(model)) model.build(buildShape as (number | null)[]);
  return model;
}

function hasGraph(model: Model): boolean {
  try {
    model.ensureBuilt();
    return true;
  } catch {
    return false;
  }
}

/** A Keras 3 `__keras_tensor__` object or a Keras 2 [layer, node, tensor, kwargs] list, as a reference. */
function tensorRef(v: unknown): TensorRef | null {
  if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history)) {
    const [l, n, t] = v.config.keras_history as unknown[];
    return [String(l), Number(n), Number(t)];
  }
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number') return [v[0], v[1], v[2]];
  return null;
}

/** input_layers / output_layers: one [name, node, tensor] (Keras 3, single) or a list of them. */
function refList(v: unknown, key: string): TensorRef[] {
  const one = tensorRef(v);
  if (one) return [one];
  if (Array.isArray(v) && v.every((x) => tensorRef(x))) return v.map((x) => tensorRef(x)!);
  throw new ValueError(`Functional config needs \`${key}\` as [layer_name, node_index, tensor_index] or a list of them. Received: ${JSON.stringify(v)}.`);
}

interface NodeCall { inputs: TensorRef[]; asList: boolean; kwargs: Json }

/** One inbound node, in either format, as the tensors it consumes. */
function parseNode(node: unknown, layerName: string): NodeCall {
  if (isObject(node)) {
    const args = Array.isArray(node.args) ? node.args : [];
    const first = args[0];
    const single = tensorRef(first);
    const inputs = single ? [single] : Array.isArray(first) ? first.map((x) => tensorRef(x)) : [];
    if (inputs.length === 0 || inputs.some((x) => x === null)) {
      throw new ValueError(`Layer "${layerName}": cannot read its inbound node ${JSON.stringify(node).slice(0, 120)}.`);
    }
    return { inputs: inputs as TensorRef[], asList: !single, kwargs: isObject(node.kwargs) ? node.kwargs : {} };
  }
  if (Array.isArray(node) && node.length > 0) {
    const inputs = node.map((x) => tensorRef(x));
    if (inputs.some((x) => x === null)) throw new ValueError(`Layer "${layerName}": cannot read its inbound node ${JSON.stringify(node).slice(0, 120)}.`);
    const last = node[0] as unknown[];
    return { inputs: inputs as TensorRef[], asList: node.length > 1, kwargs: isObject(last[3]) ? last[3] : {} };
  }
  throw new ValueError(`Layer "${layerName}": cannot read its inbound node ${JSON.stringify(node)}.`);
}

/** Call options from a node's kwargs: tensors are resolved, nulls dropped, names camelCased. */
function callKwargs(kwargs: Json, resolve: (r: TensorRef) => SymbolicTensor | undefined): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (v === null || v === undefined) continue;
    const key = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const ref = tensorRef(v);
    if (ref) {
      const t = resolve(ref);
      if (!t) return null;
      out[key] = t;
    } else if (Array.isArray(v) && v.length > 0 && v.every((x) => tensorRef(x))) {
      const ts = v.map((x) => resolve(tensorRef(x)!));
      if (ts.some((t) => !t)) return null;
      out[key] = ts;
    } else {
      out[key] = v;
    }
  }
  return out;
}

function functionalFromConfig(config: unknown): Model {
  if (!isObject(config) || !Array.isArray(config.layers)) throw new ValueError('Functional config needs a `layers` list.');
  const layers = new Map<string, Layer>();
  const pending: { layer: Layer; calls: NodeCall[] }[] = [];
  config.layers.forEach((item, i) => {
    const entry = layerEntry(item, `Functional layer ${i}`);
    const name = (isObject(item) && typeof item.name === 'string' ? item.name : undefined) ?? (entry.config.name as string | undefined);
    const layer = deserialize({ class_name: entry.class_name, config: name ? { ...entry.config, name } : entry.config });
    layers.set(layer.name, layer);
    const nodes = isObject(item) && Array.isArray(item.inbound_nodes) ? item.inbound_nodes : [];
    if (!(layer instanceof InputLayer)) pending.push({ layer, calls: nodes.map((n) => parseNode(n, layer.name)) });
  });

  // Node outputs by layer and node index; an InputLayer's node 0 exists from its construction.
  const outputs = new Map<string, SymbolicTensor[][]>();
  for (const [name, layer] of layers) if (layer instanceof InputLayer) outputs.set(name, [[layer.output]]);
  const resolve = ([l, n, t]: TensorRef): SymbolicTensor | undefined => outputs.get(l)?.[n]?.[t];
  for (const ref of pending.flatMap((p) => p.calls.flatMap((c) => c.inputs))) {
    if (!layers.has(ref[0])) throw new ValueError(`Functional config: a node refers to layer "${ref[0]}", which the config does not define.`);
  }

  // Keras lists layers in an order where inputs come first, but a shared layer's later calls may
  // depend on layers listed after it: call whatever is ready until nothing is left (process_node loop).
  const done = new Map<Layer, number>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const { layer, calls } of pending) {
      const i = done.get(layer) ?? 0;
      if (i >= calls.length) continue;
      const call = calls[i];
      const inputs = call.inputs.map(resolve);
      if (inputs.some((t) => !t)) continue;
      const kwargs = callKwargs(call.kwargs, resolve);
      if (!kwargs) continue;
      const out = layer.apply(call.asList ? (inputs as SymbolicTensor[]) : inputs[0]!, kwargs) as SymbolicTensor | SymbolicTensor[];
      const list = outputs.get(layer.name) ?? [];
      list.push(Array.isArray(out) ? out : [out]);
      outputs.set(layer.name, list);
      done.set(layer, i + 1);
      progress = true;
    }
  }
  const stuck = pending.find(({ layer, calls }) => (done.get(layer) ?? 0) < calls.length);
  if (stuck) throw new ValueError(`Functional config: layer "${stuck.layer.name}" waits for tensors no other layer produces (a cycle or a missing node).`);

  const pick = (refs: TensorRef[], key: string) => refs.map((r) => {
    const t = resolve(r);
    if (!t) throw new ValueError(`Functional config: \`${key}\` names [${r.join(', ')}], which no layer call produces.`);
    return t;
  });
  const ins = pick(refList(config.input_layers, 'input_layers'), 'input_layers');
  const outs = pick(refList(config.output_layers, 'output_layers'), 'output_layers');
  return new Model(ins.length === 1 ? ins[0] : ins, outs.length === 1 ? outs[0] : outs, { name: typeof config.name === 'string' ? config.name : undefined });
}

/**
 * Builds a model from Keras's model JSON (the object, or the text model.to_json() returns). Only the
 * architecture: weights stay freshly initialized. Unknown layer classes raise "Unknown layer: ...".
 */
export function modelFromConfig(json: string | Json): Model {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new ValueError(`Model JSON could not be parsed: ${(e as Error).message}.`);
    }
  }
  if (!isObject(parsed) || typeof parsed.class_name !== 'string') {
    throw new ValueError('Expected a Keras model config like {"class_name": "Sequential", "config": {...}} (what model.to_json() writes).');
  }
  const cls = parsed.class_name;
  if (cls === 'Sequential') return sequentialFromConfig(parsed.config);
  if (cls === 'Functional' || cls === 'Model') return functionalFromConfig(parsed.config);
  throw new ValueError(`Expected a model config with class_name 'Sequential', 'Functional' or 'Model'. Received: class_name='${cls}'.`);
}
