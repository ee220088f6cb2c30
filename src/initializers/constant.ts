/** Constant initializers (keras/src/initializers/constant_initializers.py): Zeros, Ones, Constant, Identity. */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { fill, zeros } from '../ops/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { checkShape, Initializer, type InitializerConfig } from './initializer.js';

export class Zeros extends Initializer {
  readonly className = 'Zeros';
  call(shape: readonly number[]): Tensor {
    checkShape('Zeros', shape);
    return zeros(shape);
  }
}

export class Ones extends Initializer {
  readonly className = 'Ones';
  call(shape: readonly number[]): Tensor {
    checkShape('Ones', shape);
    return fill(shape, 1);
  }
}

/** Every value set to `value` (a scalar, Keras's default 0). */
export class Constant extends Initializer {
  readonly className = 'Constant';
  readonly value: number;

  constructor(value: number | { value?: number } = 0) {
    super();
    const v = typeof value === 'number' ? value : value.value ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ValueError(`Constant: \`value\` must be a scalar number. Received: value=${JSON.stringify(v)}.`);
    }
    this.value = v;
  }

  call(shape: readonly number[]): Tensor {
    checkShape('Constant', shape);
    return fill(shape, this.value);
  }

  override getConfig(): InitializerConfig {
    return { value: this.value };
  }
}

/** `gain` times the (possibly rectangular) identity matrix; 2-D shapes only. */
export class Identity extends Initializer {
  readonly className = 'Identity';
  readonly gain: number;

  constructor(options: { gain?: number } = {}) {
    super();
    this.gain = options.gain ?? 1;
  }

  call(shape: readonly number[]): Tensor {
    checkShape('Identity', shape);
    if (shape.length !== 2) {
      throw new ShapeError(
        `Identity matrix initializer can only be used for 2D matrices. Received: shape=${formatShape(shape)} of rank ${shape.length}.`,
      );
    }
    const [rows, cols] = shape;
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = this.gain;
    return new Tensor(values, shape);
  }

  override getConfig(): InitializerConfig {
    return { gain: this.gain };
  }
}
