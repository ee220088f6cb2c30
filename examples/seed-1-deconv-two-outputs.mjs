// Seed question 1: a (10, 3) matrix of 0s and 1s in, a (12, 10) matrix out — plus a second output,
// an array that depends on where the 1s are. A functional model with two outputs.
import { Input, Model, layers } from 'kerats';

const inp = Input([10, 3, 1]); // a (10, 3) matrix is a one-channel (10, 3, 1) image
let x = new layers.Conv2D(2, [2, 2]).apply(inp);
x = new layers.Conv2D(4, [2, 2]).apply(x);
let m = new layers.Conv2DTranspose(4, [3, 4]).apply(x);
m = new layers.Conv2DTranspose(2, [2, 4]).apply(m);
const matrix = new layers.Conv2DTranspose(1, [2, 4], { name: 'matrix' }).apply(m);
const flat = new layers.Flatten().apply(x);
const array = new layers.Dense(10, { activation: 'sigmoid', name: 'array' }).apply(flat);

const model = new Model(inp, [matrix, array]);
model.summary();
console.log(`matrix output shape: (${matrix.shape.map((d) => d ?? 'None').join(', ')})`);
console.log(`array output shape: (${array.shape.map((d) => d ?? 'None').join(', ')})`);
console.log(`deconv part alone: 325 params; with the array head: ${model.countParams()} params`);
