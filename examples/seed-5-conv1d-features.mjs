// Seed question 5: Conv1D(100, 10) on (128, 9) gives (None, 119, 100), not (119, 900): each filter
// sums over all 9 features. The seed's experiment with a kernel of ones shows it.
import { Input, layers, randomUniform, ops } from 'kerats';

const conv = new layers.Conv1D(100, 10, { activation: 'relu' });
const y = conv.apply(Input([128, 9]));
console.log(`Conv1D(100, 10) on (128, 9): (None, ${y.shape.slice(1).join(', ')}), ${conv.countParams()} params = 10 x 9 x 100 + 100`);

const x = randomUniform([1, 128, 9]);
const ones = new layers.Conv1D(1, 3, { activation: 'linear', kernelInitializer: 'ones' });
const out = ones.apply(x).dataSync();
const featureSum = ops.sum(x, -1).dataSync(); // sum over the feature axis
const firstThree = featureSum[0] + featureSum[1] + featureSum[2];
console.log(`sum over features, steps 0..2: ${firstThree.toFixed(5)}`);
console.log(`conv output at step 0:        ${out[0].toFixed(5)}`);
console.log(Math.abs(firstThree - out[0]) < 1e-4 ? 'equal: the kernel sums over features and over the window' : 'MISMATCH');
