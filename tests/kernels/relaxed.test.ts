/**
 * The relaxed-SIMD builds (f32x4.relaxed_madd in the GEMM micro-kernel) load where the engine supports
 * relaxed SIMD. Node 20 needs --experimental-wasm-relaxed-simd for that (Node >= 22 has it on), so this
 * file runs every kernel suite again in a child process started with the flag, after checking
 * that the child really loaded the relaxed build (and that without the flag, on Node 20, it does not).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const FLAG = '--experimental-wasm-relaxed-simd';
// Without NODE_TEST_CONTEXT (set for this file's process): the child's runner then prints plain TAP.
const { NODE_TEST_CONTEXT: _runner, ...parentEnv } = process.env;
const node = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...parentEnv, ...env }, timeout: 300_000 });
const PRINT_BUILD = "import('./src/kernels/wasm/index.ts').then((m) => console.log(JSON.stringify(m.wasmBuild())))";
const engineHasFlag = node(['--v8-options']).stdout.includes(FLAG);

describe('relaxed-SIMD kernel builds', { skip: !engineHasFlag && `this engine has no ${FLAG} flag` }, () => {
  it('load when the engine enables relaxed SIMD, and KERATS_WASM_RELAXED=0 keeps the baseline', () => {
    const on = node([FLAG, '--import', 'tsx', '-e', PRINT_BUILD]);
    assert.equal(on.status, 0, on.stderr);
    assert.equal(JSON.parse(on.stdout).relaxed, true);
    const off = node([FLAG, '--import', 'tsx', '-e', PRINT_BUILD], { KERATS_WASM_RELAXED: '0' });
    assert.equal(JSON.parse(off.stdout).relaxed, false);
  });

  it('pass every kernel suite in tests/kernels (js/wasm agreement, oracles) on one and two threads', () => {
    const suites = readdirSync('tests/kernels').filter((f) => f.endsWith('.test.ts') && f !== 'relaxed.test.ts')
      .map((f) => `tests/kernels/${f}`);
    for (const threads of ['1', '2']) {
      const r = node([FLAG, '--import', 'tsx', '--test', ...suites], { KERATS_WASM_THREADS: threads });
      assert.equal(r.status, 0, `KERATS_WASM_THREADS=${threads}:\n${r.stdout.slice(-3000)}${r.stderr.slice(-2000)}`);
      assert.match(r.stdout, /# pass [1-9]/);
      assert.match(r.stdout, /# fail 0/);
    }
  });
});
