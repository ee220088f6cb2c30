/** Input-layout names and the teaching hints every convolution and pooling family shares. */
import type { InputSpec, Shape } from '../layer.js';

/** Names of the spatial axes, for messages: (batch, steps, channels), (batch, height, width, channels). */
export function spatialAxisNames(rank: number): string[] {
  if (rank === 1) return ['steps'];
  if (rank === 2) return ['height', 'width'];
  return Array.from({ length: rank }, (_, i) => `spatial_${i + 1}`);
}

/** The input layout a rank-N channels-last convolution expects, e.g. "(batch, height, width, channels)". */
export function inputLayout(rank: number): string {
  return `(batch, ${spatialAxisNames(rank).join(', ')}, channels)`;
}

/** The hint for an input of the wrong rank or channel count, shared by BaseConv and BaseConvTranspose. */
export function convInputFix(className: string, rank: number, shape: Shape, spec: InputSpec): string[] | undefined {
  const layout = inputLayout(rank);
  const sample = shape.slice(1).map((d) => (d === null ? 'null' : String(d)));
  const want = rank + 2;
  if (spec.ndim !== undefined && shape.length !== spec.ndim) {
    if (shape.length === want - 1) {
      const withChannels = [...sample, '1'].join(', ');
      const fixes = [`${className} needs ${layout}; add a channels axis: Input([${withChannels}])`];
      if (shape.slice(1).every((d) => d !== null)) {
        fixes.push(`if the input comes from another layer, put Reshape([${withChannels}]) before ${className}`);
      }
      return fixes;
    }
    if (shape.length === want + 1 && rank === 1) {
      return [`${className} needs ${layout}. For images such as (${sample.join(', ')}) use Conv2D, which slides over height and width.`];
    }
    if (shape.length < want) {
      return [`${className} needs ${layout}: ${rank} spatial ${rank > 1 ? 'axes' : 'axis'} and a channels axis. Reshape each sample to that layout, e.g. Input([${[...spatialAxisNames(rank), '1'].join(', ')}]).`];
    }
    return [`${className} needs ${layout}; the input has ${shape.length - 2} axes between batch and channels. Reshape it, or pick the layer of that rank.`];
  }
  const channels = spec.axes?.[-1];
  if (channels !== undefined) {
    return [`this ${className} was built for inputs with ${channels} channels (its kernel is sized for them); give it inputs with ${channels} channels, or use a new ${className} for ${shape[shape.length - 1]}.`];
  }
  return undefined;
}
