/**
 * A/B of the Conv1D Winograd kernels (src/kernels/wasm/conv1d_winograd.c) across builds, in one process: instantiates
 * the single-thread build from each given binary.ts and alternates calls of the three passes on W3's second
 * layer (64 x 119 x 100 -> 100 channels, 10 taps), 15 rounds, so machine load hits every build alike.
 * Prints min / 25th percentile ms per call for each build.
 *   git show HEAD~1:src/kernels/wasm/binary.ts > /tmp/before.ts
 *   node --import tsx bench/ab-conv1d.ts /tmp/before.ts ./src/kernels/wasm/binary.ts
 */
import { resolve } from 'node:path';
const files = process.argv.slice(2);
const mods = await Promise.all(files.map((f) => import(resolve(f))));
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const [B, W, C, OW, CO, K] = [64, 119, 100, 110, 100, 10];
const runs = mods.map((m) => {
  const e = new WebAssembly.Instance(new WebAssembly.Module(dec(m.wasmBase64)), {}).exports as any;
  const mem = e.memory as WebAssembly.Memory;
  const region = Math.max(B * W * C, B * OW * CO, K * C * CO), scratch = e.winograd1dScratch(K, C, CO, OW);
  const base = (Number(e.__heap_base.value) + 15) & ~15;
  const X = base, Wt = X + 4 * region, Y = Wt + 4 * region, S = Y + 4 * region, P = S + 4 * scratch, CNT = P + 256;
  if (CNT + 64 > mem.buffer.byteLength) mem.grow(Math.ceil((CNT + 64 - mem.buffer.byteLength) / 65536));
  const f32 = new Float32Array(mem.buffer), i32 = new Int32Array(mem.buffer);
  for (let i = 0; i < 3 * region; i++) f32[(X >> 2) + i] = Math.sin(i);
  const params = [B, 1, W, C, 1, OW, CO, 1, K, 1, 1, 1, 1, 0, 0, 1, 0, B, B, CNT, 0, 0, 0];
  return (kernel: string) => {
    i32.set(params, P >> 2); i32[CNT >> 2] = 0;
    const t = performance.now();
    e[kernel](X, Wt, Y, S, P);
    return performance.now() - t;
  };
});
for (const kernel of ['conv1dWinograd', 'conv1dWinogradBackpropInput', 'conv1dWinogradBackpropFilter']) {
  const ts = runs.map(() => [] as number[]);
  for (let r = 0; r < 15; r++) runs.forEach((f, i) => ts[i].push(f(kernel)));
  const q = (x: number[]) => { x.sort((a, b) => a - b); return `${x[0].toFixed(2)}/${x[x.length >> 2].toFixed(2)}`; };
  console.log(kernel.padEnd(30), ts.map(q).join('  |  '), 'ms (min/p25)');
}
