/** The `kerats` command as a user runs it: a subprocess on dist/ (npm test builds dist first). */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkXml, svgTexts } from '../plot/xml.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
// The real Keras files in ../shared (CI has shared/ beside the repository).
const KERAS_FILES = fileURLToPath(new URL('../../../shared/fixtures/keras-files/', import.meta.url));

function kerats(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failed command: exit code 1, exactly one line on stderr, no stack trace, nothing on stdout. */
function assertOneLineError(r: ReturnType<typeof kerats>, pattern: RegExp) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stderr, pattern);
}

describe('kerats CLI', () => {
  let dir = '';
  before(() => {
    assert.ok(existsSync(MAIN), 'dist/cli/main.js is missing: run npm run build');
    dir = mkdtempSync(join(tmpdir(), 'kerats-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with a node shebang so npm can link it as the kerats bin', () => {
    assert.equal(readFileSync(MAIN, 'utf8').split('\n')[0], '#!/usr/bin/env node');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(pkg.bin.kerats, 'dist/cli/main.js');
  });

  it("explains the seed's Conv1D(32, 5, strides=2, padding='same') on (128, 1): length 64, 192 params", () => {
    const r = kerats('explain', "Conv1D(32, 5, strides=2, padding='same')", '--input', '128,1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(None, 128, 1\) -> \(None, 64, 32\)/);
    assert.match(r.stdout, /ceil\(128 \/ 2\) = 64/);
    assert.match(r.stdout, /split 1 before \/ 2 after/);
    assert.match(r.stdout, /params 5 x 1 x 32 \+ 32 = 192/);
  });

  it("takes the input shape from input_shape=... and explains the seed's 7,200-weight kernel", () => {
    const r = kerats('explain', "Conv1D(32, kernel_size=5, padding='same', input_shape=(45, 45))");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /weight kernel \(5, 45, 32\) = 7200/);
  });

  it('prints the summary with explanations of a Keras model.to_json() file', () => {
    const r = kerats('summary', join(FIXTURES, 'k2_conv1d_weights_only.model.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /conv1_relu \(Conv1D\)\s+\(None, 10, 3\)\s+51/);
    assert.match(r.stdout, /Total params: 171/);
    assert.match(r.stdout, /How each shape and parameter count follows:/);
    assert.match(r.stdout, /fc1_relu \(Dense\): \(None, 10\) -> \(None, 5\)/);
  });

  it('reads a .keras file and a legacy .h5 directly (told by their first bytes)', () => {
    const keras = kerats('summary', join(KERAS_FILES, 'k3_conv1d_dense.keras'));
    assert.equal(keras.code, 0, keras.stderr);
    assert.match(keras.stdout, /conv1d_1 \(Conv1D\)/);
    const h5 = kerats('plot', join(KERAS_FILES, 'k2_conv1d_gru.h5'));
    assert.equal(h5.code, 0, h5.stderr);
    assert.match(h5.stdout, /<svg /);
  });

  it('writes the layer graph as SVG with -o', () => {
    const out = join(dir, 'model.svg');
    const r = kerats('plot', join(FIXTURES, 'k2_conv1d_weights_only.model.json'), '-o', out);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(out, 'utf8');
    checkXml(svg);
    const texts = svgTexts(svg);
    for (const t of ['input_1 (InputLayer)', 'conv3_relu (Conv1D)', 'output_softmax (Dense)', '(None, 10, 4)', '(None, 5)']) assert.ok(texts.includes(t), t);
  });

  it('prints the SVG on stdout without -o', () => {
    const r = kerats('plot', join(FIXTURES, 'k3_dense_sine.config.json'));
    assert.equal(r.code, 0, r.stderr);
    checkXml(r.stdout);
  });

  describe('bad input: one line on stderr, exit code 1', () => {
    it('an unknown layer', () => assertOneLineError(kerats('explain', 'Foo(3)', '--input', '2'), /^kerats explain: Unknown layer: 'Foo'/));
    it('an unparsable call', () => assertOneLineError(kerats('explain', 'Conv1D(32, 5', '--input', '2'), /Cannot parse the layer call/));
    it('an argument the layer does not have', () => assertOneLineError(kerats('explain', 'Dense(3, kernal_size=3)', '--input', '2'), /Dense has no argument 'kernal_size'/));
    it('an impossible shape (a kernel longer than the input), with the fix on the same line', () =>
      assertOneLineError(kerats('explain', 'Conv2D(2, (20, 2))', '--input', '10,3,1'), /output length of -9.*Fix: use padding: 'same'/));
    it('a missing input shape', () => assertOneLineError(kerats('explain', 'Dense(3)'), /--input 128,1/));
    it('a missing file', () => assertOneLineError(kerats('summary', join(dir, 'nope.json')), /No such file: .*nope\.json/));
    it('a file that is not JSON', () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"class_name": ');
      assertOneLineError(kerats('summary', bad), /Model JSON could not be parsed/);
    });
    it('a model with an unknown layer', () => {
      const bad = join(dir, 'unknown.json');
      writeFileSync(bad, JSON.stringify({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2] } }, { class_name: 'NoSuchLayer', config: {} }] } }));
      assertOneLineError(kerats('plot', bad), /Unknown layer: 'NoSuchLayer'/);
    });
    it('an unknown command', () => assertOneLineError(kerats('train'), /Unknown command 'train'/));
  });
});
