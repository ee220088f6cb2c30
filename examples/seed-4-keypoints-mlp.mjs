// Seed question 4: learn a transformation of 10 3-D keypoints with a small MLP (MSE loss, MAE metric).
import { Input, Model, layers, randInt, ops, setSeed } from 'kerats';

setSeed(0);
const X = randInt([3000, 10, 3], -100, 100); // 10 3-D points per sample
const Y = ops.divide(ops.multiply(ops.add(X, 5), 2), 7); // the transformation to learn

const inM = Input([30]);
const f1 = new layers.Dense(100, { activation: 'relu' }).apply(inM);
const f2 = new layers.Dense(30, { activation: 'linear' }).apply(f1);
const model = new Model(inM, f2);
model.summary();
model.compile({ loss: 'mse', metrics: ['mae'], optimizer: 'adam' });

const epochs = Number(process.env.EPOCHS ?? 20);
const hist = await model.fit(X.reshape([3000, 30]), Y.reshape([3000, 30]), { epochs, validationSplit: 0.2, batchSize: 20, verbose: 2 });
const mae = hist.history.val_mae;
console.log(`val_mae: ${mae[0].toFixed(2)} after epoch 1 -> ${mae[mae.length - 1].toFixed(2)} after epoch ${epochs}`);
