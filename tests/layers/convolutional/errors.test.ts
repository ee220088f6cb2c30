/** Wrong inputs and arguments fail early, with Keras's wording and a fix the user can apply. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, ValueError } from '../../../src/core/errors.js';
import * as ops from '../../../src/ops/index.js';
import { Input } from '../../../src/layers/core/input.js';
import { Conv1D, Conv2D, Conv2DTranspose } from '../../../src/layers/convolutional/index.js';

/** Asserts `f` throws an instance of `type` whose message contains every fragment. */
function throwsWith(f: () => unknown, type: typeof ValueError, fragments: string[]): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    for (const fragment of fragments) assert.ok(err.message.includes(fragment), `message lacks "${fragment}":\n${err.message}`);
    return true;
  });
}

describe('convolution layers refuse inputs of the wrong rank, with the fix', () => {
  it('Conv2D on (None, 10, 3) asks for a channels axis: Input([10, 3, 1])', () => {
    throwsWith(() => new Conv2D(2, 2, { name: 'c2' }).apply(Input([10, 3])), ShapeError, [
      'Input 0 of layer "c2" (Conv2D) is incompatible with the layer',
      'expected ndim=4',
      'Received: ndim=3; full shape received: (None, 10, 3)',
      'Conv2D needs (batch, height, width, channels); add a channels axis: Input([10, 3, 1])',
      'Reshape([10, 3, 1])',
    ]);
  });

  it('Conv1D on (None, 128) asks for (batch, steps, channels): Input([128, 1])', () => {
    throwsWith(() => new Conv1D(4, 3).apply(Input([128])), ShapeError, [
      '(Conv1D) is incompatible', 'expected ndim=3', 'Conv1D needs (batch, steps, channels)', 'Input([128, 1])',
    ]);
  });

  it('Conv1D on images points to Conv2D', () => {
    throwsWith(() => new Conv1D(4, 3).apply(Input([45, 45, 1])), ShapeError, ['expected ndim=3', 'use Conv2D']);
  });

  it('Conv2DTranspose on a rank-3 input asks for a channels axis too', () => {
    throwsWith(() => new Conv2DTranspose(1, 2).apply(Input([8, 1])), ShapeError, ['(Conv2DTranspose)', 'Input([8, 1, 1])']);
  });

  it('a concrete tensor of the wrong rank fails the same way', () => {
    throwsWith(() => new Conv2D(2, 2).apply(ops.zeros([4, 10, 3])), ShapeError, ['expected ndim=4', 'Input([10, 3, 1])']);
  });

  it('a built layer refuses a different channel count and says what it was built for', () => {
    const layer = new Conv2D(2, 2);
    layer.apply(Input([5, 5, 3]));
    throwsWith(() => layer.apply(Input([5, 5, 2])), ShapeError, ['axis -1 of input shape to have value 3', 'built for inputs with 3 channels']);
  });
});

describe('a kernel larger than the input with valid padding is a ShapeError that suggests same or a smaller kernel', () => {
  it('Conv1D(4, 10) on 5 steps', () => {
    throwsWith(() => new Conv1D(4, 10, { name: 'short' }).apply(Input([5, 3])), ShapeError, [
      'Layer "short" (Conv1D)', 'input length 5 along steps', 'kernel_size=(10,)', "padding: 'same'", 'kernelSize <= 5',
    ]);
  });

  it('Conv2D with a (2, 5) kernel on a 10 x 3 image fails along the width', () => {
    throwsWith(() => new Conv2D(2, [2, 5]).apply(Input([10, 3, 1])), ShapeError, [
      '(Conv2D)', 'along axis 2 (width)', 'input length 3 along width', 'kernel_size=(2, 5)', "padding: 'same'", 'kernelSize <= 3',
    ]);
  });

  it('a dilated kernel counts its span', () => {
    // kernel 3 with dilation 3 spans 7 > 6
    throwsWith(() => new Conv1D(1, 3, { dilationRate: 3 }).apply(Input([6, 1])), ShapeError, [
      'spans 7 with dilation_rate 3', 'kernelSize <= 2', 'smaller dilationRate',
    ]);
  });

  it('the eager path fails before creating weights', () => {
    const layer = new Conv1D(4, 10);
    throwsWith(() => layer.apply(ops.zeros([2, 5, 3])), ShapeError, ['input length 5']);
    assert.equal(layer.weights.length, 0);
  });

  it('same and causal padding accept any kernel', () => {
    assert.deepEqual(new Conv1D(4, 10, { padding: 'same' }).apply(Input([5, 3])).shape, [null, 5, 4]);
    assert.deepEqual(new Conv1D(4, 10, { padding: 'causal' }).apply(Input([5, 3])).shape, [null, 5, 4]);
  });
});

describe('invalid arguments are refused in the constructor, as Keras does', () => {
  it('filters must be a positive integer', () => {
    throwsWith(() => new Conv1D(0, 3), ValueError, ['Invalid value for argument `filters`', 'Received filters=0']);
    throwsWith(() => new Conv2D(2.5, 3), ValueError, ['Received filters=2.5']);
    throwsWith(() => new Conv2DTranspose(-1, 3), ValueError, ['Received filters=-1']);
  });

  it('kernel_size, strides and dilation_rate need rank positive integers', () => {
    throwsWith(() => new Conv2D(2, 0), ValueError, ['The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=0', 'including values {0} that do not satisfy `value > 0`']);
    throwsWith(() => new Conv2D(2, [3] as unknown as [number, number]), ValueError, ['Received kernel_size=[3]']);
    throwsWith(() => new Conv1D(2, [3, 3] as unknown as [number]), ValueError, ['tuple of 1 integers', 'Received kernel_size=[3, 3]']);
    throwsWith(() => new Conv1D(2, 3, { strides: 0 }), ValueError, ['The `strides` argument must be a tuple of 1 integers']);
    throwsWith(() => new Conv2D(2, 3, { dilationRate: [1, -2] }), ValueError, ['`dilation_rate`', 'including values {-2}']);
  });

  it('padding must be valid or same, or causal for Conv1D only', () => {
    throwsWith(() => new Conv1D(2, 3, { padding: 'full' as 'same' }), ValueError, ["one of {'valid', 'same', 'causal'}", 'Received: padding=full']);
    throwsWith(() => new Conv2D(2, 3, { padding: 'causal' as 'same' }), ValueError, ["one of {'valid', 'same'}", "'causal' is for 1-D convolutions"]);
    throwsWith(() => new Conv2DTranspose(2, 3, { padding: 'causal' as 'same' }), ValueError, ["one of {'valid', 'same'}"]);
    assert.equal(new Conv2D(2, 3, { padding: 'SAME' as 'same' }).padding, 'same');
  });

  it('channels_first and groups other than 1 are refused clearly', () => {
    throwsWith(() => new Conv2D(2, 3, { dataFormat: 'channels_first' }), ValueError, ["data_format='channels_first' is not supported yet", 'channels_last']);
    throwsWith(() => new Conv2D(2, 3, { dataFormat: 'nhwc' as 'channels_last' }), ValueError, ['Received: data_format=nhwc']);
    throwsWith(() => new Conv2D(4, 3, { groups: 2 }), ValueError, ['only groups=1', 'Received: groups=2']);
    throwsWith(() => new Conv1D(4, 3, { groups: 0 }), ValueError, ['The number of groups must be a positive integer. Received: groups=0']);
  });

  it('strides > 1 together with dilation_rate > 1 is refused', () => {
    throwsWith(() => new Conv1D(2, 3, { strides: 2, dilationRate: 2 }), ValueError, [
      '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) and dilation_rate=(2,)',
    ]);
    throwsWith(() => new Conv2DTranspose(2, 3, { strides: [1, 2], dilationRate: [2, 1] }), ValueError, ['strides=(1, 2) and dilation_rate=(2, 1)']);
  });

  it('output_padding must be >= 0 and < strides', () => {
    throwsWith(() => new Conv2DTranspose(2, 3, { outputPadding: 1 }), ValueError, [
      '`output_padding` must be < `strides`. Received: output_padding=(1, 1), strides=(1, 1)',
    ]);
    throwsWith(() => new Conv2DTranspose(2, 3, { strides: [2, 2], outputPadding: [1, 2] }), ValueError, ['output_padding=(1, 2), strides=(2, 2)']);
    throwsWith(() => new Conv2DTranspose(2, 3, { strides: 2, outputPadding: -1 }), ValueError, ['`output_padding`', 'that do not satisfy `value >= 0`']);
    assert.deepEqual(new Conv2DTranspose(2, 3, { strides: 2, outputPadding: 0 }).outputPadding, [0, 0]);
  });

  it('unknown activations, initializers, regularizers and constraints are refused', () => {
    throwsWith(() => new Conv1D(2, 3, { activation: 'relu7' }), ValueError, ["Unknown activation function 'relu7'"]);
    throwsWith(() => new Conv1D(2, 3, { kernelInitializer: 'glorot' }), ValueError, ["Unknown initializer: 'glorot'"]);
    throwsWith(() => new Conv1D(2, 3, { kernelRegularizer: 'l3' }), ValueError, ["Unknown regularizer: 'l3'"]);
    throwsWith(() => new Conv1D(2, 3, { kernelConstraint: 'max' }), ValueError, ["Unknown constraint: 'max'"]);
  });
});
