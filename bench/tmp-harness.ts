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
