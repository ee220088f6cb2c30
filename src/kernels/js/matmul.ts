/** Reference batched matrix multiply (i-k-j loop order, so the inner loop runs over contiguous rows). */

function transpose2d(x: Float32Array, off: number, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[c * rows + r] = x[off + r * cols + c];
  return y;
}

export function matmul(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, bBatch: number, out?: Float32Array): Float32Array {
  // The loops accumulate into y, so a caller's array starts from zero.
  const y = out ? out.fill(0, 0, batch * m * n) : new Float32Array(batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    // Bring both operands to row-major (m,k) and (k,n).
    const A = transposeA ? transpose2d(a, bi * m * k, k, m) : a;
    const aOff = transposeA ? 0 : bi * m * k;
    const bIdx = bBatch === 1 ? 0 : bi;
    const B = transposeB ? transpose2d(b, bIdx * k * n, n, k) : b;
    const bOff = transposeB ? 0 : bIdx * k * n;
    const yOff = bi * m * n;
    for (let i = 0; i < m; i++) {
      const yRow = yOff + i * n;
      const aRow = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const av = A[aRow + p];
        if (av === 0) continue;
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) y[yRow + j] += av * B[bRow + j];
      }
    }
  }
  return y;
}
