// Seed question 2: why does Conv1D(32, 5, strides=2, padding="same") turn length 128 into 64?
import { Input, layers } from 'kerats';

const x = Input([128, 1]);
const y = new layers.Conv1D(32, 5, { strides: 2, padding: 'same' }).apply(x);
console.log(`input (None, 128, 1) -> output (None, ${y.shape[1]}, ${y.shape[2]})`);
// Keras's rule for 'same': out = ceil(in / stride); the padding makes the windows fit.
const out = Math.ceil(128 / 2);
const total = Math.max((out - 1) * 2 + 5 - 128, 0);
console.log(`'same' means out = ceil(128 / 2) = ${out}; total padding = max((${out} - 1) * 2 + 5 - 128, 0) = ${total}: ` +
  `${Math.floor(total / 2)} before, ${total - Math.floor(total / 2)} after`);
for (const strides of [1, 2, 3]) {
  const z = new layers.Conv1D(32, 5, { strides, padding: 'same' }).apply(Input([128, 1]));
  console.log(`strides=${strides}: length ${z.shape[1]}`);
}
