/**
 * Keras 2's HDF5 formats (keras/src/legacy/saving/legacy_h5_format.py): a whole model (`model_config`
 * root attribute, weights under `model_weights/`) or `save_weights` output (layer groups at the root).
 * Each layer group carries `weight_names` (relative dataset paths, in the layer's weight order); the
 * parent carries `layer_names`, split into `layer_names0`, `layer_names1`, ... when over 64 KiB.
 * Layers are matched to groups in order, among those with weights, as Keras's
 * load_weights_from_hdf5_group does.
 */
import { ValueError } from '../core/errors.js';
import type { Model } from '../models/model.js';
import type { H5Reader } from './hdf5.js';

/** A string-list attribute, read whole or from its numbered chunks (`name0`, `name1`, ...). */
export function stringListAttr(reader: H5Reader, path: string, name: string): string[] | null {
  const names = reader.attrNames(path);
  let raw: unknown[] = [];
  if (names.includes(name)) {
    raw = toList(reader.attr(path, name));
  } else if (names.includes(`${name}0`)) {
    for (let i = 0; names.includes(`${name}${i}`); i++) raw.push(...toList(reader.attr(path, `${name}${i}`)));
  } else {
    return null;
  }
  return raw.map((x) => {
    if (typeof x === 'string') return x;
    if (x instanceof Uint8Array) return new TextDecoder().decode(x).replace(/\0+$/, '');
    throw new ValueError(`Attribute ${name} of /${path} should hold strings. Received: ${typeof x}.`);
  });
}

function toList(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return [v];
  // An empty weight list is written as an empty float64 array.
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<unknown>).length === 0 ? [] : [v];
  if (Array.isArray(v)) return v;
  return [v];
}

/** A string attribute (fixed-length bytes or variable-length), or null. */
export function stringAttr(reader: H5Reader, path: string, name: string): string | null {
  if (!reader.attrNames(path).includes(name)) return null;
  const v = reader.attr(path, name);
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  throw new ValueError(`Attribute ${name} of /${path} should be a string.`);
}

/** Loads weights stored under `groupPath` ('' for a save_weights file) into `model`. */
export function readLegacyWeights(reader: H5Reader, model: Model, groupPath: string): void {
  const layerNames = stringListAttr(reader, groupPath, 'layer_names');
  if (!layerNames) throw new ValueError(`/${groupPath || ''} has no 'layer_names' attribute: not a Keras weights group.`);
  const groups: { name: string; weightNames: string[] }[] = [];
  for (const name of layerNames) {
    const path = groupPath ? `${groupPath}/${name}` : name;
    if (!reader.isGroup(path)) throw new ValueError(`layer_names lists '${name}', but the file has no group /${path}.`);
    const weightNames = stringListAttr(reader, path, 'weight_names') ?? [];
    if (weightNames.length > 0) groups.push({ name, weightNames });
  }
  // A nested model is one entry whose weight_names cover all its weights.
  const layers = model.layers.filter((l) => l.weights.length > 0);
  if (layers.length !== groups.length) {
    throw new ValueError(
      `The file holds weights for ${groups.length} layers (${groups.map((g) => g.name).join(', ')}), ` +
        `but the model has ${layers.length} layers with weights (${layers.map((l) => l.name).join(', ')}).`,
    );
  }
  layers.forEach((layer, k) => {
    const { name, weightNames } = groups[k];
    const want = layer.weights;
    if (weightNames.length !== want.length) {
      throw new ValueError(`Layer "${layer.name}" (${layer.className}) expects ${want.length} weights. Received: ${weightNames.length} in group '${name}'.`);
    }
    const values = weightNames.map((w, i) => {
      if (w.split('/').some((p) => p === '..' || p === '.')) throw new ValueError(`Refusing weight name '${w}'.`);
      const path = groupPath ? `${groupPath}/${name}/${w}` : `${name}/${w}`;
      if (!reader.has(path)) throw new ValueError(`Layer "${layer.name}": weight '${w}' is listed but missing from the file (/${path}).`);
      return reader.readFloats(path, want[i].shape, `Layer "${layer.name}" (${layer.className}) weight '${w}'`);
    });
    layer.setWeights(values);
  });
}
