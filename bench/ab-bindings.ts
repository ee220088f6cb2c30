/**
 * A/B of the wasm backend's epilogue and max-pooling calls through their bindings (copies, output
 * allocation and all), in one process: imports wasmBackend from each given built dist/ (e.g. main's,
 * unpacked and built in /tmp, and this checkout's) and runs W5's forward and backward sequence around
 * the first conv layer on each in turn, on fresh arrays as training makes them. Prints min / 25th
 * percentile µs per call for each build.
 *   git archive main | tar -x -C /tmp/main && (cd /tmp/main && ln -s $PWD/node_modules . && npm run build)
 *   npm run build && node --import tsx bench/ab-bindings.ts /tmp/main/dist ./dist
 * ROUNDS (default 20) sets the rounds.
 */
import { resolve } from 'node:path';

const dirs = process.argv.slice(2);
const backends = await Promise.all(dirs.map(async (d) => (await import(resolve(d, 'kernels/wasm/index.js'))).wasmBackend));
const rounds = Number(process.env.ROUNDS ?? 20);
const fresh = (n: number, f: (i: number) => number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = f(i); return a; };

// W5 layers: conv -> 128x26x26x32 (+bias, relu), pool 2; conv -> 128x11x11x64 (+bias, relu), pool 2.
for (const [H, C] of [[26, 32], [11, 64]]) {
  const n = 128 * H * H * C, O = H >> 1;
  const p = { batch: 128, inHeight: H, inWidth: H, channels: C, outHeight: O, outWidth: O, poolHeight: 2, poolWidth: 2,
    strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0 };
  const bias = fresh(C, (i) => 0.01 * i - 0.1);
  const names = ['biasActivation (out = z)', 'maxPool2d', 'maxPool2dBackprop', 'biasActivationGrad'];
  const ts = names.map(() => backends.map(() => [] as number[]));
  for (let r = 0; r < rounds; r++) {
    backends.forEach((b, k) => {
      const z = fresh(n, (i) => Math.sin(i * 1.3));
      let t = performance.now();
      const y = b.biasActivation(z, bias, 'relu', z);
      ts[0][k].push(performance.now() - t);
      t = performance.now();
      b.maxPool2d(y, p);
      ts[1][k].push(performance.now() - t);
      const dPool = fresh(128 * O * O * C, (i) => Math.cos(i));
      t = performance.now();
      const dy = b.maxPool2dBackprop(dPool, y, p);
      ts[2][k].push(performance.now() - t);
      t = performance.now();
      b.biasActivationGrad(dy, y, 'relu', C);
      ts[3][k].push(performance.now() - t);
    });
  }
  const q = (x: number[]) => { x.sort((a, b) => a - b); return `${(x[0] * 1000).toFixed(0)}/${(x[x.length >> 2] * 1000).toFixed(0)}`; };
  names.forEach((name, j) => console.log(`${name} 128x${H}x${H}x${C}`.padEnd(44), ts[j].map(q).join('  |  '), 'µs (min/p25)'));
}
