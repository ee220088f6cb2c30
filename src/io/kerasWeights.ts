/**
 * Keras 3's weights layout (keras/src/saving/saving_lib.py, `_save_state` / `_save_container_state`),
 * used by `model.weights.h5` inside a `.keras` zip and by `.weights.h5` files:
 *   layers/<snake_class>[_n]/vars/<i>   numbered per class in model.layers order, not by layer name;
 *   layers/<rnn>/cell/vars/<i>          recurrent layers keep their variables on the cell;
 *   vars/                               the model's own variables (none here).
 * tf.keras 2.13/2.14 wrote the same with `_layer_checkpoint_dependencies` in place of `layers`.
 */
import { ValueError } from '../core/errors.js';
import type { Layer } from '../layers/layer.js';
import { toSnakeCase } from '../layers/naming.js';
import { Model } from '../models/model.js';
import type { H5Reader, H5Writer } from './hdf5.js';

const RNN_CLASSES = new Set(['SimpleRNN', 'LSTM', 'GRU']);
const LAYER_ROOTS = ['layers', '_layer_checkpoint_dependencies'];

/** Each layer's group path, named as Keras's _save_container_state names them. */
export function layerPaths(layers: Layer[], root: string): { layer: Layer; path: string }[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = toSnakeCase(layer.className);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return { layer, path: `${root}/${n === 0 ? base : `${base}_${n}`}` };
  });
}

function varsPath(layer: Layer, path: string): string {
  return RNN_CLASSES.has(layer.className) ? `${path}/cell/vars` : `${path}/vars`;
}

/** Dataset names 0, 1, 2, ... in numeric order (HDF5 lists them as 0, 1, 10, 11, 2, ...). */
function numberedKeys(reader: H5Reader, path: string): string[] {
  const keys = reader.keys(path) ?? [];
  for (const k of keys) {
    if (!/^\d{1,6}$/.test(k)) throw new ValueError(`Unexpected member '${k}' in /${path}: Keras numbers variables 0, 1, 2, ...`);
  }
  return keys.sort((a, b) => Number(a) - Number(b));
}

/** Reads every layer's weights from a Keras 3 weights file into `model`, checking counts and shapes. */
export function readKerasWeights(reader: H5Reader, model: Model, rootPrefix = ''): void {
  const root = LAYER_ROOTS.map((r) => (rootPrefix ? `${rootPrefix}/${r}` : r)).find((r) => reader.isGroup(r));
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  if (!root) {
    if (withWeights.length === 0) return;
    throw new ValueError(`The weights file has no 'layers' group, but model "${model.name}" has ${withWeights.length} layers with weights.`);
  }
  const rootName = root.slice(root.lastIndexOf('/') + 1);
  for (const { layer, path } of layerPaths(model.layers, root)) {
    if (layer instanceof Model) {
      readKerasWeights(reader, layer, path);
      continue;
    }
    const want = layer.weights;
    let vars = varsPath(layer, path);
    // A recurrent layer written without a cell level (not seen from Keras, but cheap to accept).
    if (RNN_CLASSES.has(layer.className) && !reader.isGroup(vars) && reader.isGroup(`${path}/vars`)) vars = `${path}/vars`;
    if (!reader.isGroup(vars)) {
      if (want.length === 0) continue;
      throw new ValueError(`Layer "${layer.name}" (${layer.className}) has ${want.length} weights, but the file has no group /${vars} (expected under '${rootName}', named by class in layer order).`);
    }
    const keys = numberedKeys(reader, vars);
    if (keys.length !== want.length) {
      throw new ValueError(`Layer "${layer.name}" (${layer.className}) expects ${want.length} weights. Received: ${keys.length} in /${vars}.`);
    }
    const values = keys.map((k, i) => reader.readFloats(`${vars}/${k}`, want[i].shape, `Layer "${layer.name}" (${layer.className}) weight ${i}`));
    layer.setWeights(values);
  }
}

/** Writes `model`'s weights in Keras 3's layout (the `@name` attribute as Keras >= 3.13 writes it). */
export function writeKerasWeights(writer: H5Writer, model: Model, prefix = ''): void {
  const own = prefix ? `${prefix}/vars` : 'vars';
  writer.group(own);
  writer.attr(own, 'name', model.name);
  for (const { layer, path } of layerPaths(model.layers, prefix ? `${prefix}/layers` : 'layers')) {
    if (layer instanceof Model) {
      writeKerasWeights(writer, layer, path);
      continue;
    }
    const vars = varsPath(layer, path);
    if (RNN_CLASSES.has(layer.className)) writer.group(`${path}/vars`);
    writer.group(vars);
    writer.attr(vars, 'name', layer.name);
    layer.weights.forEach((v, i) => writer.dataset(`${vars}/${i}`, Float32Array.from(v.values), v.shape));
  }
}
