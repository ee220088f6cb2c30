/** Imports point downward only (../shared/STYLE.md): each part of src/ may import only the parts listed for it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SMALL = ['core', 'tensor', 'ops'];
const ALLOWED: Record<string, string[]> = {
  core: [],
  backend: ['core'],
  kernels: ['core', 'backend'],
  tensor: ['core', 'backend', 'kernels'],
  ops: ['core', 'backend', 'tensor'],
  activations: SMALL,
  initializers: SMALL,
  losses: SMALL,
  metrics: [...SMALL, 'losses'],
  optimizers: SMALL,
  regularizers: SMALL,
  constraints: SMALL,
  layers: [...SMALL, 'activations', 'initializers', 'regularizers', 'constraints'],
  training: [...SMALL, 'optimizers', 'losses', 'metrics'],
  // explain reads layers only, so models can use it for summary({ explain: true }).
  explain: [...SMALL, 'layers'],
  // models reach io only through a lazy import() inside save/saveWeights/loadWeights.
  models: [...SMALL, 'layers', 'training', 'activations', 'initializers', 'explain', 'io'],
  plot: [...SMALL, 'layers', 'models', 'explain', 'training'],
  // the kerats command reads everything (it is a user of the public surface).
  cli: ['*'],
  // io reads and writes Keras files: it builds models from configs and fills their layers' weights.
  io: [...SMALL, 'layers', 'models'],
  // export (C, ONNX) reads models and layers and writes other formats; only index.ts and cli import it.
  export: [...SMALL, 'layers', 'models'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('architecture', () => {
  it('every import in src/ points to a part that part may use', () => {
    const bad: string[] = [];
    for (const file of files('src')) {
      const part = relative('src', file).split('/')[0];
      if (part === 'index.ts') continue;
      const allowed = ALLOWED[part];
      assert.ok(allowed, `src/${part} has no rule in tests/architecture.test.ts: add one`);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^\s*(?:import|export)[^'"]*from\s+|import\()['"](\.[^'"]+)['"]/gm)) {
        const target = relative('src', resolve(dirname(file), m[1])).split('/')[0];
        if (target !== part && !allowed.includes('*') && !allowed.includes(target)) bad.push(`${file} imports ${m[1]} (${part} -> ${target})`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
