/** Reference elementwise kernels: unary maps and broadcasting binary ops. */
import type { BinaryOp, UnaryOp } from '../../backend/backend.js';
import { stridesOf } from '../../core/shape.js';

export function unary(op: UnaryOp, x: Float32Array): Float32Array {
  const n = x.length;
  const y = new Float32Array(n);
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) y[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) y[i] = Math.log(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); break;
    case 'square': for (let i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case 'abs': for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]); break;
    case 'sign': for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0; break;
    case 'reciprocal': for (let i = 0; i < n; i++) y[i] = 1 / x[i]; break;
    case 'tanh': for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]); break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        // Two branches keep exp from overflowing for large |v|.
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); y[i] = e / (1 + e); }
      }
      break;
    case 'relu': for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0; break;
    case 'step': for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? 1 : 0; break;
    case 'softplus':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      }
      break;
    case 'floor': for (let i = 0; i < n; i++) y[i] = Math.floor(x[i]); break;
    case 'round':
      // Halves go to the even neighbour (NumPy, TensorFlow, Keras); Math.round sends them up.
      for (let i = 0; i < n; i++) {
        const r = Math.round(x[i]);
        y[i] = r - x[i] === 0.5 && r % 2 !== 0 ? r - 1 : r;
      }
      break;
    default: throw new Error(`Unknown unary op ${op as string}`);
  }
  return y;
}

function scalarFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'maximum': return (a, b) => (a > b ? a : b);
    case 'minimum': return (a, b) => (a < b ? a : b);
    case 'pow': return (a, b) => Math.pow(a, b);
    case 'greater': return (a, b) => (a > b ? 1 : 0);
    case 'greaterEqual': return (a, b) => (a >= b ? 1 : 0);
    case 'equal': return (a, b) => (a === b ? 1 : 0);
    default: throw new Error(`Unknown binary op ${op as string}`);
  }
}

export function binary(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[],
  outShape: number[]): Float32Array {
  const n = outShape.reduce((p, d) => p * d, 1);
  const y = new Float32Array(n);
  // Fast paths: same shape, or one side a scalar.
  if (a.length === n && b.length === n) {
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) y[i] = a[i] + b[i]; return y;
      case 'sub': for (let i = 0; i < n; i++) y[i] = a[i] - b[i]; return y;
      case 'mul': for (let i = 0; i < n; i++) y[i] = a[i] * b[i]; return y;
      case 'div': for (let i = 0; i < n; i++) y[i] = a[i] / b[i]; return y;
      default: { const f = scalarFn(op); for (let i = 0; i < n; i++) y[i] = f(a[i], b[i]); return y; }
    }
  }
  const f = scalarFn(op);
  if (b.length === 1) { const bv = b[0]; for (let i = 0; i < n; i++) y[i] = f(a[i], bv); return y; }
  if (a.length === 1) { const av = a[0]; for (let i = 0; i < n; i++) y[i] = f(av, b[i]); return y; }
  // Trailing-block broadcast: b repeats along leading axes of a (e.g. bias add).
  if (a.length === n && n % b.length === 0 && suffixMatches(aShape, bShape)) {
    const m = b.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) y[i + j] = f(a[i + j], b[j]);
    return y;
  }
  // General case: walk the output with per-input strides (0 on broadcast axes).
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    y[i] = f(a[ia], b[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return y;
}

function suffixMatches(aShape: number[], bShape: number[]): boolean {
  // b's shape without leading 1s must equal a's trailing axes.
  let k = 0;
  while (k < bShape.length && bShape[k] === 1) k++;
  const core = bShape.slice(k);
  if (core.length > aShape.length) return false;
  const off = aShape.length - core.length;
  for (let i = 0; i < core.length; i++) if (core[i] !== aShape[off + i]) return false;
  return true;
}

function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const rank = outShape.length;
  const own = stridesOf(shape);
  const s = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = rank - shape.length + i;
    s[d] = shape[i] === 1 && outShape[d] !== 1 ? 0 : own[i];
  }
  return s;
}
