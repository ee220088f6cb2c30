// Seed question 3: a Conv1D kernel on a (45, 45) input has 7,200 weights, not 800. Why?
import { Input, layers } from 'kerats';

const conv1d = new layers.Conv1D(32, 5, { padding: 'same', useBias: false });
const y1 = conv1d.apply(Input([45, 45]));
const [k1] = conv1d.getWeights();
console.log(`Conv1D(32, 5) on (45, 45): output (None, ${y1.shape.slice(1).join(', ')}), kernel shape (${k1.shape.join(', ')}) = ${k1.size} weights`);
console.log('  Conv1D slides along the first axis only; the 45 values of each step are its input channels: 5 x 45 x 32 = 7200');

const conv2d = new layers.Conv2D(32, 5, { padding: 'same', useBias: false });
const y2 = conv2d.apply(Input([45, 45, 1]));
const [k2] = conv2d.getWeights();
console.log(`Conv2D(32, 5) on (45, 45, 1): output (None, ${y2.shape.slice(1).join(', ')}), kernel shape (${k2.shape.join(', ')}) = ${k2.size} weights`);
console.log('  for an image, use Conv2D with a channels axis: 5 x 5 x 1 x 32 = 800');
