// The seed's first question, trained: one (10, 3) input, two outputs — the (12, 10) matrix and an
// array of 10 values (here: for each row, which column holds its 1, scaled to 0..1).
import { Input, Model, layers, optimizers, setSeed, tensor } from 'kerats';

setSeed(3);
let s = 99;
const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
function makeData(n) {
  const x = new Float32Array(n * 30);
  const matrix = new Float32Array(n * 120);
  const array = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 10; r++) {
      const c = Math.floor(rand() * 3);
      x[i * 30 + r * 3 + c] = 1;
      for (let k = 0; k < 3; k++) matrix[i * 120 + (r + 1) * 10 + 3 * c + k] = 1;
      array[i * 10 + r] = c / 2;
    }
  }
  return { x: tensor(x, [n, 10, 3, 1]), matrix: tensor(matrix, [n, 12, 10, 1]), array: tensor(array, [n, 10]) };
}

const inp = Input([10, 3, 1]);
let h = new layers.Conv2D(8, [1, 3], { activation: 'relu' }).apply(inp); // reads each row: (None, 10, 1, 8)
let m = new layers.Conv2DTranspose(4, [3, 10], { activation: 'relu' }).apply(h); // (None, 12, 10, 4)
const matrix = new layers.Conv2D(1, [1, 1], { name: 'matrix' }).apply(m);
const array = new layers.Dense(10, { activation: 'sigmoid', name: 'array' }).apply(new layers.Flatten().apply(h));
const model = new Model(inp, [matrix, array]);
model.summary();

model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: { matrix: 'mse', array: 'mse' }, lossWeights: { matrix: 1, array: 0.5 }, metrics: { array: ['mae'] } });
const data = makeData(1500);
const epochs = Number(process.env.EPOCHS ?? 10);
const history = await model.fit(data.x, [data.matrix, data.array], { epochs, batchSize: 32, validationSplit: 0.2, verbose: 2 });
console.log('History keys:', Object.keys(history.history).join(', '));
const l = history.history.loss;
console.log(`loss ${l[0].toFixed(4)} -> ${l[l.length - 1].toFixed(4)}`);
