// Seed question 3, end to end: a Conv1D classifier on (45, 45) inputs, trained, exported to C for a
// Cortex-M4, compiled with gcc, and checked against model.predict. The M4 size is printed when
// arm-none-eabi-gcc is installed (Debian: apt-get install gcc-arm-none-eabi).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Sequential, exportC, layers, setSeed, tensor } from 'kerats';

setSeed(3);
// Generated "signs": 45 rows of 45 values; class k lights a band of 6 columns starting at 11 k, at random rows.
const N = 400;
const x = new Float32Array(N * 45 * 45);
const y = new Float32Array(N);
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
for (let n = 0; n < N; n++) {
  const k = n % 4;
  y[n] = k;
  for (let r = 0; r < 45; r++) {
    const lit = rand() < 0.3;
    for (let c = 0; c < 45; c++) x[(n * 45 + r) * 45 + c] = 0.3 * rand() + (lit && c >= 11 * k && c < 11 * k + 6 ? 0.7 : 0);
  }
}

const model = new Sequential([
  Input([45, 45]),
  new layers.Conv1D(8, 5, { padding: 'same', activation: 'relu' }),
  new layers.GlobalMaxPooling1D(),
  new layers.Dense(4, { activation: 'softmax' }),
]);
model.summary();
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const epochs = Number(process.env.EPOCHS ?? 5);
const history = await model.fit(tensor(x, [N, 45, 45]), tensor(y, [N]), { epochs, batchSize: 32, verbose: 0 });
const acc = history.history.accuracy;
console.log(`trained ${epochs} epochs: accuracy ${acc[0].toFixed(2)} -> ${acc[acc.length - 1].toFixed(2)}`);

const dir = mkdtempSync(join(tmpdir(), 'kerats-seed3-'));
try {
  exportC(model, { name: 'sign_classifier', dir });
  console.log(`exported ${join(dir, 'sign_classifier.h')} and sign_classifier.c`);

  if (spawnSync('gcc', ['--version']).status !== 0) {
    console.log('gcc is not installed: skipping the compile-and-compare step');
  } else {
    // A main that reads samples from stdin and prints the 4 class probabilities of each.
    writeFileSync(join(dir, 'main.c'), `#include <stdio.h>
#include "sign_classifier.h"
int main(void) {
  static float in[SIGN_CLASSIFIER_INPUT_SIZE], out[SIGN_CLASSIFIER_OUTPUT_SIZE];
  for (;;) {
    for (int i = 0; i < SIGN_CLASSIFIER_INPUT_SIZE; i++) if (scanf("%f", &in[i]) != 1) return 0;
    sign_classifier_predict(in, out);
    for (int i = 0; i < SIGN_CLASSIFIER_OUTPUT_SIZE; i++) printf("%.9g\\n", out[i]);
  }
}
`);
    const exe = join(dir, 'predict');
    execFileSync('gcc', ['-std=c99', '-Wall', '-Werror', '-O2', '-o', exe, join(dir, 'main.c'), join(dir, 'sign_classifier.c'), '-lm']);
    const samples = 10;
    const input = x.subarray(0, samples * 45 * 45);
    const fromC = execFileSync(exe, { input: Array.from(input, (v) => v.toPrecision(9)).join('\n') }).toString().trim().split('\n').map(Number);
    const fromKerats = model.predict(tensor(input, [samples, 45, 45])).dataSync();
    let maxDiff = 0;
    for (let i = 0; i < fromKerats.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fromC[i] - fromKerats[i]));
    console.log(`C (gcc -std=c99 -O2) vs model.predict on ${samples} samples: max difference ${maxDiff.toExponential(2)}`);
  }

  if (spawnSync('arm-none-eabi-gcc', ['--version']).status !== 0) {
    console.log('arm-none-eabi-gcc is not installed: skipping the Cortex-M4 size (apt-get install gcc-arm-none-eabi)');
  } else {
    const obj = join(dir, 'sign_classifier.o');
    execFileSync('arm-none-eabi-gcc', ['-std=c99', '-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard', '-Os',
      '-c', '-o', obj, join(dir, 'sign_classifier.c')]);
    const [text, data, bss] = execFileSync('arm-none-eabi-size', [obj]).toString().trim().split('\n')[1].trim().split(/\s+/).map(Number);
    console.log(`Cortex-M4 (-Os, hard float): flash ${text + data} bytes (code + ${model.countParams()} float weights), RAM ${data + bss} bytes (scratch)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
