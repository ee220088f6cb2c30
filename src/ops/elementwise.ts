/** Elementwise math with NumPy broadcasting; each op's gradient rule sits beside its forward. */
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { broadcastShapes } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';

// ---- raw (unrecorded) helpers used inside backward rules ----
function rawUnary(op: UnaryOp, x: Tensor): Tensor {
  return new Tensor(backend().unary(op, x.values), x.shape);
}
function rawBinary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  return new Tensor(backend().binary(op, a.values, a.shape, b.values, b.shape, shape), shape);
}

function scalar(v: number): Tensor {
  return new Tensor(new Float32Array([v]), []);
}

/** Sums `dy` over the axes that broadcasting added or stretched, back to `shape`. */
export function unbroadcast(dy: Tensor, shape: readonly number[]): Tensor {
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? backend().reduce('sum', dy.values, dy.shape, axes) : dy.values;
  return new Tensor(summed, shape);
}

function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike,
  grad: ((dy: Tensor, A: Tensor, B: Tensor, out: Tensor) => [Tensor | null, Tensor | null]) | null): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  const out = rawBinary(op, A, B);
  if (!grad) return out;
  return recordOp(out, [A, B], (dy) => {
    const [ga, gb] = grad(dy, A, B, out);
    return [ga && unbroadcast(ga, A.shape), gb && unbroadcast(gb, B.shape)];
  });
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('add', a, b, (dy) => [dy, dy]);
}
export function subtract(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('sub', a, b, (dy) => [dy, rawUnary('neg', dy)]);
}
export function multiply(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b, (dy, A, B) => [rawBinary('mul', dy, B), rawBinary('mul', dy, A)]);
}
export function divide(a: TensorLike, b: TensorLike): Tensor {
  // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -out/b
  return binaryOp('div', a, b, (dy, _A, B, out) => [
    rawBinary('div', dy, B),
    rawUnary('neg', rawBinary('div', rawBinary('mul', dy, out), B)),
  ]);
}
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  // Ties send the gradient to `a`, as TensorFlow does.
  return binaryOp('maximum', a, b, (dy, A, B) => {
    const mask = rawBinary('greaterEqual', A, B);
    return [rawBinary('mul', dy, mask), rawBinary('mul', dy, rawBinary('sub', scalar(1), mask))];
  });
}
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', a, b, (dy, A, B) => {
    const mask = rawBinary('greaterEqual', B, A);
    return [rawBinary('mul', dy, mask), rawBinary('mul', dy, rawBinary('sub', scalar(1), mask))];
  });
}
export function power(a: TensorLike, b: TensorLike): Tensor {
  // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log(a)
  return binaryOp('pow', a, b, (dy, A, B, out) => [
    rawBinary('mul', dy, rawBinary('mul', B, rawBinary('pow', A, rawBinary('sub', B, scalar(1))))),
    rawBinary('mul', dy, rawBinary('mul', out, rawUnary('log', A))),
  ]);
}
/** 1 where a > b, else 0. Not differentiable. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('greater', a, b, null);
}
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('equal', a, b, null);
}

function unaryOp(op: UnaryOp, x: TensorLike, grad: ((dy: Tensor, X: Tensor, out: Tensor) => Tensor) | null): Tensor {
  const X = toTensor(x);
  const out = rawUnary(op, X);
  if (!grad) return out;
  return recordOp(out, [X], (dy) => [grad(dy, X, out)]);
}

export function negative(x: TensorLike): Tensor {
  return unaryOp('neg', x, (dy) => rawUnary('neg', dy));
}
export function exp(x: TensorLike): Tensor {
  return unaryOp('exp', x, (dy, _X, out) => rawBinary('mul', dy, out));
}
export function log(x: TensorLike): Tensor {
  return unaryOp('log', x, (dy, X) => rawBinary('div', dy, X));
}
export function sqrt(x: TensorLike): Tensor {
  // d sqrt(x) = 1 / (2 sqrt(x))
  return unaryOp('sqrt', x, (dy, _X, out) => rawBinary('div', dy, rawBinary('mul', out, scalar(2))));
}
export function square(x: TensorLike): Tensor {
  return unaryOp('square', x, (dy, X) => rawBinary('mul', dy, rawBinary('mul', X, scalar(2))));
}
export function abs(x: TensorLike): Tensor {
  return unaryOp('abs', x, (dy, X) => rawBinary('mul', dy, rawUnary('sign', X)));
}
export function sign(x: TensorLike): Tensor {
  return unaryOp('sign', x, null);
}
export function floor(x: TensorLike): Tensor {
  return unaryOp('floor', x, null);
}
export function round(x: TensorLike): Tensor {
  return unaryOp('round', x, null);
}
export function reciprocal(x: TensorLike): Tensor {
  // d(1/x) = -1/x^2 = -out^2
  return unaryOp('reciprocal', x, (dy, _X, out) => rawUnary('neg', rawBinary('mul', dy, rawUnary('square', out))));
}
export function tanh(x: TensorLike): Tensor {
  // d tanh = 1 - tanh^2
  return unaryOp('tanh', x, (dy, _X, out) =>
    rawBinary('mul', dy, rawBinary('sub', scalar(1), rawUnary('square', out))));
}
export function sigmoid(x: TensorLike): Tensor {
  // d sigmoid = s (1 - s)
  return unaryOp('sigmoid', x, (dy, _X, out) =>
    rawBinary('mul', dy, rawBinary('mul', out, rawBinary('sub', scalar(1), out))));
}
export function relu(x: TensorLike): Tensor {
  return unaryOp('relu', x, (dy, X) => rawBinary('mul', dy, rawUnary('step', X)));
}
export function softplus(x: TensorLike): Tensor {
  // d softplus = sigmoid
  return unaryOp('softplus', x, (dy, X) => rawBinary('mul', dy, rawUnary('sigmoid', X)));
}
/** Differentiable clip: the gradient passes where min <= x <= max. */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  return minimum(maximum(x, min), max);
}
