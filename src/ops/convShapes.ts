/**
 * Convolution shape math, in one place: the ops and the layers (and the explanations) all use it.
 * Sources: keras/src/ops/operation_utils.py compute_conv_output_shape;
 * keras/src/backend/common/backend_utils.py _get_output_shape_given_tf_padding (transposed convs);
 * TensorFlow nn_ops.py for where 'same' puts the extra pad (at the end).
 */
export type Padding = 'valid' | 'same' | 'causal';

export function effectiveKernelSize(kernelSize: number, dilation: number): number {
  return (kernelSize - 1) * dilation + 1;
}

/** Output length of a convolution or pooling window along one axis. */
export function convOutputLength(inputLength: number, kernelSize: number, stride: number, padding: Padding,
  dilation = 1): number {
  const k = effectiveKernelSize(kernelSize, dilation);
  if (padding === 'same' || padding === 'causal') {
    // causal pads k-1 at the front, then runs valid: floor((in + k-1 - k)/s) + 1 = ceil(in/s)
    return Math.ceil(inputLength / stride);
  }
  return Math.floor((inputLength - k) / stride) + 1;
}

/** Padding [before, after] along one axis. 'same': TensorFlow's, the odd pixel at the end. */
export function convPadding(inputLength: number, kernelSize: number, stride: number, padding: Padding,
  dilation = 1): [number, number] {
  const k = effectiveKernelSize(kernelSize, dilation);
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [k - 1, 0];
  const out = Math.ceil(inputLength / stride);
  const total = Math.max((out - 1) * stride + k - inputLength, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output length of a transposed convolution (Keras's deconv output length, TF/JAX semantics). */
export function convTransposeOutputLength(inputLength: number, kernelSize: number, stride: number,
  padding: 'valid' | 'same', outputPadding: number | null, dilation = 1): number {
  const k = effectiveKernelSize(kernelSize, dilation);
  if (outputPadding === null) {
    if (padding === 'valid') return (inputLength - 1) * stride + Math.max(k, stride);
    return inputLength * stride;
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (inputLength - 1) * stride + k - 2 * pad + outputPadding;
}

/**
 * Padding at the start of a transposed convolution's output: the crop TensorFlow applies.
 * It is the padding of the forward convolution that maps the output length back to the input length.
 */
export function convTransposePadBefore(inputLength: number, outputLength: number, kernelSize: number, stride: number,
  padding: 'valid' | 'same', dilation = 1): number {
  if (padding === 'valid') return 0;
  const k = effectiveKernelSize(kernelSize, dilation);
  const total = Math.max((inputLength - 1) * stride + k - outputLength, 0);
  return Math.floor(total / 2);
}
