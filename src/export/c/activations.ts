/**
 * Keras activations in C99 float math (math.h only). Formulas as in src/activations/index.ts
 * (keras/src/activations/activations.py); the constants are Keras 3's.
 */

/** Elementwise activations: the body of `static float act_<name>(float x)`. */
const ELEMENTWISE: Record<string, string> = {
  relu: 'return x > 0.0f ? x : 0.0f;',
  sigmoid: 'return 1.0f / (1.0f + expf(-x));',
  tanh: 'return tanhf(x);',
  // log(1 + e^x) without overflow: x + log1p(e^-x) for x > 0.
  softplus: 'return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));',
  softsign: 'return x / (1.0f + fabsf(x));',
  elu: 'return x > 0.0f ? x : expm1f(x);',
  // SELU constants (Klambauer et al., 2017).
  selu: 'return 1.05070098735548049342f * (x > 0.0f ? x : 1.67326324235437728482f * expm1f(x));',
  // Keras 3 default approximate=False: 0.5 x (1 + erf(x / sqrt(2))).
  gelu: 'return 0.5f * x * (1.0f + erff(x * 0.70710678118654752440f));',
  silu: 'return x / (1.0f + expf(-x));',
  relu6: 'return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;',
  // Keras 3's negative_slope default.
  leaky_relu: 'return x > 0.0f ? x : 0.2f * x;',
  // Keras 3: relu6(x + 3) / 6.
  hard_sigmoid: 'float y = x + 3.0f; return (y > 0.0f ? (y < 6.0f ? y : 6.0f) : 0.0f) / 6.0f;',
  hard_silu: 'float y = x + 3.0f; return x * (y > 0.0f ? (y < 6.0f ? y : 6.0f) : 0.0f) / 6.0f;',
  exponential: 'return expf(x);',
  mish: 'float sp = x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); return x * tanhf(sp);',
};

/** Activations over the last axis: the body of `static void apply_<name>(float *x, int n, int last)`. */
const ROWWISE: Record<string, string> = {
  softmax: `for (int r = 0; r < n; r += last) {
    float *row = x + r, m = row[0], sum = 0.0f;
    for (int i = 1; i < last; i++) if (row[i] > m) m = row[i];
    for (int i = 0; i < last; i++) { row[i] = expf(row[i] - m); sum += row[i]; }
    for (int i = 0; i < last; i++) row[i] /= sum;
  }`,
  log_softmax: `for (int r = 0; r < n; r += last) {
    float *row = x + r, m = row[0], sum = 0.0f;
    for (int i = 1; i < last; i++) if (row[i] > m) m = row[i];
    for (int i = 0; i < last; i++) sum += expf(row[i] - m);
    float lse = m + logf(sum);
    for (int i = 0; i < last; i++) row[i] -= lse;
  }`,
};

export const SUPPORTED_ACTIVATIONS = ['linear', ...Object.keys(ELEMENTWISE), ...Object.keys(ROWWISE)];

export function isSupportedActivation(name: string): boolean {
  return SUPPORTED_ACTIVATIONS.includes(name);
}

export function isElementwise(name: string): boolean {
  return name === 'linear' || name in ELEMENTWISE;
}

/** C definitions for the activations used: scalar functions, and `apply_<name>` over a buffer for each applied one. */
export function activationSource(scalar: Set<string>, applied: Set<string>): string {
  const out: string[] = [];
  const scalars = new Set([...scalar, ...[...applied].filter((a) => a in ELEMENTWISE)]);
  if (scalars.has('linear')) out.push('static float act_linear(float x) { return x; }');
  for (const name of Object.keys(ELEMENTWISE)) {
    if (scalars.has(name)) out.push(`static float act_${name}(float x) { ${ELEMENTWISE[name]} }`);
  }
  for (const name of [...applied].sort()) {
    if (name in ROWWISE) {
      out.push(`/* ${name} over each run of \`last\` values (the last axis). */\nstatic void apply_${name}(float *x, int n, int last) {\n  ${ROWWISE[name]}\n}`);
    } else if (name !== 'linear') {
      out.push(`static void apply_${name}(float *x, int n, int last) {\n  (void)last;\n  for (int i = 0; i < n; i++) x[i] = act_${name}(x[i]);\n}`);
    }
  }
  return out.join('\n');
}
