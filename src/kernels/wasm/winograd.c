/*
 * Winograd F(2x2, 3x3) convolution for 3x3 filters with stride 1 and no dilation (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015): each 2x2 block of outputs comes from a 4x4 tile of
 * inputs with 16 multiplies per (input, output) channel pair instead of 36. The 16 element-wise products of a
 * block of tiles are 16 GEMMs (tiles x C_in) x (C_in x C_out) on the GEMM micro-kernel.
 *   V = B^T d B (input tile),  U = G g G^T (filter),  y = A^T (V . U) A
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],  A^T = [1 1 1 0; 0 1 -1 -1]
 * The same outputs as the direct sum up to float32 rounding (a different order of operations; the transforms
 * add and subtract up to four terms). Channels go four to a vector: C_in and C_out must be multiples of 4.
 */
#include <wasm_simd128.h>
#include "kernels.h"

/* Tiles per block (a multiple of 4): V (16 x TILES x C_in) and M (16 x TILES x C_out) stay in L2 between the three steps. */
#define TILES 128

/* u (16, C_in, C_out) = G g G^T of each (input, output) channel pair's 3x3 filter g of w (3, 3, C_in, C_out). */
__attribute__((export_name("winogradFilter")))
void winogradFilter(const float *w, float *u, int cin, int cout) {
  const int K = cin, N = cout;
  for (int k = 0; k < K; k++)
    for (int n = 0; n < N; n++) {
      float g[3][3], t[4][3];
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) g[a][b] = w[((a * 3 + b) * cin + k) * cout + n];
      for (int b = 0; b < 3; b++) {
        t[0][b] = g[0][b];
        t[1][b] = 0.5f * (g[0][b] + g[1][b] + g[2][b]);
        t[2][b] = 0.5f * (g[0][b] - g[1][b] + g[2][b]);
        t[3][b] = g[2][b];
      }
      for (int a = 0; a < 4; a++) {
        const float v[4] = { t[a][0], 0.5f * (t[a][0] + t[a][1] + t[a][2]), 0.5f * (t[a][0] - t[a][1] + t[a][2]), t[a][2] };
        for (int b = 0; b < 4; b++) u[((a * 4 + b) * K + k) * N + n] = v[b];
      }
    }
}

/*
 * Tile `tile`'s 16 transformed values per channel, whose top-left input pixel is (ih0, iw0) of image n
 * (outside the input reads 0), into V[e] in the GEMM's packed A layout (kernels.c pack_a): tile t's channel c at
 * (t / 4) * 4 C + 4 c + t % 4, so the 16 GEMMs need no packing of A. `plane`: floats per V[e].
 */
static void input_tile(const ConvParams *p, const float *x, int n, int ih0, int iw0, float *v, int tile, long plane) {
  const int H = p->inHeight, W = p->inWidth, C = p->inChannels;
  float *base = v + (long)(tile >> 2) * 4 * C + (tile & 3);
  for (int c = 0; c < C; c += 4) {
    v128_t d[4][4];
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) {
        const int ih = ih0 + i, iw = iw0 + j;
        d[i][j] = (ih >= 0 && ih < H && iw >= 0 && iw < W) ? wasm_v128_load(x + (((long)n * H + ih) * W + iw) * C + c)
                                                            : wasm_f32x4_splat(0.0f);
      }
    v128_t r[4][4];
    for (int j = 0; j < 4; j++) {
      r[0][j] = wasm_f32x4_sub(d[0][j], d[2][j]);
      r[1][j] = wasm_f32x4_add(d[1][j], d[2][j]);
      r[2][j] = wasm_f32x4_sub(d[2][j], d[1][j]);
      r[3][j] = wasm_f32x4_sub(d[1][j], d[3][j]);
    }
    for (int i = 0; i < 4; i++) {
      const v128_t out[4] = { wasm_f32x4_sub(r[i][0], r[i][2]), wasm_f32x4_add(r[i][1], r[i][2]),
                              wasm_f32x4_sub(r[i][2], r[i][1]), wasm_f32x4_sub(r[i][1], r[i][3]) };
      for (int j = 0; j < 4; j++) {
        float *o = base + (long)(i * 4 + j) * plane + 4 * c;
        o[0] = wasm_f32x4_extract_lane(out[j], 0);
        o[4] = wasm_f32x4_extract_lane(out[j], 1);
        o[8] = wasm_f32x4_extract_lane(out[j], 2);
        o[12] = wasm_f32x4_extract_lane(out[j], 3);
      }
    }
  }
}

/* y's 2x2 block at (oh0, ow0) of image n from M[e][t][.], clipped to the output. */
static void output_tile(const ConvParams *p, const float *m, float *y, int n, int oh0, int ow0, int tile, int tiles) {
  const int OH = p->outHeight, OW = p->outWidth, CO = p->outChannels;
  const long plane = (long)tiles * CO;
  for (int c = 0; c < CO; c += 4) {
    v128_t s[4][4];
    for (int e = 0; e < 16; e++) s[e >> 2][e & 3] = wasm_v128_load(m + e * plane + (long)tile * CO + c);
    v128_t r0[4], r1[4];
    for (int j = 0; j < 4; j++) {
      r0[j] = wasm_f32x4_add(wasm_f32x4_add(s[0][j], s[1][j]), s[2][j]);
      r1[j] = wasm_f32x4_sub(wasm_f32x4_sub(s[1][j], s[2][j]), s[3][j]);
    }
    const v128_t out[2][2] = {
      { wasm_f32x4_add(wasm_f32x4_add(r0[0], r0[1]), r0[2]), wasm_f32x4_sub(wasm_f32x4_sub(r0[1], r0[2]), r0[3]) },
      { wasm_f32x4_add(wasm_f32x4_add(r1[0], r1[1]), r1[2]), wasm_f32x4_sub(wasm_f32x4_sub(r1[1], r1[2]), r1[3]) },
    };
    for (int a = 0; a < 2; a++)
      for (int b = 0; b < 2; b++)
        if (oh0 + a < OH && ow0 + b < OW) wasm_v128_store(y + (((long)n * OH + oh0 + a) * OW + ow0 + b) * CO + c, out[a][b]);
  }
}

/*
 * y = conv(x, filter) for a 3x3 stride-1 filter given as u (winogradFilter), over the whole images this
 * thread claims (chunk units: images). `scratch` holds V and M for TILES tiles: 16 * TILES * (C_in + C_out)
 * floats. ConvParams' epilogue, when set, is applied to each chunk's rows as conv2d does.
 */
__attribute__((export_name("conv2dWinograd")))
void conv2dWinograd(const float *x, const float *u, float *y, float *scratch, const ConvParams *p) {
  const int C = p->inChannels, CO = p->outChannels, thread = p->chunks.thread;
  const int TH = (p->outHeight + 1) / 2, TW = (p->outWidth + 1) / 2, perImage = TH * TW;
  float *v = scratch, *m = scratch + 16 * TILES * C;
  int n0, n1;
  while (claim(&p->chunks, &n0, &n1)) {
    const long total = (long)(n1 - n0) * perImage;
    for (long t0 = 0; t0 < total; t0 += TILES) {
      const int tiles = (int)(total - t0 < TILES ? total - t0 : TILES), padded = (tiles + 3) & ~3;
      const long plane = (long)padded * C;
      for (int t = 0; t < tiles; t++) {
        const long g = t0 + t;
        const int n = n0 + (int)(g / perImage), r = (int)(g % perImage), th = r / TW, tw = r % TW;
        input_tile(p, x, n, 2 * th - p->padTop, 2 * tw - p->padLeft, v, t, plane);
      }
      /* The last panel's missing tiles read as zero rows. */
      for (int t = tiles; t < padded; t++)
        for (int e = 0; e < 16; e++) {
          float *o = v + e * plane + (long)(t >> 2) * 4 * C + (t & 3);
          for (int c = 0; c < C; c++) o[4 * c] = 0.0f;
        }
      for (int e = 0; e < 16; e++)
        gemm_packed_a(v + e * plane, tiles, C, u + (long)e * C * CO, CO, m + (long)e * tiles * CO, CO, thread);
      for (int t = 0; t < tiles; t++) {
        const long g = t0 + t;
        const int n = n0 + (int)(g / perImage), r = (int)(g % perImage), th = r / TW, tw = r % TW;
        output_tile(p, m, y, n, 2 * th, 2 * tw, t, tiles);
      }
    }
    if (p->epilogue > 0) {
      const long image = (long)p->outHeight * p->outWidth * CO;
      float *yo = y + n0 * image;
      biasActivation(yo, (const float *)(long)p->bias, yo, (int)((n1 - n0) * image), p->bias ? CO : 0, p->epilogue - 1);
    }
  }
}
