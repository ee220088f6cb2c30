/**
 * The reference Backend.runProgram: each op is the JS kernel of the same name on fresh buffers, its result
 * copied into the op's output buffer. Checks what every backend relies on: the inputs' and outputs' sizes.
 */
import type { Program, ProgramIO } from '../../backend/backend.js';
import { bernoulliFillFrom } from '../../core/random.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { biasActivation, biasActivationGrad } from './epilogue.js';
import { matmul } from './matmul.js';
import { maxPool2d, maxPool2dBackprop } from './pool.js';
import { extremeGrad, reduce } from './reduce.js';

/** Throws unless every [buffer, array] pair names a buffer of the program with the array's length. */
export function checkProgramIO(program: Program, io: readonly ProgramIO[], what: 'input' | 'output'): void {
  for (const [i, x] of io) {
    const size = program.buffers[i];
    if (size === undefined || size !== x.length) {
      throw new RangeError(`runProgram: ${what} for buffer ${i} has ${x.length} floats; the buffer holds ${size ?? 'nothing (no such buffer)'}.`);
    }
  }
}

export function runProgram(program: Program, inputs: readonly ProgramIO[], outputs: readonly ProgramIO[]): void {
  checkProgramIO(program, inputs, 'input');
  checkProgramIO(program, outputs, 'output');
  const b = program.buffers.map((n) => new Float32Array(n));
  for (const [i, x] of inputs) b[i].set(x);
  for (const op of program.ops) {
    switch (op.op) {
      case 'conv2d': b[op.y].set(conv2d(b[op.x], b[op.filter], op.p)); break;
      case 'conv2dBackpropInput': b[op.dx].set(conv2dBackpropInput(b[op.dy], b[op.filter], op.p)); break;
      case 'conv2dBackpropFilter': b[op.dfilter].set(conv2dBackpropFilter(b[op.x], b[op.dy], op.p)); break;
      case 'matmul':
        matmul(b[op.a], b[op.b], 1, op.m, op.k, op.n, op.transposeA, op.transposeB, 1, b[op.y].subarray(0, op.m * op.n));
        break;
      case 'biasActivation': biasActivation(b[op.z], op.bias === null ? null : b[op.bias], op.activation, b[op.y]); break;
      case 'biasActivationGrad': {
        const { dz, dbias } = biasActivationGrad(b[op.dy], b[op.y], op.activation, op.dbias === null ? 0 : op.channels);
        b[op.dz].set(dz);
        if (op.dbias !== null) b[op.dbias].set(dbias!);
        break;
      }
      case 'maxPool2d': b[op.y].set(maxPool2d(b[op.x], op.p)); break;
      case 'maxPool2dBackprop': b[op.dx].set(maxPool2dBackprop(b[op.dy], b[op.x], op.p)); break;
      case 'reduceMax': b[op.y].set(reduce('max', b[op.x], [op.outer, op.mid, op.inner], [1])); break;
      case 'reduceMaxGrad':
        b[op.dx].set(extremeGrad(b[op.x], [op.outer, op.mid, op.inner], [1], b[op.y], b[op.dy]));
        break;
      case 'reduceMean': {
        const y = b[op.y];
        y.set(reduce('sum', b[op.x], [op.outer, op.mid, op.inner], [1]));
        for (let i = 0; i < y.length; i++) y[i] /= op.mid;
        break;
      }
      case 'reduceMeanGrad': {
        const dy = b[op.dy], dx = b[op.dx];
        for (let o = 0; o < op.outer; o++) for (let m = 0; m < op.mid; m++) for (let i = 0; i < op.inner; i++) {
          dx[(o * op.mid + m) * op.inner + i] = dy[o * op.inner + i] / op.mid;
        }
        break;
      }
      case 'mul': {
        const x = b[op.a], w = b[op.b], y = b[op.y];
        for (let i = 0; i < y.length; i++) y[i] = x[i] * w[i];
        break;
      }
      case 'bernoulli': bernoulliFillFrom(b[op.y], op.from, op.p, op.value); break;
      case 'host': op.run(b); break;
    }
  }
  for (const [i, out] of outputs) out.set(b[i]);
}
