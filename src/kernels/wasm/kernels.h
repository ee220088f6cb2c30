/*
 * What kernels.c shares with the other kernel files of the wasm module (scripts/build-wasm.sh links every
 * .c file in src/kernels/wasm into one module).
 */
#ifndef KERATS_KERNELS_H
#define KERATS_KERNELS_H

/*
 * C (m x n, row stride ldc) = A (m x k) * B (k x n), or C += A * B when `accumulate`;
 * A(i,p) = a[i*aRow + p*aCol], B(p,j) = b[p*bRow + j*bCol].
 */
typedef struct {
  int m, n, k;
  int aRow, aCol, bRow, bCol;
  int ldc;
  int accumulate;
} GemmParams;

/* The blocked GEMM on one thread, with that thread's packing buffers (thread < THREADS). */
void gemm(const float *a, const float *b, float *c, const GemmParams *g, int thread);

#endif
