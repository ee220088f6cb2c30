// An LSTM on a generated sequence task: read 20 noisy steps of a sine wave, predict the next value.
import { Sequential, layers, optimizers, setSeed, tensor } from 'kerats';

setSeed(7);
const steps = 20;
const n = 1200;
const xs = new Float32Array(n * steps);
const ys = new Float32Array(n);
let s = 1;
const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
for (let i = 0; i < n; i++) {
  const phase = rand() * 2 * Math.PI;
  const freq = 0.2 + rand() * 0.3;
  for (let t = 0; t < steps; t++) xs[i * steps + t] = Math.sin(phase + freq * t) + 0.05 * (rand() - 0.5);
  ys[i] = Math.sin(phase + freq * steps);
}
const x = tensor(xs, [n, steps, 1]);
const y = tensor(ys, [n, 1]);

const model = new Sequential([
  new layers.LSTM(16, { inputShape: [steps, 1] }),
  new layers.Dense(1),
]);
model.summary();
model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
const epochs = Number(process.env.EPOCHS ?? 8);
const history = await model.fit(x, y, { epochs, batchSize: 32, validationSplit: 0.2, verbose: 2 });
const mae = history.history.val_mae;
console.log(`val_mae: ${mae[0].toFixed(3)} after epoch 1 -> ${mae[mae.length - 1].toFixed(3)} after epoch ${epochs}`);
