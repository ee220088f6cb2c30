/**
 * A/B of W5's memory-bound kernels across builds, in one process: biasActivationGrad (relu), biasActivation
 * (relu), maxPool2d and maxPool2dBackprop (2x2, stride 2) on W5's shapes (MNIST convnet, batch 128). For each
 * given binary.ts it instantiates the single-thread build and times, alternating builds every round so
 * machine load hits them alike:
 * - `kernel`: the kernel alone on data already in wasm memory;
 * - `whole`: the call as a binding makes it with one copy in, the kernel, and `slice` out (main's bindings);
 *   biasActivation, as the layers call it, writes back into z instead (out = z);
 * - `resident P`: the kernel alone over the call, one piece of about P floats at a time, in cache (no copies);
 * - `pieces P`: the binding streaming pieces of about P floats (copy in, kernel, copy into the result array).
 * Prints min / 25th percentile µs per call.
 *   git show main:src/kernels/wasm/binary.ts > /tmp/before.ts
 *   node --import tsx bench/ab-epilogue.ts /tmp/before.ts ./src/kernels/wasm/binary.ts
 * ROUNDS (default 30) sets the rounds; PIECES (default "65536") the piece sizes, comma-separated.
 */
import { resolve } from 'node:path';

const files = process.argv.slice(2);
const mods = await Promise.all(files.map((f) => import(resolve(f))));
const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const rounds = Number(process.env.ROUNDS ?? 30);
const pieces = (process.env.PIECES ?? '65536').split(',').map(Number);
const RELU = 1;

interface Case { name: string; inputs: number[]; output: number; imageFloats: number[]; outImage: number;
  run(e: any, i32: Int32Array, at: number[], images: number): void }

// W5: conv 3x3 -> 128x26x26x32, relu, pool 2 -> 13x13x32, conv 3x3 -> 128x11x11x64, relu, pool 2 -> 5x5x64.
const pool = (B: number, H: number, C: number) => [B, H, H, C, H >> 1, H >> 1, 2, 2, 2, 2, 0, 0];
const cases: Case[] = [];
for (const [H, C] of [[26, 32], [11, 64]]) {
  const n = 128 * H * H * C, O = H >> 1;
  cases.push({ name: `biasActivationGrad relu 128x${H}x${H}x${C}`, inputs: [n, n], output: 0, imageFloats: [C, C], outImage: 0,
    run: (e, _, [dy, y, dbias, acc], rows) => e.biasActivationGrad(dy, y, dy, dbias, acc, rows * C, C, RELU) });
  cases.push({ name: `biasActivation relu 128x${H}x${H}x${C}`, inputs: [n], output: 0, imageFloats: [C], outImage: 0,
    run: (e, _, [z, bias], rows) => e.biasActivation(z, bias, z, rows * C, C, RELU) });
  cases.push({ name: `maxPool2d 128x${H}x${H}x${C}`, inputs: [n], output: 128 * O * O * C, imageFloats: [H * H * C], outImage: O * O * C,
    run: (e, i32, [x, y, p], b) => { i32.set(pool(b, H, C), p >> 2); e.maxPool2d(x, y, p); } });
  cases.push({ name: `maxPool2dBackprop 128x${H}x${H}x${C}`, inputs: [128 * O * O * C, n], output: n, imageFloats: [O * O * C, H * H * C], outImage: H * H * C,
    run: (e, i32, [dy, x, dx, p], b) => { i32.set(pool(b, H, C), p >> 2); e.maxPool2dBackprop(dy, x, dx, p); } });
}
// A helper's extra regions: epilogue cases get (channels, 2 channels) for bias/dbias and acc; pool cases 16 ints.

for (const c of cases) {
  const epilogue = c.output === 0;
  const units = c.inputs[0] / c.imageFloats[0]; // rows (epilogue) or images (pool)
  const outFloats = epilogue ? c.inputs[0] : c.output;
  const outUnit = epilogue ? c.imageFloats[0] : c.outImage;
  // The layers call biasActivation with out = z (overwriteInput): the result goes back into z, no fresh array.
  const inPlace = c.name.startsWith('biasActivation ');
  const srcs = c.inputs.map((n, k) => Float32Array.from({ length: n }, (_, i) => (k === 1 && c.name.startsWith('biasActivationGrad')
    ? Math.max(0, Math.sin(i * 0.7)) : Math.sin(i * 1.3 + k))));
  const makers = mods.map((m) => {
    const e = new WebAssembly.Instance(new WebAssembly.Module(dec(m.wasmBase64)), {}).exports as any;
    const mem = e.memory as WebAssembly.Memory;
    const base = (Number(e.__heap_base.value) + 15) & ~15;
    const extra = epilogue ? [c.imageFloats[0], 2 * c.imageFloats[0]] : [16];
    const layout = (perUnit: number[], count: number) => {
      const sizes = [...perUnit.map((f) => f * count), ...(epilogue ? [] : [outUnit * count]), ...extra];
      const at: number[] = [];
      let end = base;
      for (const s of sizes) { at.push(end); end = (end + 4 * s + 15) & ~15; }
      if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
      return at;
    };
    const view = () => ({ f32: new Float32Array(mem.buffer), i32: new Int32Array(mem.buffer) });
    const zeroAcc = (f32: Float32Array, at: number[]) => { if (c.name.startsWith('biasActivationGrad')) f32.fill(0, at[3] >> 2, (at[3] >> 2) + 2 * c.imageFloats[0]); };
    const outAt = (at: number[]) => at[epilogue ? 0 : c.inputs.length];
    const kernel = () => {
      const at = layout(c.imageFloats, units), { f32, i32 } = view();
      srcs.forEach((s, k) => f32.set(s, at[k] >> 2));
      return () => { zeroAcc(f32, at); const t = performance.now(); c.run(e, i32, at, units); return performance.now() - t; };
    };
    const whole = () => {
      const at = layout(c.imageFloats, units), { f32, i32 } = view();
      return () => {
        const t = performance.now();
        srcs.forEach((s, k) => f32.set(s, at[k] >> 2));
        zeroAcc(f32, at);
        c.run(e, i32, at, units);
        const o = outAt(at) >> 2;
        if (inPlace) srcs[0].set(f32.subarray(o, o + outFloats));
        else f32.slice(o, o + outFloats);
        return performance.now() - t;
      };
    };
    const pieced = (p: number) => {
      const per = Math.max(1, Math.floor(p / c.imageFloats[c.imageFloats.length - 1]));
      const at = layout(c.imageFloats, per), { f32, i32 } = view();
      return () => {
        const t = performance.now();
        const out = inPlace ? srcs[0] : new Float32Array(outFloats);
        zeroAcc(f32, at);
        const o = outAt(at) >> 2;
        for (let u = 0; u < units; u += per) {
          const k = Math.min(per, units - u);
          srcs.forEach((s, j) => f32.set(s.subarray(u * c.imageFloats[j], (u + k) * c.imageFloats[j]), at[j] >> 2));
          c.run(e, i32, at, k);
          out.set(f32.subarray(o, o + k * outUnit), u * outUnit);
        }
        return performance.now() - t;
      };
    };
    // The kernel alone over the whole call's units, one resident piece at a time (no copies): its cost in cache.
    const resident = (p: number) => {
      const per = Math.max(1, Math.floor(p / c.imageFloats[c.imageFloats.length - 1]));
      const at = layout(c.imageFloats, per), { f32, i32 } = view();
      srcs.forEach((s, j) => f32.set(s.subarray(0, per * c.imageFloats[j]), at[j] >> 2));
      return () => {
        zeroAcc(f32, at);
        const t = performance.now();
        for (let u = 0; u < units; u += per) c.run(e, i32, at, Math.min(per, units - u));
        return performance.now() - t;
      };
    };
    return { kernel, whole, pieced, resident };
  });
  const variants: [string, (() => number)[]][] = [
    ['kernel', makers.map((m) => m.kernel())],
    ['whole', makers.map((m) => m.whole())],
    ...pieces.map((p) => [`resident ${p}`, makers.map((m) => m.resident(p))] as [string, (() => number)[]]),
    ...pieces.map((p) => [`pieces ${p}`, makers.map((m) => m.pieced(p))] as [string, (() => number)[]]),
  ];
  for (const [label, runs] of variants) {
    const ts = runs.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) runs.forEach((f, i) => ts[i].push(f()));
    const q = (x: number[]) => { x.sort((a, b) => a - b); return `${(x[0] * 1000).toFixed(0)}/${(x[x.length >> 2] * 1000).toFixed(0)}`; };
    console.log(c.name.padEnd(36), label.padEnd(13), ts.map(q).join('  |  '), 'µs (min/p25)');
  }
}
