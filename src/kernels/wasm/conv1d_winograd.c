/*
 * One-dimensional convolutions (Conv1D: height 1, stride 1, no dilation) by Winograd F(m, m), for filters of
 * 3 taps and more, in all three passes: forward, input gradient and filter gradient.
 *
 * F(m, r) gives m outputs of an r-tap correlation from n = m + r - 1 inputs with n multiplies per (input,
 * output) channel pair instead of m r (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2015): y = A^T [(G g) . (B^T d)]. A filter of k taps is cut into S = ceil(k / m) segments of m taps (the
 * last one zero-padded); segment s of output tile t reads input tile t + s, so the transform of each input
 * tile is shared by every segment, and output tile t is
 *   y_t = A^T sum_s (U_{t+s} . V_s),   U_t' = B^T d_t',   V_s = G g_s,
 * which for each of the n points is one GEMM: rows t with the S tiles' channels side by side (S C_in long,
 * contiguous when the tiles of an image are consecutive rows), times the S segments' filters stacked. The
 * gradients are that expression's adjoints: dM_t = A dy_t, then
 *   input:  dU_t' = sum_s dM_{t'-s} V_s^T, dx_t' += B dU_t' (tiles overlap, so the adds overlap),
 *   filter: dV_s = sum_t U_{t+s}^T dM_t, dg_s = G^T dV_s.
 * With m = 5 and k = 10 that is 18 multiplies per 5 outputs instead of 50. The transforms are built here
 * from the interpolation points below (Toom-Cook with a point at infinity) in double precision; the results
 * equal the direct sums up to float32 rounding, ~6e-6 of the output's scale at m = 5 with 100 channels,
 * against ~2e-7 for the direct sum (more points, larger transform coefficients).
 *
 * Rows: each image's tiles are T' = T + S - 1 consecutive rows (T = ceil(outWidth / m) output tiles; input
 * tiles t' < T'); rows t >= T of the outputs are junk the forward pass ignores and the gradients hold at
 * zero, so the GEMMs run over whole blocks of images at once. An image of more than BLOCK_ROWS rows is cut
 * into blocks of rows instead (U then reads the next block's first S - 1 tiles, and the input gradient's dM
 * the previous block's last S - 1), so the scratch does not grow with the sequence's length.
 */
#include <wasm_simd128.h>
#include "kernels.h"

#define MAX_M 5
#define MAX_N (2 * MAX_M - 1)
/* Rows (tiles) per block, about: the blocks' transformed inputs and outputs stay in L2 between the steps. */
#define BLOCK_ROWS 256

/* The finite interpolation points of F(m, m), 2m - 2 of them; the last point is infinity. */
static const double POINTS[MAX_M + 1][2 * MAX_M - 2] = {
  {0}, {0}, {0, 1}, {0, 1, -1, 2}, {0, 1, -1, 2, -2, 0.5}, {0, 1, -1, 2, -2, 0.5, -0.5, 1.5},
};

typedef struct {
  int m, n, segs;
  float at[MAX_M][MAX_N]; /* A^T: outputs from points */
  float g[MAX_N][MAX_M];  /* G: points from filter taps */
  float bt[MAX_N][MAX_N]; /* B^T: points from input taps */
} Wino;

static inline int imin(int a, int b) { return a < b ? a : b; }

/* Multiplies per output with tiles of m outputs on k taps: (2m - 1) ceil(k / m) / m. */
static double cost(int m, int k) { return (double)(2 * m - 1) * ((k + m - 1) / m) / m; }

/*
 * The tile size m for a k-tap filter: the cheapest in multiplies per output (the smaller on a tie, for its
 * smaller rounding), or 0 when the best saves less than 40% against the direct k (k < 3).
 */
__attribute__((export_name("winograd1dTile")))
int winograd1dTile(int k) {
  int best = 0;
  for (int m = 2; m <= MAX_M; m++)
    if (cost(m, k) <= 0.6 * k && (best == 0 || cost(m, k) < cost(best, k))) best = m;
  return best;
}

static void wino_init(Wino *w, int k) {
  const int m = winograd1dTile(k), n = 2 * m - 1, f = n - 1;
  const double *a = POINTS[m];
  w->m = m;
  w->n = n;
  w->segs = (k + m - 1) / m;
  for (int p = 0; p < n; p++) {
    double power = 1, fp = 1;
    for (int q = 0; q < f; q++)
      if (q != p && p < f) fp *= a[p] - a[q];
    for (int i = 0; i < m; i++, power *= p < f ? a[p] : 0) {
      w->at[i][p] = p < f ? (float)power : (i == m - 1);
      w->g[p][i] = p < f ? (float)(power / fp) : (i == m - 1);
    }
    /* Row p of B^T: the coefficients of prod over the finite points q != p of (z - a_q). */
    double c[MAX_N + 1] = {1};
    int deg = 0;
    for (int q = 0; q < f; q++) {
      if (q == p) continue;
      for (int i = deg + 1; i > 0; i--) c[i] = c[i - 1] - a[q] * c[i];
      c[0] = -a[q] * c[0];
      deg++;
    }
    for (int i = 0; i < n; i++) w->bt[p][i] = (float)c[i];
  }
}

/* The geometry of one call: tiles per image, rows per block, and where each scratch region starts. */
typedef struct {
  Wino w;
  int C, CO, W, OW, pad, k;
  int tiles;  /* T: output tiles per image */
  int rows;   /* T' = T + S - 1: rows per image */
  int images; /* images per block, or 0: blocks of up to BLOCK_ROWS rows of one image */
  long fPlane, uPlane, mPlane; /* floats per point: of the transformed filter, of U and of M */
  float *f, *u, *mm;
} Geometry;

static void geometry(Geometry *g, const ConvParams *p, float *scratch) {
  wino_init(&g->w, p->kernelWidth);
  const int m = g->w.m, S = g->w.segs;
  g->C = p->inChannels;
  g->CO = p->outChannels;
  g->W = p->inWidth;
  g->OW = p->outWidth;
  g->pad = p->padLeft;
  g->k = p->kernelWidth;
  g->tiles = (g->OW + m - 1) / m;
  g->rows = g->tiles + S - 1;
  g->images = BLOCK_ROWS / g->rows;
  const long blockRows = (g->images > 0 ? (long)g->images * g->rows : BLOCK_ROWS) + S - 1;
  g->fPlane = (long)S * g->C * g->CO;
  g->uPlane = blockRows * g->C;
  g->mPlane = blockRows * g->CO;
  g->f = scratch;
  g->u = g->f + g->w.n * g->fPlane;
  g->mm = g->u + g->w.n * g->uPlane;
}

/* Scratch floats per thread for a conv of these dimensions, or 0 when F(m, m) does not apply to k taps. */
__attribute__((export_name("winograd1dScratch")))
int winograd1dScratch(int k, int inChannels, int outChannels, int outWidth) {
  const int m = winograd1dTile(k);
  if (m == 0) return 0;
  ConvParams p = { .kernelWidth = k, .inChannels = inChannels, .outChannels = outChannels, .outWidth = outWidth };
  Geometry g;
  geometry(&g, &p, 0);
  return (int)(g.w.n * (g.fPlane + g.uPlane + g.mPlane));
}

/*
 * The transformed filter, V_s at point p, from w (k, C_in, C_out): element (c, o) at
 * f[p][(s C_in + c) C_out + o] (forward and filter gradient), or, `transposed`, at f[p][((S-1-s) C_out + o) C_in + c]
 * (the input gradient's GEMM, whose rows hold the S segments' dM latest first).
 */
static void filter_transform(const Geometry *g, const float *w, int transposed) {
  const Wino *t = &g->w;
  const int C = g->C, CO = g->CO, S = t->segs, m = t->m;
  for (int p = 0; p < t->n; p++)
    for (int s = 0; s < S; s++) {
      const int taps = imin(m, g->k - s * m);
      float *dst = g->f + p * g->fPlane;
      for (int c = 0; c < C; c++) {
        const float *ws = w + ((long)s * m * C + c) * CO;
        int o = 0;
        for (; o + 4 <= CO; o += 4) {
          v128_t v = wasm_f32x4_splat(0.0f);
          for (int j = 0; j < taps; j++) v = f32x4_madd(wasm_f32x4_splat(t->g[p][j]), wasm_v128_load(ws + (long)j * C * CO + o), v);
          if (!transposed) {
            wasm_v128_store(dst + ((long)s * C + c) * CO + o, v);
            continue;
          }
          float *d = dst + ((long)(S - 1 - s) * CO + o) * C + c;
          d[0] = wasm_f32x4_extract_lane(v, 0);
          d[C] = wasm_f32x4_extract_lane(v, 1);
          d[2 * C] = wasm_f32x4_extract_lane(v, 2);
          d[3 * C] = wasm_f32x4_extract_lane(v, 3);
        }
        for (; o < CO; o++) {
          float v = 0;
          for (int j = 0; j < taps; j++) v += t->g[p][j] * ws[(long)j * C * CO + o];
          if (transposed) dst[((long)(S - 1 - s) * CO + o) * C + c] = v;
          else dst[((long)s * C + c) * CO + o] = v;
        }
      }
    }
}

/*
 * out[p] = sum over j < cols of mat(p, j) in[j] for p < rows, mat(p, j) = mat[p rs + j cs], four channels at
 * a time. Inlined with constant rows and cols (the tile size dispatch below), so the loops unroll and the
 * vectors stay in registers.
 */
static inline __attribute__((always_inline)) void mat_vec(const float *mat, int rs, int cs, int rows, int cols,
                                                          const v128_t *in, v128_t *out) {
#pragma unroll
  for (int p = 0; p < rows; p++) {
    v128_t acc = wasm_f32x4_splat(0.0f);
#pragma unroll
    for (int j = 0; j < cols; j++) acc = f32x4_madd(wasm_f32x4_splat(mat[p * rs + j * cs]), in[j], acc);
    out[p] = acc;
  }
}

/* The scalar mat_vec, for the channels past the last multiple of 4. */
static inline float dot(const float *mat, int cs, int cols, const float *in) {
  float acc = 0;
  for (int j = 0; j < cols; j++) acc += mat[j * cs] * in[j];
  return acc;
}

/* Defines `name` to call `name_m` with the tile size m as a constant, so each transform is compiled for each m. */
#define BY_TILE(name, params, ...)                                                                                      \
  static void name params {                                                                                            \
    switch (g->w.m) {                                                                                                  \
    case 2: name##_m(__VA_ARGS__, 2); break;                                                                           \
    case 3: name##_m(__VA_ARGS__, 3); break;                                                                           \
    case 4: name##_m(__VA_ARGS__, 4); break;                                                                           \
    default: name##_m(__VA_ARGS__, 5); break;                                                                          \
    }                                                                                                                  \
  }

/*
 * A block of GEMM rows: `images` whole images from b0 (rows b T' + t), or, when an image has more than BLOCK_ROWS
 * rows, `rows` of image b0's rows from row t0. Row r of the block is row t0 + r of the images' rows, and only
 * rows 0 <= t0 + r < images T' exist (rows outside read and write zero).
 */
typedef struct {
  int b0, images, t0, rows;
} Block;

/* The first block of the chunk of images [n0, n1). */
static Block first_block(const Geometry *g, int n0, int n1) {
  if (g->images > 0) {
    const int images = imin(g->images, n1 - n0);
    return (Block){ n0, images, 0, images * g->rows };
  }
  return (Block){ n0, 1, 0, imin(BLOCK_ROWS, g->rows) };
}

/* The block after k in the chunk ending at image n1; images 0 when there is none. */
static Block next_block(const Geometry *g, Block k, int n1) {
  if (g->images > 0) {
    const int b0 = k.b0 + k.images, images = imin(g->images, n1 - b0);
    return (Block){ b0, images > 0 ? images : 0, 0, images * g->rows };
  }
  int b0 = k.b0, t0 = k.t0 + k.rows;
  if (t0 >= g->rows) b0++, t0 = 0;
  return (Block){ b0, b0 < n1, t0, imin(BLOCK_ROWS, g->rows - t0) };
}

/* Row r of block k: its image and tile, or 0 when the row is outside the block's images. */
static inline int block_row(const Geometry *g, const Block *k, long r, int *image, int *tile) {
  const long i = k->t0 + r;
  if (i < 0 || i >= (long)k->images * g->rows) return 0;
  *image = k->b0 + (int)(i / g->rows);
  *tile = (int)(i % g->rows);
  return 1;
}

/* U = B^T d: the block's input tiles, its rows and S - 1 more (zero past the block's images). */
static inline __attribute__((always_inline)) void input_transform_m(const Geometry *g, const float *x,
                                                                    const Block *k, const int m) {
  const Wino *t = &g->w;
  const int C = g->C, n = 2 * m - 1;
  for (long r = 0; r < k->rows + t->segs - 1; r++) {
    float *u = g->u + r * C;
    int b, tile;
    if (!block_row(g, k, r, &b, &tile)) {
      for (int p = 0; p < n; p++) __builtin_memset(u + p * g->uPlane, 0, (unsigned long)C * sizeof(float));
      continue;
    }
    const int base = tile * m - g->pad;
    const float *xi = x + (long)b * g->W * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t d[2 * MAX_M - 1], v[2 * MAX_M - 1];
#pragma unroll
      for (int j = 0; j < n; j++)
        d[j] = base + j >= 0 && base + j < g->W ? wasm_v128_load(xi + (long)(base + j) * C + c) : wasm_f32x4_splat(0.0f);
      mat_vec(&t->bt[0][0], MAX_N, 1, n, n, d, v);
#pragma unroll
      for (int p = 0; p < n; p++) wasm_v128_store(u + p * g->uPlane + c, v[p]);
    }
    for (; c < C; c++) {
      float d[MAX_N];
      for (int j = 0; j < n; j++) d[j] = base + j >= 0 && base + j < g->W ? xi[(long)(base + j) * C + c] : 0.0f;
      for (int p = 0; p < n; p++) u[p * g->uPlane + c] = dot(&t->bt[p][0], 1, n, d);
    }
  }
}

BY_TILE(input_transform, (const Geometry *g, const float *x, const Block *k), g, x, k)

/*
 * dM = A dy for the block's rows and the `lead` rows before them, row r at row `lead` + r of each point's plane;
 * zero for junk rows (t >= T) and rows outside the block's images.
 */
static inline __attribute__((always_inline)) void output_adjoint_m(const Geometry *g, const float *dy,
                                                                   const Block *k, int lead, const int m) {
  const Wino *t = &g->w;
  const int CO = g->CO, n = 2 * m - 1;
  for (long r = -lead; r < k->rows; r++) {
    int b = 0, tile = 0;
    const int inside = block_row(g, k, r, &b, &tile), valid = inside && tile < g->tiles ? imin(m, g->OW - tile * m) : 0;
    const float *dyi = dy + ((long)b * g->OW + (long)tile * m) * CO;
    float *out = g->mm + (lead + r) * CO;
    int o = 0;
    for (; o + 4 <= CO; o += 4) {
      v128_t d[MAX_M], v[2 * MAX_M - 1];
#pragma unroll
      for (int i = 0; i < m; i++) d[i] = i < valid ? wasm_v128_load(dyi + (long)i * CO + o) : wasm_f32x4_splat(0.0f);
      mat_vec(&t->at[0][0], 1, MAX_N, n, m, d, v);
#pragma unroll
      for (int p = 0; p < n; p++) wasm_v128_store(out + p * g->mPlane + o, v[p]);
    }
    for (; o < CO; o++) {
      float d[MAX_M];
      for (int i = 0; i < m; i++) d[i] = i < valid ? dyi[(long)i * CO + o] : 0.0f;
      for (int p = 0; p < n; p++) out[p * g->mPlane + o] = dot(&t->at[0][p], MAX_N, m, d);
    }
  }
}

BY_TILE(output_adjoint, (const Geometry *g, const float *dy, const Block *k, int lead), g, dy, k, lead)

/* y = A^T M for the block's real rows (t < T), clipped to the output. */
static inline __attribute__((always_inline)) void output_transform_m(const Geometry *g, float *y, const Block *k,
                                                                     const int m) {
  const Wino *t = &g->w;
  const int CO = g->CO, n = 2 * m - 1;
  for (int r = 0; r < k->rows; r++) {
    int b, tile;
    if (!block_row(g, k, r, &b, &tile) || tile >= g->tiles) continue;
    const int valid = imin(m, g->OW - tile * m);
    float *yo = y + ((long)b * g->OW + (long)tile * m) * CO;
    const float *mr = g->mm + (long)r * CO;
    int o = 0;
    for (; o + 4 <= CO; o += 4) {
      v128_t s[2 * MAX_M - 1], v[MAX_M];
#pragma unroll
      for (int q = 0; q < n; q++) s[q] = wasm_v128_load(mr + q * g->mPlane + o);
      mat_vec(&t->at[0][0], MAX_N, 1, m, n, s, v);
#pragma unroll
      for (int i = 0; i < m; i++)
        if (i < valid) wasm_v128_store(yo + (long)i * CO + o, v[i]);
    }
    for (; o < CO; o++) {
      float s[MAX_N];
      for (int q = 0; q < n; q++) s[q] = mr[q * g->mPlane + o];
      for (int i = 0; i < valid; i++) yo[(long)i * CO + o] = dot(&t->at[i][0], 1, n, s);
    }
  }
}

BY_TILE(output_transform, (const Geometry *g, float *y, const Block *k), g, y, k)

/* dx += B dU for the block's input tiles (which overlap: each adds onto its n inputs inside the sequence). */
static inline __attribute__((always_inline)) void input_adjoint_m(const Geometry *g, float *dx, const Block *k,
                                                                  const int m) {
  const Wino *t = &g->w;
  const int C = g->C, n = 2 * m - 1;
  for (int r = 0; r < k->rows; r++) {
    int b, tile;
    if (!block_row(g, k, r, &b, &tile)) continue;
    const int base = tile * m - g->pad;
    float *xi = dx + (long)b * g->W * C;
    const float *ur = g->u + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t s[2 * MAX_M - 1], v[2 * MAX_M - 1];
#pragma unroll
      for (int q = 0; q < n; q++) s[q] = wasm_v128_load(ur + q * g->uPlane + c);
      mat_vec(&t->bt[0][0], 1, MAX_N, n, n, s, v);
#pragma unroll
      for (int j = 0; j < n; j++) {
        if (base + j < 0 || base + j >= g->W) continue;
        float *o = xi + (long)(base + j) * C + c;
        wasm_v128_store(o, wasm_f32x4_add(wasm_v128_load(o), v[j]));
      }
    }
    for (; c < C; c++) {
      float s[MAX_N];
      for (int q = 0; q < n; q++) s[q] = ur[q * g->uPlane + c];
      for (int j = 0; j < n; j++)
        if (base + j >= 0 && base + j < g->W) xi[(long)(base + j) * C + c] += dot(&t->bt[0][j], MAX_N, n, s);
    }
  }
}

BY_TILE(input_adjoint, (const Geometry *g, float *dx, const Block *k), g, dx, k)

/* The n GEMMs of a block, one per point: gp on the planes of a, b and c (floats apart: aPlane, bPlane, cPlane). */
static void each_point(const Geometry *g, const GemmParams *gp, const float *a, long aPlane, const float *b, long bPlane,
                       float *c, long cPlane, int thread) {
  for (int q = 0; q < g->w.n; q++) gemm(a + q * aPlane, b + q * bPlane, c + q * cPlane, gp, thread);
}

/*
 * The forward pass y = conv(x, w) (`adjoint` 0: in x, out y) or its adjoint, the input gradient dx of dy (1: in dy,
 * out dx), over whole images in chunks. Forward: U = B^T d, M = U V per point, y = A^T M, then ConvParams'
 * epilogue, when set, on each chunk as conv2d applies it. Adjoint: dM = A dy, dU = dM V^T (row r's window is dM
 * rows r - S + 1 .. r, which start at row r of the plane), dx = sum of B dU over the overlapping tiles.
 */
static void conv_pass(const float *in, const float *w, float *out, float *scratch, const ConvParams *p, int adjoint) {
  Geometry g;
  geometry(&g, p, scratch);
  const int C = g.C, CO = g.CO, S = g.w.segs, thread = p->chunks.thread;
  filter_transform(&g, w, adjoint);
  int n0, n1;
  while (claim(&p->chunks, &n0, &n1)) {
    if (adjoint) __builtin_memset(out + (long)n0 * g.W * C, 0, (unsigned long)(n1 - n0) * g.W * C * sizeof(float));
    for (Block k = first_block(&g, n0, n1); k.images > 0; k = next_block(&g, k, n1)) {
      if (!adjoint) {
        const GemmParams gp = { .m = k.rows, .n = CO, .k = S * C, .aRow = C, .aCol = 1, .bRow = CO, .bCol = 1, .ldc = CO };
        input_transform(&g, in, &k);
        each_point(&g, &gp, g.u, g.uPlane, g.f, g.fPlane, g.mm, g.mPlane, thread);
        output_transform(&g, out, &k);
      } else {
        const GemmParams gp = { .m = k.rows, .n = C, .k = S * CO, .aRow = CO, .aCol = 1, .bRow = C, .bCol = 1, .ldc = C };
        output_adjoint(&g, in, &k, S - 1);
        each_point(&g, &gp, g.mm, g.mPlane, g.f, g.fPlane, g.u, g.uPlane, thread);
        input_adjoint(&g, out, &k);
      }
    }
    if (!adjoint && p->epilogue > 0) {
      const long image = (long)g.OW * CO;
      float *yo = out + n0 * image;
      biasActivation(yo, (const float *)(long)p->bias, yo, (int)((n1 - n0) * image), p->bias ? CO : 0, p->epilogue - 1);
    }
  }
}

/* y = conv(x, w) over whole images in chunks, with ConvParams' epilogue. */
__attribute__((export_name("conv1dWinograd")))
void conv1dWinograd(const float *x, const float *w, float *y, float *scratch, const ConvParams *p) {
  conv_pass(x, w, y, scratch, p, 0);
}

/* dx = the input gradient of conv(x, w) given dy, over whole images in chunks. */
__attribute__((export_name("conv1dWinogradBackpropInput")))
void conv1dWinogradBackpropInput(const float *dy, const float *w, float *dx, float *scratch, const ConvParams *p) {
  conv_pass(dy, w, dx, scratch, p, 1);
}

/*
 * dw (k, C_in, C_out) += the filter gradient over every chunk of images this thread claims: the caller zeroes
 * each thread's dw and sums them, as for conv2dBackpropFilter.
 */
__attribute__((export_name("conv1dWinogradBackpropFilter")))
void conv1dWinogradBackpropFilter(const float *x, const float *dy, float *dw, float *scratch, const ConvParams *p) {
  Geometry g;
  geometry(&g, p, scratch);
  const Wino *t = &g.w;
  const int C = g.C, CO = g.CO, n = t->n, m = t->m, S = t->segs, thread = p->chunks.thread;
  __builtin_memset(g.f, 0, (unsigned long)(n * g.fPlane) * sizeof(float));
  int n0, n1;
  while (claim(&p->chunks, &n0, &n1)) {
    for (Block k = first_block(&g, n0, n1); k.images > 0; k = next_block(&g, k, n1)) {
      input_transform(&g, x, &k);
      output_adjoint(&g, dy, &k, 0);
      /* dV[(s, c), o] += sum over rows r of U[r + s][c] dM[r][o]. */
      const GemmParams gp = { .m = S * C, .n = CO, .k = k.rows, .aRow = 1, .aCol = C, .bRow = CO, .bCol = 1, .ldc = CO, .accumulate = 1 };
      each_point(&g, &gp, g.u, g.uPlane, g.mm, g.mPlane, g.f, g.fPlane, thread);
    }
  }
  /* dg_s = G^T dV_s. */
  for (int s = 0; s < S; s++)
    for (int j = 0; j < m && s * m + j < g.k; j++) {
      float *dst = dw + (long)(s * m + j) * C * CO;
      for (int q = 0; q < n; q++) {
        const float coef = t->g[q][j];
        if (coef == 0.0f) continue;
        const float *src = g.f + q * g.fPlane + (long)s * C * CO;
        long i = 0;
        const v128_t cv = wasm_f32x4_splat(coef);
        for (; i + 4 <= (long)C * CO; i += 4) wasm_v128_store(dst + i, f32x4_madd(cv, wasm_v128_load(src + i), wasm_v128_load(dst + i)));
        for (; i < (long)C * CO; i++) dst[i] += coef * src[i];
      }
    }
}
