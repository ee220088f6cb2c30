/**
 * From a plan to C text: `<name>.h` is the API (sizes and the predict function), `<name>.c` holds the
 * weights as static const arrays, the kernels used, one params struct per step and one static scratch
 * buffer: two ping-pong halves of the largest intermediate activation, plus recurrent state.
 */
import { ValueError } from '../../core/errors.js';
import { activationSource } from './activations.js';
import { kernelSource, RNN_STATE_PER_UNIT, type KernelName } from './kernels.js';
import type { Plan, Shape, Step } from './plan.js';

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const shapeText = (s: Shape) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/** The shortest decimal that reads back as the same float32, with C's f suffix. */
export function floatLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new ValueError(`exportC: a weight is ${v}; C float literals must be finite. Train or load finite weights first.`);
  const f = Math.fround(v);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) {
      const plain = String(Number(text));
      const c = /[.e]/.test(plain) ? plain : `${plain}.0`;
      return `${c.replace('e+', 'e')}f`;
    }
  }
  return `${f}f`;
}

function arrayText(name: string, values: Float32Array): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += 8) lines.push(`  ${Array.from(values.subarray(i, i + 8), floatLiteral).join(', ')},`);
  return `static const float ${name}[${values.length}] = {\n${lines.join('\n')}\n};`;
}

function identifier(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

interface Emitted {
  weights: string[];
  params: string[];
  /** The statements of predict for this step, with SRC and DST placeholders. */
  body: string[];
}

function emitStep(step: Step, prefix: string, kernels: Set<KernelName>, scalars: Set<string>, applied: Set<string>): Emitted {
  const weights: string[] = [];
  const params: string[] = [];
  const body: string[] = [];
  const array = (suffix: string, values: Float32Array | null): string => {
    if (!values) return '0';
    weights.push(arrayText(`${prefix}_${suffix}`, values));
    return `${prefix}_${suffix}`;
  };
  const size = product(step.outShape);
  switch (step.kind) {
    case 'dense': {
      kernels.add('dense');
      const k = array('kernel', step.kernel);
      const b = array('bias', step.bias);
      params.push(`static const dense_params ${prefix} = { ${step.rows}, ${step.inputs}, ${step.units}, ${k}, ${b} };`);
      body.push(`dense(&${prefix}, SRC, DST);`);
      break;
    }
    case 'conv': {
      kernels.add('conv2d');
      const k = array('kernel', step.kernel);
      const b = array('bias', step.bias);
      const s = step;
      params.push(`static const conv2d_params ${prefix} = {\n  ${s.inH}, ${s.inW}, ${s.inC}, ${s.outH}, ${s.outW}, ${s.outC},\n` +
        `  ${s.kernelH}, ${s.kernelW}, ${s.strideH}, ${s.strideW}, ${s.dilationH}, ${s.dilationW}, ${s.padTop}, ${s.padLeft},\n  ${k}, ${b}\n};`);
      body.push(`conv2d(&${prefix}, SRC, DST);`);
      break;
    }
    case 'pool': {
      kernels.add('pool2d');
      const s = step;
      params.push(`static const pool2d_params ${prefix} = { ${s.inH}, ${s.inW}, ${s.channels}, ${s.outH}, ${s.outW}, ` +
        `${s.poolH}, ${s.poolW}, ${s.strideH}, ${s.strideW}, ${s.padTop}, ${s.padLeft}, ${s.mode === 'max' ? 1 : 0} };`);
      body.push(`pool2d(&${prefix}, SRC, DST);`);
      break;
    }
    case 'globalPool': {
      kernels.add('global_pool');
      params.push(`static const global_pool_params ${prefix} = { ${step.positions}, ${step.channels}, ${step.mode === 'max' ? 1 : 0} };`);
      body.push(`global_pool(&${prefix}, SRC, DST);`);
      break;
    }
    case 'scaleShift': {
      kernels.add('scale_shift');
      const sc = array('scale', step.scale);
      const sh = array('shift', step.shift);
      params.push(`static const scale_shift_params ${prefix} = { ${size}, ${step.channels}, ${step.inner}, ${sc}, ${sh} };`);
      body.push(`scale_shift(&${prefix}, SRC, DST);`);
      break;
    }
    case 'activation': {
      kernels.add('copy');
      body.push(`copy(SRC, DST, ${size});`);
      break;
    }
    case 'rnn': {
      const kernel = step.cell === 'simple' ? 'simple_rnn' : step.cell;
      kernels.add(kernel);
      const k = array('kernel', step.kernel);
      const rk = array('recurrent_kernel', step.recurrentKernel);
      const b = array('bias', step.bias);
      scalars.add(step.cellActivation);
      const recurrent = step.cell === 'simple' ? '0' : `act_${step.recurrentActivation}`;
      if (step.cell !== 'simple') scalars.add(step.recurrentActivation);
      params.push(`static const rnn_params ${prefix} = {\n  ${step.timesteps}, ${step.features}, ${step.units}, ` +
        `${+step.returnSequences}, ${+step.goBackwards}, ${+step.resetAfter},\n  ${k}, ${rk}, ${b},\n  act_${step.cellActivation}, ${recurrent}\n};`);
      body.push(`${kernel}(&${prefix}, SRC, DST, STATE);`);
      break;
    }
  }
  if (step.activation !== 'linear') {
    applied.add(step.activation);
    body.push(`apply_${step.activation}(DST, ${size}, ${step.outShape[step.outShape.length - 1]});`);
  }
  return { weights, params, body };
}

export interface CSources {
  header: string;
  source: string;
  /** Floats in the static scratch buffer. */
  scratchFloats: number;
}

export function emitC(plan: Plan, name: string, modelName: string): CSources {
  const upper = name.toUpperCase();
  const inSize = product(plan.inShape);
  const outSize = product(plan.outShape);
  const steps = plan.steps;
  // Intermediate results live in the scratch halves; the first step reads `in`, the last writes `out`.
  const half = Math.max(1, ...steps.slice(0, -1).map((s) => product(s.outShape)));
  const stateFloats = Math.max(0, ...steps.map((s) => (s.kind === 'rnn' ? RNN_STATE_PER_UNIT[s.cell] * s.units : 0)));
  const usesHalves = steps.length > 1;
  const scratchFloats = (usesHalves ? 2 * half : 0) + stateFloats;

  const kernels = new Set<KernelName>();
  const scalars = new Set<string>();
  const applied = new Set<string>();
  const weights: string[] = [];
  const params: string[] = [];
  const body: string[] = [];
  const buffer = (i: number) => (i % 2 === 0 ? 'scratch' : `scratch + ${upper}_HALF`);
  steps.forEach((step, i) => {
    const prefix = `l${i}_${identifier(step.layers[0])}`;
    const emitted = emitStep(step, prefix, kernels, scalars, applied);
    weights.push(...emitted.weights);
    params.push(...emitted.params);
    const src = i === 0 ? 'in' : buffer(i - 1);
    const dst = i === steps.length - 1 ? 'out' : buffer(i);
    const state = usesHalves ? `scratch + 2 * ${upper}_HALF` : 'scratch';
    body.push(`  /* ${step.layers.join(' + ')}: ${shapeText(step.inShape)} -> ${shapeText(step.outShape)} */`);
    for (const line of emitted.body) {
      body.push(`  ${line.replaceAll('SRC', src).replaceAll('DST', dst).replaceAll('STATE', state)}`);
    }
  });
  if (steps.length === 0) {
    kernels.add('copy');
    body.push(`  copy(in, out, ${inSize});`);
  }

  const header = `/*
 * ${name}.h: model "${modelName}", exported by kerats exportC. C99, no malloc, no libc beyond math.h.
 * Input ${shapeText(plan.inShape)}, output ${shapeText(plan.outShape)}, row-major, channels last, float32, one sample.
 */
#ifndef ${upper}_H
#define ${upper}_H

#ifdef __cplusplus
extern "C" {
#endif

#define ${upper}_INPUT_SIZE ${inSize}
#define ${upper}_OUTPUT_SIZE ${outSize}
/* Floats of static scratch memory ${name}_predict uses (${scratchFloats * 4} bytes). */
#define ${upper}_SCRATCH_FLOATS ${Math.max(1, scratchFloats)}

/* Runs the model on one sample: in has ${upper}_INPUT_SIZE floats, out ${upper}_OUTPUT_SIZE; they must not overlap.
   Not reentrant: calls share one static scratch buffer. */
void ${name}_predict(const float *in, float *out);

#ifdef __cplusplus
}
#endif

#endif /* ${upper}_H */
`;

  const source = `/*
 * ${name}.c: model "${modelName}", exported by kerats exportC.
 * Layers: ${steps.map((s) => s.layers.join(' + ')).join(', ') || '(none)'}.
 */
#include <math.h>
#include "${name}.h"

/* ---- weights ---- */
${weights.join('\n\n')}

/* ---- activations ---- */
${activationSource(scalars, applied)}

/* ---- kernels ---- */
${kernelSource(kernels)}

/* ---- layers ---- */
${params.join('\n')}

${scratchFloats > 0 ? `/* Two halves for the activations between layers (ping-pong), then recurrent state. */
#define ${upper}_HALF ${half}
static float scratch[${upper}_SCRATCH_FLOATS];
` : ''}
void ${name}_predict(const float *in, float *out) {
${body.join('\n')}
}
`;
  return { header, source, scratchFloats };
}
