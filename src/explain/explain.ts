/**
 * Shapes explained: for a layer and an input shape, how the output shape follows (with the actual
 * numbers) and how each weight's shape and the parameter count follow. The arithmetic uses the same
 * shape math the layers use (src/ops/convShapes.ts), so an explanation can never disagree with a layer.
 */
import { formatShape, type SymbolicShape } from '../core/shape.js';
import { convPadding, effectiveKernelSize } from '../ops/convShapes.js';
import { Input } from '../layers/core/input.js';
import { Layer, isShapeList } from '../layers/layer.js';
import { deserialize } from '../layers/index.js';

export interface ExplainedWeight {
  name: string;
  shape: number[];
  count: number;
  /** Why the weight has this shape, in Keras's words. */
  why: string;
  trainable: boolean;
}

export interface LayerExplanation {
  name: string;
  className: string;
  inputShape: SymbolicShape | SymbolicShape[];
  outputShape: SymbolicShape | SymbolicShape[];
  /** How the output shape follows from the input shape, one line per step. */
  shapeSteps: string[];
  weights: ExplainedWeight[];
  params: number;
  /** The parameter count as a formula with the actual numbers, e.g. "5 x 1 x 32 + 32 = 192". */
  paramsFormula: string;
}

const fmt = (s: SymbolicShape | SymbolicShape[]): string =>
  isShapeList(s as SymbolicShape[]) ? `[${(s as SymbolicShape[]).map((x) => formatShape(x)).join(', ')}]` : formatShape(s as SymbolicShape);

interface ConvLike { kernelSize: number[]; strides: number[]; padding: string; dilationRate: number[]; filters: number; useBias: boolean }
interface TransposeLike extends ConvLike { outputPadding: number[] | null }
interface PoolLike { poolSize: number[]; strides: number[]; padding: string }

function axisNames(rank: number): string[] {
  return rank === 1 ? ['steps'] : rank === 2 ? ['height', 'width'] : ['dim1', 'dim2', 'dim3'];
}

/** One spatial axis of a convolution or pooling window. */
function windowAxis(name: string, n: number | null, k: number, s: number, padding: string, d: number, what = 'kernel'): string {
  if (n === null) return `${name}: unknown (None) stays None`;
  const ke = effectiveKernelSize(k, d);
  const dil = d > 1 ? ` (dilated ${what} (${k} - 1) x ${d} + 1 = ${ke})` : '';
  if (padding === 'same') {
    const out = Math.ceil(n / s);
    const [before, after] = convPadding(n, k, s, 'same', d);
    return `${name}: padding 'same' gives ceil(${n} / ${s}) = ${out}${dil}; total padding max((${out} - 1) x ${s} + ${ke} - ${n}, 0) = ${before + after}, split ${before} before / ${after} after (the extra one at the end, as TensorFlow)`;
  }
  if (padding === 'causal') {
    const out = Math.ceil(n / s);
    return `${name}: padding 'causal' pads ${ke - 1} steps before (${what} size - 1) and none after, so output t sees only steps <= t; length floor((${n} + ${ke - 1} - ${ke}) / ${s}) + 1 = ${out}${dil}`;
  }
  const out = Math.floor((n - ke) / s) + 1;
  return `${name}: padding 'valid' gives floor((${n} - ${ke}) / ${s}) + 1 = ${out}${dil}`;
}

function shapeSteps(layer: Layer, inShape: SymbolicShape, outShape: SymbolicShape | SymbolicShape[]): string[] {
  const anyLayer = layer as unknown as Record<string, unknown>;
  const cls = layer.className;
  if (cls === 'Dense') {
    return [`Dense acts on the last axis only: ${formatShape(inShape)} -> ${fmt(outShape)} (the last axis ${inShape[inShape.length - 1]} becomes units = ${anyLayer.units}; the other axes stay)`];
  }
  if ('kernelSize' in anyLayer && 'filters' in anyLayer && !('outputPadding' in anyLayer)) {
    const c = anyLayer as unknown as ConvLike;
    const rank = c.kernelSize.length;
    const names = axisNames(rank);
    return [
      ...c.kernelSize.map((k, i) => windowAxis(names[i], inShape[1 + i], k, c.strides[i], c.padding, c.dilationRate[i])),
      `channels: ${inShape[inShape.length - 1]} in -> filters = ${c.filters} out (each filter sums over all input channels)`,
    ];
  }
  if ('outputPadding' in anyLayer) {
    const c = anyLayer as unknown as TransposeLike;
    const names = axisNames(c.kernelSize.length);
    return [
      ...c.kernelSize.map((k, i) => {
        const n = inShape[1 + i];
        const s = c.strides[i];
        const ke = effectiveKernelSize(k, c.dilationRate[i]);
        const op = c.outputPadding ? c.outputPadding[i] : null;
        const out = (outShape as SymbolicShape)[1 + i];
        if (n === null) return `${names[i]}: unknown (None) stays None`;
        if (op === null) {
          return c.padding === 'valid'
            ? `${names[i]}: transposed, padding 'valid': (${n} - 1) x ${s} + max(${ke}, ${s}) = ${out}`
            : `${names[i]}: transposed, padding 'same': ${n} x ${s} = ${out}`;
        }
        const pad = c.padding === 'same' ? Math.floor(ke / 2) : 0;
        return `${names[i]}: transposed with output padding ${op}: (${n} - 1) x ${s} + ${ke} - 2 x ${pad} + ${op} = ${out}`;
      }),
      `channels: ${inShape[inShape.length - 1]} in -> filters = ${c.filters} out`,
    ];
  }
  if ('poolSize' in anyLayer) {
    const p = anyLayer as unknown as PoolLike;
    const names = axisNames(p.poolSize.length);
    return [...p.poolSize.map((k, i) => windowAxis(names[i], inShape[1 + i], k, p.strides[i], p.padding, 1, 'pool')), 'channels: unchanged'];
  }
  if ('returnSequences' in anyLayer && 'units' in anyLayer) {
    const steps = [`input (batch, timesteps, features) = ${formatShape(inShape)}: the layer steps through ${inShape[1] ?? 'None'} timesteps of ${inShape[2]} features`];
    steps.push(anyLayer.returnSequences
      ? `returnSequences: true -> one output per timestep: (None, ${inShape[1] ?? 'None'}, ${anyLayer.units})`
      : `returnSequences: false -> only the last output: (None, ${anyLayer.units}); pass returnSequences: true to chain another recurrent layer`);
    if (anyLayer.returnState) steps.push(`returnState: true -> the final state(s) follow the output: ${fmt(outShape)}`);
    return steps;
  }
  if (cls === 'Flatten') {
    const rest = inShape.slice(1);
    const known = rest.every((d) => d !== null);
    return [`Flatten keeps the batch axis and multiplies the rest: ${rest.join(' x ')} = ${known ? rest.reduce((a, b) => a! * b!, 1) : 'None'}`];
  }
  if (cls === 'Reshape') {
    const rest = inShape.slice(1);
    return [`Reshape keeps the batch axis and rearranges ${rest.every((d) => d !== null) ? rest.reduce((a, b) => a! * b!, 1) : 'the'} elements per sample into ${formatShape(anyLayer.targetShape as number[])}`];
  }
  return [`${cls} maps ${formatShape(inShape)} to ${fmt(outShape)}`];
}

function weightWhy(layer: Layer, name: string, shape: number[], inShape: SymbolicShape): string {
  const anyLayer = layer as unknown as Record<string, unknown>;
  const last = inShape[inShape.length - 1];
  const short = name.split('/').pop()!;
  if (layer.className === 'Dense') {
    return short === 'kernel' ? `(input features, units) = (${last}, ${anyLayer.units})` : `one per unit (${anyLayer.units})`;
  }
  if ('outputPadding' in anyLayer && short === 'kernel') return `kernel_size + (filters, input channels) = ${formatShape(shape)}`;
  if ('kernelSize' in anyLayer && short === 'kernel') {
    return `kernel_size + (input channels, filters) = ${formatShape(shape)}: one ${(anyLayer.kernelSize as number[]).join(' x ')} window per input channel for each filter`;
  }
  if (short === 'bias' && 'filters' in anyLayer) return `one per filter (${anyLayer.filters})`;
  if (short === 'kernel' && 'units' in anyLayer) return `(features, gates x units) = ${formatShape(shape)}: input to each gate`;
  if (short === 'recurrent_kernel') return `(units, gates x units) = ${formatShape(shape)}: previous state to each gate`;
  if (short === 'bias' && 'units' in anyLayer) return `one per unit per gate ${formatShape(shape)}`;
  return formatShape(shape);
}

function explainBuilt(layer: Layer, inShape: SymbolicShape, outShape: SymbolicShape | SymbolicShape[]): LayerExplanation {
  const weights = layer.weights.map((v) => ({
    name: v.name.split('/').pop()!,
    shape: [...v.shape],
    count: v.size,
    why: weightWhy(layer, v.name, v.shape, inShape),
    trainable: v.trainable,
  }));
  const params = weights.reduce((n, w) => n + w.count, 0);
  const formula = weights.length === 0
    ? 'no weights: 0'
    : `${weights.map((w) => (w.shape.length > 1 ? w.shape.join(' x ') : String(w.count))).join(' + ')} = ${params}`;
  return {
    name: layer.name,
    className: layer.className,
    inputShape: inShape,
    outputShape: outShape,
    shapeSteps: shapeSteps(layer, inShape, outShape),
    weights,
    params,
    paramsFormula: formula,
  };
}

/**
 * Explains one layer on an input shape without a model (the shape has no batch axis, as `Input`'s).
 * The layer itself is left untouched: a copy made from its config is built.
 */
export function explainLayer(layer: Layer, inputShape: (number | null)[]): LayerExplanation {
  const copy = deserialize({ class_name: layer.className, config: { ...layer.getConfig(), name: `${layer.name}` } });
  const out = copy.apply(Input(inputShape));
  return explainBuilt(copy, [null, ...inputShape], out.shape);
}

/** Every layer of a built model, explained, in `model.layers` order. */
export function explain(model: { layers: Layer[] }): LayerExplanation[] {
  return model.layers.filter((l) => l.className !== 'InputLayer').map((layer) => {
    const node = layer.inboundNodes[layer.inboundNodes.length - 1];
    const inShape = node.inputs[0].shape;
    const outShape = node.outputs.length === 1 ? node.outputs[0].shape : node.outputs.map((o) => o.shape);
    return explainBuilt(layer, inShape, outShape);
  });
}

/** Plain-text form of an explanation, as `summary({ explain: true })` prints it. */
export function formatExplanation(e: LayerExplanation): string {
  const lines = [`${e.name} (${e.className}): ${fmt(e.inputShape)} -> ${fmt(e.outputShape)}`];
  for (const s of e.shapeSteps) lines.push(`  shape  ${s}`);
  for (const w of e.weights) lines.push(`  weight ${w.name} ${formatShape(w.shape)} = ${w.count}${w.trainable ? '' : ' (non-trainable)'}: ${w.why}`);
  lines.push(`  params ${e.paramsFormula}`);
  return lines.join('\n');
}
