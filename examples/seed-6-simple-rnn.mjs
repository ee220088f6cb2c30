// Seed question 6: SimpleRNN refuses a 2-D input, and chaining two RNNs needs returnSequences.
import { Input, Model, layers } from 'kerats';

try {
  new layers.SimpleRNN(10).apply(Input([2]));
} catch (e) {
  console.log(`Input([2]) -> SimpleRNN(10): ${e.message}\n`);
}
const x = Input([2, 1]); // 2 timesteps of 1 feature
const rnn = new layers.SimpleRNN(10);
const y = rnn.apply(x);
console.log(`Input([2, 1]) -> SimpleRNN(10): (None, ${y.shape[1]}), ${rnn.countParams()} params = 10 x (1 + 10 + 1)`);

try {
  new layers.SimpleRNN(10).apply(new layers.SimpleRNN(10).apply(Input([2, 1])));
} catch (e) {
  console.log(`\nchained without returnSequences: ${e.message}\n`);
}
const inp = Input([2, 1]);
const h = new layers.SimpleRNN(10, { returnSequences: true }).apply(inp);
const out = new layers.SimpleRNN(10).apply(h);
console.log(`with returnSequences: first RNN (None, ${h.shape.slice(1).join(', ')}), second (None, ${out.shape[1]})`);
new Model(inp, out).summary();
