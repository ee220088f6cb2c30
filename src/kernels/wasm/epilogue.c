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
#include "activations.h"

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
