/**
 * exportC: a model as self-contained C99 for microcontrollers (the keras2c idea): `<name>.h` declares
 * `void <name>_predict(const float *in, float *out)`; `<name>.c` holds the weights as static const
 * arrays, the kernels, and one static scratch buffer sized here. No malloc, nothing beyond math.h.
 *
 * The weights sit in the .c, not the .h: a header with `static const` arrays puts a copy of every
 * weight in each file that includes it, and gcc -Wall warns about the unused ones there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError } from '../../core/errors.js';
import type { Model } from '../../models/model.js';
import { emitC } from './emit.js';
import { planModel } from './plan.js';

export interface ExportCOptions {
  /** A C identifier: names the files (`<name>.h`, `<name>.c`) and the function (`<name>_predict`). */
  name: string;
  /** When given, the two files are written there (created if needed). */
  dir?: string;
}

export interface ExportCResult {
  header: string;
  source: string;
  /** Floats of static scratch memory predict uses (activations between layers and recurrent state). */
  scratchFloats: number;
  /** The paths written, when `dir` was given. */
  files?: { header: string; source: string };
}

const C_KEYWORDS = new Set(['auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed',
  'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while']);

export function exportC(model: Model, options: ExportCOptions): ExportCResult {
  const name = options?.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || C_KEYWORDS.has(name)) {
    throw new ValueError(`exportC: \`name\` must be a C identifier (letters, digits, _; not starting with a digit). Received: name=${JSON.stringify(name)}.`);
  }
  const plan = planModel(model);
  const { header, source, scratchFloats } = emitC(plan, name, model.name);
  if (options.dir === undefined) return { header, source, scratchFloats };
  mkdirSync(options.dir, { recursive: true });
  const files = { header: join(options.dir, `${name}.h`), source: join(options.dir, `${name}.c`) };
  writeFileSync(files.header, header);
  writeFileSync(files.source, source);
  return { header, source, scratchFloats, files };
}

export { SUPPORTED_LAYERS } from './plan.js';
export { SUPPORTED_ACTIVATIONS } from './activations.js';
