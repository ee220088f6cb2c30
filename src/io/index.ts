/**
 * Keras's model files in and out: `.keras` (Keras 3 and tf.keras 2.13+ zips), legacy Keras 2 `.h5`,
 * `.weights.h5`, and model JSON. The format is told by magic bytes, never by file extension.
 * Loading never runs code from a file: layers come only from registered classes, and every size is
 * checked before memory is spent on it.
 */
import { ValueError } from '../core/errors.js';
import { modelFromConfig } from '../models/fromConfig.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { H5Reader, H5Writer } from './hdf5.js';
import { readKerasWeights, writeKerasWeights } from './kerasWeights.js';
import { readLegacyWeights, stringAttr } from './legacyH5.js';
import { checkConfigSizes } from './limits.js';
import { readZip, writeZip } from './zip.js';

export interface LoadOptions {
  /** Largest file (and largest total uncompressed zip content) accepted, in bytes. Default 2 GiB. */
  maxBytes?: number;
  /** Most parameters a config may declare. Default 256 M (1 GiB of float32). */
  maxParams?: number;
}

/** The Keras version written into metadata.json (the layout follows Keras 3.13). */
export const KERAS_VERSION = '3.13.2';
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const DEFAULT_MAX_BYTES = 2 ** 31;
const DEFAULT_MAX_PARAMS = 2 ** 28;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

async function readInput(pathOrBytes: string | Uint8Array, maxBytes: number): Promise<Uint8Array> {
  if (pathOrBytes instanceof Uint8Array) {
    if (pathOrBytes.length > maxBytes) throw new ValueError(`The model data is ${pathOrBytes.length} bytes, over the limit of ${maxBytes} (raise it with { maxBytes }).`);
    return pathOrBytes;
  }
  if (typeof pathOrBytes !== 'string') throw new ValueError('Expected a file path (string) or the file\'s bytes (Uint8Array).');
  const { stat, readFile } = await import('node:fs/promises');
  const info = await stat(pathOrBytes);
  if (!info.isFile()) throw new ValueError(`'${pathOrBytes}' is not a file.`);
  if (info.size > maxBytes) throw new ValueError(`'${pathOrBytes}' is ${info.size} bytes, over the limit of ${maxBytes} (raise it with { maxBytes }).`);
  return new Uint8Array(await readFile(pathOrBytes));
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

function sniff(bytes: Uint8Array): 'zip' | 'hdf5' {
  if (startsWith(bytes, ZIP_MAGIC)) return 'zip';
  if (startsWith(bytes, HDF5_MAGIC)) return 'hdf5';
  throw new ValueError('Not a Keras model file: expected a .keras zip (starts with PK\\x03\\x04) or an HDF5 file (starts with \\x89HDF\\r\\n\\x1a\\n).');
}

function parseJson(bytes: Uint8Array | string, what: string): unknown {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${what} is not valid JSON: ${(e as Error).message}.`);
  }
}

/** Builds the architecture from a parsed model config, after the size checks. */
function buildModel(config: unknown, options: LoadOptions): Model {
  if (!isObject(config)) throw new ValueError('The model config should be a JSON object like {"class_name": "Sequential", "config": {...}}.');
  checkConfigSizes(config, options.maxParams ?? DEFAULT_MAX_PARAMS);
  const model = modelFromConfig(config as Json);
  // A Sequential saved without an input shape cannot hold weights yet; Keras builds it from build_config.
  if (model instanceof Sequential) {
    const buildShape = isObject(config.build_config) ? config.build_config.input_shape : undefined;
    try {
      model.ensureBuilt();
    } catch {
      if (Array.isArray(buildShape)) model.build(buildShape as (number | null)[]);
    }
  }
  model.ensureBuilt();
  return model;
}

async function loadKerasZip(bytes: Uint8Array, options: LoadOptions): Promise<Model> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const members = readZip(bytes, { maxEntryBytes: maxBytes, maxTotalBytes: maxBytes, maxEntries: 100_000 },
    ['config.json', 'metadata.json', 'model.weights.h5']);
  const configBytes = members.get('config.json');
  if (!configBytes) throw new ValueError('Not a valid .keras file: config.json is missing from the zip.');
  const model = buildModel(parseJson(configBytes, 'config.json'), options);
  const weights = members.get('model.weights.h5');
  if (!weights) {
    if (model.weights.length === 0) return model;
    throw new ValueError('Not a valid .keras file: model.weights.h5 is missing from the zip.');
  }
  if (!startsWith(weights, HDF5_MAGIC)) throw new ValueError('Not a valid .keras file: model.weights.h5 is not an HDF5 file.');
  await readWeightsInto(model, weights, 'model.weights.h5');
  return model;
}

async function readWeightsInto(model: Model, bytes: Uint8Array, what: string): Promise<void> {
  const reader = await H5Reader.open(bytes, what);
  try {
    if (reader.isGroup('layers') || reader.isGroup('_layer_checkpoint_dependencies')) readKerasWeights(reader, model);
    else if (reader.isGroup('model_weights')) readLegacyWeights(reader, model, 'model_weights');
    else if (reader.attrNames('').includes('layer_names') || reader.attrNames('').includes('layer_names0')) readLegacyWeights(reader, model, '');
    else readKerasWeights(reader, model);
  } finally {
    reader.close();
  }
}

async function loadLegacyH5(bytes: Uint8Array, options: LoadOptions): Promise<Model> {
  const reader = await H5Reader.open(bytes, 'HDF5 model file');
  try {
    const configText = stringAttr(reader, '', 'model_config');
    if (configText === null) {
      throw new ValueError('This HDF5 file has no model_config attribute: it holds weights only. Build the model (e.g. modelFromJSON) and call loadWeights(model, file).');
    }
    const model = buildModel(parseJson(configText, 'The model_config attribute'), options);
    if (reader.isGroup('model_weights')) readLegacyWeights(reader, model, 'model_weights');
    else if (model.weights.length > 0) throw new ValueError('The HDF5 file has a model_config but no model_weights group.');
    return model;
  } finally {
    reader.close();
  }
}

/**
 * Loads a Keras model: a `.keras` zip (Keras 3, or tf.keras 2.13+) or a legacy Keras 2 HDF5 file, from
 * a path or the file's bytes. Optimizer state in the file is ignored (compile the model again to train).
 */
export async function loadModel(pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Promise<Model> {
  const bytes = await readInput(pathOrBytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return sniff(bytes) === 'zip' ? loadKerasZip(bytes, options) : loadLegacyH5(bytes, options);
}

/**
 * Loads weights into a built model from a `.weights.h5` file (Keras 3), a Keras 2 `save_weights` file,
 * the weights of a legacy `.h5` model, or the weights inside a `.keras` zip.
 */
export async function loadWeights(model: Model, pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Promise<void> {
  if (!(model instanceof Model)) throw new ValueError('loadWeights(model, file) expects a kerats Model as its first argument.');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = await readInput(pathOrBytes, maxBytes);
  model.ensureBuilt();
  if (sniff(bytes) === 'zip') {
    const members = readZip(bytes, { maxEntryBytes: maxBytes, maxTotalBytes: maxBytes, maxEntries: 100_000 }, ['model.weights.h5']);
    const weights = members.get('model.weights.h5');
    if (!weights) throw new ValueError('Not a valid .keras file: model.weights.h5 is missing from the zip.');
    await readWeightsInto(model, weights, 'model.weights.h5');
    return;
  }
  await readWeightsInto(model, bytes, 'weights file');
}

/** Keras's `model.to_json()` as an object: {module, class_name, config, registered_name, build_config}. */
export function modelToConfig(model: Model): Json {
  if (!(model instanceof Model)) throw new ValueError('modelToJSON expects a kerats Model.');
  return model.toKerasConfig() as Json;
}

/** Keras's `model.to_json()`: the architecture as JSON text (read back with modelFromJSON). */
export function modelToJSON(model: Model): string {
  return JSON.stringify(modelToConfig(model));
}


function kerasDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function weightsBytes(model: Model): Promise<Uint8Array> {
  const writer = await H5Writer.create();
  writeKerasWeights(writer, model);
  return writer.finish();
}

async function writeOut(path: string, bytes: Uint8Array): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, bytes);
}

/**
 * Saves a model as Keras 3 writes a `.keras` file (metadata.json, config.json, model.weights.h5, all
 * stored uncompressed) and returns the bytes; writes them to `path` when one is given.
 * Optimizer state is not saved.
 */
export async function saveModel(model: Model, path?: string): Promise<Uint8Array> {
  const config = modelToConfig(model);
  const now = new Date();
  const metadata = { keras_version: KERAS_VERSION, date_saved: kerasDate(now) };
  const enc = new TextEncoder();
  const bytes = writeZip([
    ['metadata.json', enc.encode(JSON.stringify(metadata))],
    ['config.json', enc.encode(JSON.stringify(config))],
    ['model.weights.h5', await weightsBytes(model)],
  ], now);
  if (path !== undefined) await writeOut(path, bytes);
  return bytes;
}

/** Writes the weights as a Keras 3 `.weights.h5` file (and returns its bytes). */
export async function saveWeights(model: Model, path?: string): Promise<Uint8Array> {
  if (!(model instanceof Model)) throw new ValueError('saveWeights(model, path) expects a kerats Model.');
  model.ensureBuilt();
  const bytes = await weightsBytes(model);
  if (path !== undefined) await writeOut(path, bytes);
  return bytes;
}
