// The seed's first question, answered: a deconv net takes a (10, 3) matrix of 0s and 1s (as a
// (10, 3, 1) single-channel image) to a (12, 10) matrix (as (12, 10, 1)). Run: npm start
import { Input, Model, layers, optimizers, setSeed, tensor } from 'kerats';

setSeed(42);

// The architecture from the seed's answer, line for line.
const inp = Input([10, 3, 1]);
let x = new layers.Conv2D(2, [2, 2]).apply(inp); // convolution part
x = new layers.Conv2D(4, [2, 2]).apply(x);
x = new layers.Conv2DTranspose(4, [3, 4]).apply(x); // deconvolution part
x = new layers.Conv2DTranspose(2, [2, 4]).apply(x);
const out = new layers.Conv2DTranspose(1, [2, 4]).apply(x);
const model = new Model(inp, out);
model.summary();

// A generated task: each of the 10 rows holds a 1 in one of its 3 columns, or none. A 1 in row r,
// column c lights up columns 3c, 3c+1 and 3c+2 of row r+1 in the (12, 10) output: where the 1s of the
// output sit is a fixed function of where the 1s of the input sit.
let state = 12345; // a small fixed-seed generator, so every run shows the same data
const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
function makeData(n) {
  const xs = new Float32Array(n * 30);
  const ys = new Float32Array(n * 120);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 10; r++) {
      const c = Math.floor(rand() * 4); // 3 means "no 1 in this row"
      if (c === 3) continue;
      xs[i * 30 + r * 3 + c] = 1;
      for (let k = 0; k < 3; k++) ys[i * 120 + (r + 1) * 10 + 3 * c + k] = 1;
    }
  }
  return { x: tensor(xs, [n, 10, 3, 1]), y: tensor(ys, [n, 12, 10, 1]) };
}
const { x: xTrain, y: yTrain } = makeData(2000);

model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
const history = await model.fit(xTrain, yTrain, { epochs: 15, batchSize: 32, validationSplit: 0.2 });
const losses = history.history.loss;
console.log(`\nloss fell from ${losses[0].toFixed(4)} to ${losses[losses.length - 1].toFixed(4)}`);

// One input and what the model predicts for it.
const { x: xOne, y: yOne } = makeData(1);
const pred = model.predict(xOne);
const show = (t, rows, cols) => {
  const v = t.dataSync();
  const lines = [];
  for (let r = 0; r < rows; r++) lines.push('  ' + Array.from(v.slice(r * cols, (r + 1) * cols), (n) => String(Math.round(n) || 0).padStart(2)).join(' '));
  return lines.join('\n');
};
console.log('\ninput (10 x 3):\n' + show(xOne, 10, 3));
console.log('\ntarget (12 x 10):\n' + show(yOne, 12, 10));
console.log('\nprediction, rounded (12 x 10):\n' + show(pred, 12, 10));
