/**
 * A/B of the wasm conv kernels across builds, in one process: instantiates the single-thread build from
 * each given binary.ts and alternates calls on W2's layer shapes (stride 1, no padding), 400 rounds, so
 * machine load hits every build alike. Prints min / 25th percentile µs per call for each build.
 *   git show HEAD~1:src/kernels/wasm/binary.ts > /tmp/before.ts
 *   node --import tsx bench/ab-conv.ts /tmp/before.ts ./src/kernels/wasm/binary.ts
 */
import { resolve } from 'node:path';

const files = process.argv.slice(2);
const mods = await Promise.all(files.map((f) => import(resolve(f))));
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const shapes = [
  [32, 12, 10, 1, 11, 7, 2, 2, 4], [32, 11, 7, 2, 10, 4, 4, 2, 4], [32, 10, 4, 4, 8, 1, 4, 3, 4], [32, 10, 3, 1, 9, 2, 2, 2, 2],
];
for (const kernel of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter']) for (const s of shapes) {
  const [B, H, W, C, OH, OW, CO, KH, KW] = s;
  const runs = mods.map((m) => {
    const e = new WebAssembly.Instance(new WebAssembly.Module(dec(m.wasmBase64)), {}).exports as any;
    const mem = e.memory as WebAssembly.Memory; mem.grow(64);
    const f32 = new Float32Array(mem.buffer), i32 = new Int32Array(mem.buffer);
    const base = (Number(e.__heap_base.value) + 15) & ~15;
    const X = base, Wt = X + 4 * 65536, Y = Wt + 4 * 65536, COL = Y + 4 * 65536, P = COL + 4 * 262144, CNT = P + 256;
    for (let i = 0; i < 3 * 65536; i++) f32[(X >> 2) + i] = Math.sin(i);
    const rows = B * OH * OW, K = KH * KW * C;
    const params = [B, H, W, C, OH, OW, CO, KH, KW, 1, 1, 1, 1, 0, 0, Math.min(rows, Math.floor(262144 / K)), 0, rows, rows, CNT, 0];
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
  for (let r = 0; r < 400; r++) runs.forEach((f, i) => ts[i].push(f()));
  const q = (x: number[]) => { x.sort((a, b) => a - b); return `${(x[0] * 1000).toFixed(1)}/${(x[x.length >> 2] * 1000).toFixed(1)}`; };
  console.log(kernel.padEnd(22), s.join(','), ts.map(q).join('  |  '), 'µs (min/p25)');
}
