/**
 * The (before, after) amounts ZeroPadding2D and Cropping2D take per spatial axis, read as Keras does
 * (keras/src/layers/reshaping/zero_padding2d.py, cropping2d.py): an int, 2 ints (symmetric height,
 * width), or 2 pairs ((top, bottom), (left, right)).
 */
import { ValueError } from '../../core/errors.js';
import { normalizeTuple } from '../convolutional/convArgs.js';

export type Pair = [number, number];
export type PairsArg = number | [number, number] | [[number, number], [number, number]];

export function normalizePairs2D(value: unknown, name: 'padding' | 'cropping'): [Pair, Pair] {
  const what = name === 'padding' ? 'pad' : 'crop';
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(`\`${name}\` cannot be negative. Received: ${name}=${value}.`);
    }
    return [[value, value], [value, value]];
  }
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new ValueError(`\`${name}\` should have two elements. Received: ${name}=${JSON.stringify(value)}.`);
    }
    const [h0, h1] = normalizeTuple(value[0], 2, `1st entry of ${name}`, true);
    const [w0, w1] = normalizeTuple(value[1], 2, `2nd entry of ${name}`, true);
    return [[h0, h1], [w0, w1]];
  }
  throw new ValueError(
    `\`${name}\` should be either an int, a tuple of 2 ints (symmetric_height_${what}, symmetric_width_${what}), ` +
      `or a tuple of 2 tuples of 2 ints ((top_${what}, bottom_${what}), (left_${what}, right_${what})). Received: ${name}=${JSON.stringify(value)}.`,
  );
}
