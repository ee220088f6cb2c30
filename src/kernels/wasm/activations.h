/*
 * Activations on four lanes for the wasm kernels (the module links no libm): exp, sigmoid, tanh, and the
 * activation codes the epilogue and RNN kernels share: 0 linear, 1 relu, 2 sigmoid, 3 tanh.
 */
#ifndef KERATS_ACTIVATIONS_H
#define KERATS_ACTIVATIONS_H

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

/*
 * dz = dy * activation'(z) from the output y = activation(z), in the unfused ops' float32 steps: relu
 * selects, sigmoid dy (y (1 - y)), tanh dy (1 - y y).
 */
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

#endif
