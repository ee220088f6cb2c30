#!/usr/bin/env node
/**
 * The `kerats` command: answers shape questions from the shell.
 *   kerats explain "Conv1D(32, 5, strides=2, padding='same')" --input 128,1
 *   kerats summary model.json
 *   kerats plot model.json -o model.svg
 * Bad input ends with one line on stderr and exit code 1, never a stack trace.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportC, explainLayer, formatExplanation, layers, loadModel, loadWeights, modelFromJSON, plotModel, type Model } from '../index.js';
import { getLayerClass } from '../layers/registry.js';
import { BASE_KEYWORDS, callToConfig, parseCall } from './parseCall.js';

const USAGE = `Usage:
  kerats explain "<Layer call, as in Python>" [--input <shape>]   how a layer's output shape and parameter count follow
      e.g. kerats explain "Conv1D(32, 5, strides=2, padding='same')" --input 128,1
  kerats summary <model.keras|model.h5|model.json>             summary with explanations (model.json: Keras to_json())
  kerats plot <model.keras|.h5|.json> [-o model.svg] [--rankdir TB|LR]   the layer graph as SVG
  kerats export-c <model.keras|model.h5> -o <dir> [--name NAME]   C99 for microcontrollers: <dir>/NAME.h and NAME.c
  kerats export-c <model.json> <weights.h5> -o <dir> [--name NAME]
  kerats help`;

/** An error the user caused: printed as one line, exit code 1. */
class UsageError extends Error {}

/** "128,1", "(128, 1)", "None,3" -> [128, 1] / [null, 3] (no batch axis). */
export function parseShape(text: string): (number | null)[] {
  const inner = text.trim().replace(/^[([]|[)\]]$/g, '');
  const parts = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`--input needs a shape such as 128,1. Received: '${text}'.`);
  return parts.map((p) => {
    if (p === 'None' || p === 'null') return null;
    const n = Number(p);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--input needs positive integers (or None), without the batch axis, e.g. 128,1. Received: '${text}'.`);
    return n;
  });
}

function takeOption(args: string[], names: string[]): string | undefined {
  const i = args.findIndex((a) => names.includes(a) || names.some((n) => a.startsWith(`${n}=`)));
  if (i < 0) return undefined;
  const eq = args[i].indexOf('=');
  if (eq >= 0) {
    const v = args[i].slice(eq + 1);
    args.splice(i, 1);
    return v;
  }
  const v = args[i + 1];
  if (v === undefined) throw new UsageError(`${args[i]} needs a value.`);
  args.splice(i, 2);
  return v;
}

function onlyPositional(args: string[], count: number, what: string): string[] {
  const unknown = args.find((a) => a.startsWith('-') && a.length > 1 && !/^-\d/.test(a));
  if (unknown) throw new UsageError(`Unknown option ${unknown}. ${what}`);
  if (args.length !== count) throw new UsageError(`Expected ${count} argument(s). ${what}`);
  return args;
}

function explainCommand(args: string[], out: (s: string) => void): void {
  const inputText = takeOption(args, ['--input', '-i']);
  const [callText] = onlyPositional(args, 1, 'Usage: kerats explain "Conv1D(32, 5)" --input 128,1');
  const call = parseCall(callText);
  // Unknown classes first, so the message is "Unknown layer" rather than one about its arguments.
  if (!getLayerClass(call.className)) layers.deserialize({ class_name: call.className });
  const { serialized, inputShape } = callToConfig(call);
  const layer = layers.deserialize(serialized);
  // A keyword the layer does not know would otherwise be dropped silently (a typo like kernal_size).
  const known = new Set([...Object.keys(layer.getConfig()), ...BASE_KEYWORDS]);
  const unknown = Object.keys(serialized.config).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new UsageError(`${serialized.class_name} has no argument ${unknown.map((k) => `'${k}'`).join(', ')}. Its arguments: ${[...known].filter((k) => !BASE_KEYWORDS.includes(k) || k === 'name').join(', ')}.`);
  }
  const shape = inputText !== undefined ? parseShape(inputText) : inputShape;
  if (!shape) throw new UsageError(`Give the input shape (without the batch axis): --input 128,1, or input_shape=(128, 1) in the call.`);
  out(formatExplanation(explainLayer(layer, shape)));
}

function readModelFile(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `No such file: ${path}` : `Cannot read ${path}: ${(e as Error).message}`);
  }
  return modelFromJSON(text);
}

/** A model from a Keras file (.keras zip or HDF5 .h5, told by their first bytes) or a model.json (architecture only). */
async function readAnyModel(path: string): Promise<Model> {
  if (!existsSync(path)) throw new UsageError(`No such file: ${path}`);
  const head = readFileSync(path).subarray(0, 8);
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  const isHdf5 = head[0] === 0x89 && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x46;
  return isZip || isHdf5 ? loadModel(path) : readModelFile(path);
}

async function summaryCommand(args: string[], out: (s: string) => void): Promise<void> {
  const [path] = onlyPositional(args, 1, 'Usage: kerats summary model.json|model.keras|model.h5');
  (await readAnyModel(path)).summary({ explain: true, printFn: out });
}

async function plotCommand(args: string[], out: (s: string) => void): Promise<void> {
  const output = takeOption(args, ['-o', '--output']);
  const rankdir = takeOption(args, ['--rankdir']);
  if (rankdir !== undefined && rankdir !== 'TB' && rankdir !== 'LR') throw new UsageError(`--rankdir is TB or LR. Received: ${rankdir}.`);
  const [path] = onlyPositional(args, 1, 'Usage: kerats plot model.json -o model.svg');
  const svg = plotModel(await readAnyModel(path), { showShapes: true, rankdir: rankdir as 'TB' | 'LR' | undefined });
  if (output === undefined) {
    out(svg);
    return;
  }
  try {
    writeFileSync(output, svg);
  } catch (e) {
    throw new UsageError(`Cannot write ${output}: ${(e as Error).message}`);
  }
  out(`Wrote ${output}`);
}

/** A Keras file (.keras, .h5), or a model.json with its weights file. */
async function loadModelFiles(paths: string[]): Promise<Model> {
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`No such file: ${p}`);
  if (paths.length === 1) return loadModel(paths[0]);
  const model = readModelFile(paths[0]);
  await loadWeights(model, paths[1]);
  return model;
}

async function exportCCommand(args: string[], out: (s: string) => void): Promise<void> {
  const usage = 'Usage: kerats export-c model.keras -o out/ [--name NAME], or kerats export-c model.json model.weights.h5 -o out/';
  const dir = takeOption(args, ['-o', '--output']);
  const nameOption = takeOption(args, ['--name']);
  if (dir === undefined) throw new UsageError(`export-c needs an output folder: -o out/. ${usage}`);
  const paths = args.length === 2 ? onlyPositional(args, 2, usage) : onlyPositional(args, 1, usage);
  const model = await loadModelFiles(paths);
  const name = nameOption ?? (model.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_') || 'model');
  const { files, scratchFloats } = exportC(model, { name, dir });
  out(`Wrote ${files!.header} and ${files!.source} (${model.countParams()} weights, ${scratchFloats * 4} bytes of scratch RAM).`);
}

/** Runs one command; returns the exit code. Output and errors go through the given writers (tests use them). */
export function run(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): number | Promise<number> {
  const [command, ...rest] = argv;
  const fail = (e: unknown): number => {
    // Library errors carry "Fix:" lines; they stay, joined onto the one line.
    const message = e instanceof Error ? e.message : String(e);
    err(`kerats ${command}: ${message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}`);
    return 1;
  };
  // Commands that read Keras files are asynchronous (loadModel is); the others stay synchronous.
  if (command === 'export-c') return exportCCommand(rest, out).then(() => 0, fail);
  if (command === 'summary') return summaryCommand(rest, out).then(() => 0, fail);
  if (command === 'plot') return plotCommand(rest, out).then(() => 0, fail);
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(USAGE);
      return command === undefined ? 1 : 0;
    }
    if (command === 'explain') explainCommand(rest, out);
    else throw new UsageError(`Unknown command '${command}'. Commands: explain, summary, plot, export-c, help.`);
    return 0;
  } catch (e) {
    return fail(e);
  }
}

// Run only as the program, not when a test imports run().
const invoked = process.argv[1] ?? '';
if (/(^|[\\/])(main\.[cm]?[jt]s|kerats)$/.test(invoked)) {
  void Promise.resolve(run(process.argv.slice(2))).then((code) => { process.exitCode = code; });
}
