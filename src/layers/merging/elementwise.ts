/**
 * The elementwise merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum
 * (keras/src/layers/merging/{add,subtract,multiply,average,maximum,minimum}.py). Their configs are
 * the base layer's (name, trainable, dtype).
 */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Shape } from '../layer.js';
import type { Config } from '../config.js';
import { Merge, mergeFromConfig } from './baseMerge.js';

function fold(inputs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return inputs.slice(1).reduce((acc, x) => op(acc, x), inputs[0]);
}

export class Add extends Merge {
  static override readonly className = 'Add';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, ops.add);
  }
  static fromConfig(config: Config): Add {
    return mergeFromConfig(Add, 'Add', config);
  }
}

/** Subtract: exactly two inputs, inputs[0] - inputs[1]. */
export class Subtract extends Merge {
  static override readonly className = 'Subtract';
  protected override shapeList(inputShape: Shape | Shape[]): Shape[] {
    const shapes = super.shapeList(inputShape);
    if (shapes.length !== 2) {
      throw new ValueError(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: ${shapes.length} inputs (layer "${this.name}").`);
    }
    return shapes;
  }
  protected mergeFunction(inputs: Tensor[]): Tensor {
    if (inputs.length !== 2) {
      throw new ValueError(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: ${inputs.length} inputs (layer "${this.name}").`);
    }
    return ops.subtract(inputs[0], inputs[1]);
  }
  static fromConfig(config: Config): Subtract {
    return mergeFromConfig(Subtract, 'Subtract', config);
  }
}

export class Multiply extends Merge {
  static override readonly className = 'Multiply';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, ops.multiply);
  }
  static fromConfig(config: Config): Multiply {
    return mergeFromConfig(Multiply, 'Multiply', config);
  }
}

export class Average extends Merge {
  static override readonly className = 'Average';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return ops.divide(fold(inputs, ops.add), inputs.length);
  }
  static fromConfig(config: Config): Average {
    return mergeFromConfig(Average, 'Average', config);
  }
}

export class Maximum extends Merge {
  static override readonly className = 'Maximum';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, ops.maximum);
  }
  static fromConfig(config: Config): Maximum {
    return mergeFromConfig(Maximum, 'Maximum', config);
  }
}

export class Minimum extends Merge {
  static override readonly className = 'Minimum';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, ops.minimum);
  }
  static fromConfig(config: Config): Minimum {
    return mergeFromConfig(Minimum, 'Minimum', config);
  }
}
