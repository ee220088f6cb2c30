/*
 * The layer epilogue, y = activation(z + bias), and its gradient in one pass each (Backend.biasActivation
 * and biasActivationGrad; the JS reference is src/kernels/js/epilogue.ts). Unfused, a conv layer's
 * bias add, activation, activation gradient and bias-gradient sum were four passes with four fresh
 * arrays (bench/NOTES.md entry 5: on this VM a fresh 11 MB array costs ~7 ms in page faults).
 *
 * Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh. The bias (`channels` floats) repeats along z's
 * leading axes; channels 0 means no bias. The gradient uses the output y only: relu' = (y > 0),
 * sigmoid' = y (1 - y), tanh' = 1 - y², evaluated in the same float32 steps as the unfused ops.
 */
#include <wasm_simd128.h>

/*
 * exp on four lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, a degree-5 polynomial for e^r, then
 * 2^n from the exponent bits); ~2 ulp. The module links no libm. Inputs clamp to [-87.3, 88] so that
 * n stays in [-126, 127] and 2^n a normal float: below -87.3 the result is ~1.2e-38 instead of smaller;
 * NaN propagates.
 */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.3f)), wasm_f32x4_splat(88.0f));
  const v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)),
    wasm_f32x4_splat(0.5f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, wasm_f32x4_mul(x, x)), x), wasm_f32x4_splat(1.0f));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

/* sigmoid(x) = e / (1 + e) with e = exp(-|x|), numerator 1 for x >= 0: exp never overflows (as the JS kernel). */
static inline v128_t sigmoid4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t e = exp4(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  const v128_t numerator = wasm_v128_bitselect(one, e, wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f)));
  return wasm_f32x4_div(numerator, wasm_f32x4_add(one, e));
}

/*
 * tanh (Cephes tanhf): |x| >= 0.625: sign(x) (1 - 2 / (exp(2|x|) + 1)); below, an odd polynomial
 * (the exp form loses digits to cancellation there). ~2 ulp.
 */
static inline v128_t tanh4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f), a = wasm_f32x4_abs(x);
  const v128_t big = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f),
    wasm_f32x4_add(exp4(wasm_f32x4_add(a, a)), one)));
  const v128_t signedBig = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  const v128_t s = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(-3.33332819422e-1f));
  const v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, s), x), x);
  /* ge is false for NaN, so NaN takes the polynomial branch, which propagates it. */
  return wasm_v128_bitselect(signedBig, small, wasm_f32x4_ge(a, wasm_f32x4_splat(0.625f)));
}

static inline v128_t activate4(v128_t t, int activation) {
  switch (activation) {
    case 1: return wasm_v128_and(t, wasm_f32x4_gt(t, wasm_f32x4_splat(0.0f)));
    case 2: return sigmoid4(t);
    case 3: return tanh4(t);
    default: return t;
  }
}

/* The scalar tail: one lane of the vector code, so tails and bodies agree bit for bit. */
static inline float activate1(float t, int activation) {
  return wasm_f32x4_extract_lane(activate4(wasm_f32x4_splat(t), activation), 0);
}

/* y (n) = activation(z + bias); y may be z (in place). n % channels == 0 when channels > 0. */
__attribute__((export_name("biasActivation")))
void biasActivation(const float *z, const float *bias, float *y, int n, int channels, int activation) {
  if (channels == 0) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, activate4(wasm_v128_load(z + i), activation));
    for (; i < n; i++) y[i] = activate1(z[i], activation);
    return;
  }
  for (int i0 = 0; i0 < n; i0 += channels) {
    const float *zo = z + i0;
    float *yo = y + i0;
    int c = 0;
    for (; c + 4 <= channels; c += 4) {
      wasm_v128_store(yo + c, activate4(wasm_f32x4_add(wasm_v128_load(zo + c), wasm_v128_load(bias + c)), activation));
    }
    for (; c < channels; c++) yo[c] = activate1(zo[c] + bias[c], activation);
  }
}

/* dz = dy * activation'(y), the unfused ops' float32 steps: relu selects, sigmoid dy (y (1 - y)), tanh dy (1 - y y). */
static inline v128_t grad4(v128_t dy, v128_t y, int activation) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  switch (activation) {
    case 1: return wasm_v128_and(dy, wasm_f32x4_gt(y, wasm_f32x4_splat(0.0f)));
    case 2: return wasm_f32x4_mul(dy, wasm_f32x4_mul(y, wasm_f32x4_sub(one, y)));
    case 3: return wasm_f32x4_mul(dy, wasm_f32x4_sub(one, wasm_f32x4_mul(y, y)));
    default: return dy;
  }
}

static inline float grad1(float dy, float y, int activation) {
  return wasm_f32x4_extract_lane(grad4(wasm_f32x4_splat(dy), wasm_f32x4_splat(y), activation), 0);
}

/*
 * dz (n) = dy * activation'(y) and, when channels > 0, dbias (channels) = dz summed over the leading
 * axes, accumulated in double row by row as the JS reduce (so bit-identical to the unfused sum);
 * `acc` is scratch of `channels` doubles, 8-byte aligned.
 */
__attribute__((export_name("biasActivationGrad")))
void biasActivationGrad(const float *dy, const float *y, float *dz, float *dbias, double *acc, int n, int channels,
  int activation) {
  if (channels == 0) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(dz + i, grad4(wasm_v128_load(dy + i), wasm_v128_load(y + i), activation));
    for (; i < n; i++) dz[i] = grad1(dy[i], y[i], activation);
    return;
  }
  for (int c = 0; c < channels; c++) acc[c] = 0.0;
  for (int i0 = 0; i0 < n; i0 += channels) {
    int c = 0;
    for (; c + 4 <= channels; c += 4) {
      const v128_t g = grad4(wasm_v128_load(dy + i0 + c), wasm_v128_load(y + i0 + c), activation);
      wasm_v128_store(dz + i0 + c, g);
      wasm_v128_store(acc + c, wasm_f64x2_add(wasm_v128_load(acc + c), wasm_f64x2_promote_low_f32x4(g)));
      wasm_v128_store(acc + c + 2, wasm_f64x2_add(wasm_v128_load(acc + c + 2),
        wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(g, g, 2, 3, 0, 1))));
    }
    for (; c < channels; c++) {
      const float g = grad1(dy[i0 + c], y[i0 + c], activation);
      dz[i0 + c] = g;
      acc[c] += g;
    }
  }
  for (int c = 0; c < channels; c++) dbias[c] = (float)acc[c];
}
