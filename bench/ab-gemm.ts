/**
 * A/B of the wasm GEMM across builds, in one process, one thread: instantiates the single-thread module from
 * each given file (a .wasm, or a binary.ts whose `wasmBase64` / `relaxedWasmBase64` it takes with --relaxed)
 * and alternates `matmul` calls on each shape, so machine load hits every build alike. Prints GFLOP/s
 * (best / median) per build.
 *   node --experimental-wasm-relaxed-simd --import tsx bench/ab-gemm.ts /tmp/a.wasm /tmp/b.wasm
 * Shapes (m, k, n): 1024³, 512³, W3's second Conv1D as im2col (64·110 rows, k 1000, n 100), W5's second
 * Conv2D (128·121 rows, k 288, n 64), W1's first Dense backward-size product.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const relaxed = args.includes('--relaxed');
const files = args.filter((a) => !a.startsWith('--'));
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const bytes = await Promise.all(
  files.map(async (f) =>
    f.endsWith('.wasm') ? readFileSync(f) : dec((await import(resolve(f)))[relaxed ? 'relaxedWasmBase64' : 'wasmBase64']),
  ),
);
const shapes = (process.env.SHAPES ?? '1024,1024,1024;512,512,512;7040,1000,100;15488,288,64')
  .split(';')
  .map((s) => s.split(',').map(Number));
const rounds = Number(process.env.ROUNDS ?? 9);
for (const [m, k, n] of shapes) {
  const runs = bytes.map((b) => {
    const e = new WebAssembly.Instance(new WebAssembly.Module(b), {}).exports as any;
    const mem = e.memory as WebAssembly.Memory;
    const base = (Number(e.__heap_base.value) + 15) & ~15;
    const A = base, B = A + 4 * m * k, C = B + 4 * k * n, P = C + 4 * m * n, CNT = P + 256;
    if (CNT + 64 > mem.buffer.byteLength) mem.grow(Math.ceil((CNT + 64 - mem.buffer.byteLength) / 65536));
    const f32 = new Float32Array(mem.buffer), i32 = new Int32Array(mem.buffer);
    for (let i = 0; i < m * k + k * n; i++) f32[(A >> 2) + i] = Math.sin(i);
    // MatmulParams: batch, m, k, n, transposeA, transposeB, bBatch, splitColumns, chunks {begin, end, grain, counter, thread}
    const params = [1, m, k, n, 0, 0, 1, 0, 0, m, m, CNT, 0];
    return () => {
      i32.set(params, P >> 2);
      i32[CNT >> 2] = 0;
      const t = performance.now();
      e.matmul(A, B, C, P);
      return performance.now() - t;
    };
  });
  const ts = runs.map(() => [] as number[]);
  runs.forEach((f) => f());
  for (let r = 0; r < rounds; r++) runs.forEach((f, i) => ts[i].push(f()));
  const gf = (ms: number) => ((2 * m * k * n) / ms / 1e6).toFixed(1);
  const q = (x: number[]) => {
    x.sort((a, b) => a - b);
    return `${gf(x[0])}/${gf(x[x.length >> 1])}`;
  };
  console.log(`${m}x${k}x${n}`.padEnd(16), ts.map(q).join(' | '), 'GFLOP/s (best/median)');
}
console.log('builds:', files.join(' | '));
