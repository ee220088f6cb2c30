/**
 * A/B of the wasm conv kernels across builds, in one process: instantiates the single-thread build from
 * each given binary.ts and alternates calls on W2's and W5's layer shapes (stride 1, no padding), 400 rounds
 * (10 for W5's), so
 * machine load hits every build alike. Prints min / 25th percentile µs per call for each build.
 *   git show HEAD~1:src/kernels/wasm/binary.ts > /tmp/before.ts
 *   node --import tsx bench/ab-conv.ts /tmp/before.ts ./src/kernels/wasm/binary.ts
 */
import { resolve } from 'node:path';

const files = process.argv.slice(2);
const mods = await Promise.all(files.map((f) => import(resolve(f))));
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
// (batch, H, W, C_in, outH, outW, C_out, kH, kW): W2's four layers, then W5's two (MNIST convnet, batch 128).
const shapes = [
  [32, 12, 10, 1, 11, 7, 2, 2, 4], [32, 11, 7, 2, 10, 4, 4, 2, 4], [32, 10, 4, 4, 8, 1, 4, 3, 4], [32, 10, 3, 1, 9, 2, 2, 2, 2],
  [128, 28, 28, 1, 26, 26, 32, 3, 3], [128, 13, 13, 32, 11, 11, 64, 3, 3],
];
const rounds = Number(process.env.ROUNDS ?? 400);
for (const kernel of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter']) for (const s of shapes) {
  const [B, H, W, C, OH, OW, CO, KH, KW] = s;
  const runs = mods.map((m) => {
    const e = new WebAssembly.Instance(new WebAssembly.Module(dec(m.wasmBase64)), {}).exports as any;
    const mem = e.memory as WebAssembly.Memory;
    const region = Math.max(B * H * W * C, B * OH * OW * CO, KH * KW * C * CO), colFloats = 262144;
    const base = (Number(e.__heap_base.value) + 15) & ~15;
    const X = base, Wt = X + 4 * region, Y = Wt + 4 * region, COL = Y + 4 * region, P = COL + 4 * colFloats, CNT = P + 256;
    if (CNT + 64 > mem.buffer.byteLength) mem.grow(Math.ceil((CNT + 64 - mem.buffer.byteLength) / 65536));
    const f32 = new Float32Array(mem.buffer), i32 = new Int32Array(mem.buffer);
    for (let i = 0; i < 3 * region; i++) f32[(X >> 2) + i] = Math.sin(i);
    const rows = B * OH * OW, K = KH * KW * C;
    const params = [B, H, W, C, OH, OW, CO, KH, KW, 1, 1, 1, 1, 0, 0, Math.min(rows, Math.floor(colFloats / K)), 0, rows, rows, CNT, 0];
    return () => {
      i32.set(params, P >> 2); i32[CNT >> 2] = 0;
      if (kernel === 'conv2dBackpropFilter') f32.fill(0, Y >> 2, (Y >> 2) + K * CO);
      const t = performance.now();
      if (kernel === 'conv2d') e.conv2d(X, Wt, Y, COL, P);
      else if (kernel === 'conv2dBackpropInput') e.conv2dBackpropInput(X, Wt, Y, COL, P);
      else e.conv2dBackpropFilter(X, Wt, Y, COL, P);
      return performance.now() - t;
    };
  });
  const ts = runs.map(() => [] as number[]);
  for (let r = 0; r < (B > 32 ? Math.max(3, rounds / 40) : rounds); r++) runs.forEach((f, i) => ts[i].push(f()));
  const q = (x: number[]) => { x.sort((a, b) => a - b); return `${(x[0] * 1000).toFixed(1)}/${(x[x.length >> 2] * 1000).toFixed(1)}`; };
  console.log(kernel.padEnd(22), s.join(','), ts.map(q).join('  |  '), 'µs (min/p25)');
}
