/** The float64 matmul oracle shared by the kernel tests (js and wasm backends are checked against it). */
// Oracle: y[b,i,j] = sum_p A[b,i,p] B[b,p,j], with A stored (k,m) when transposed and B stored (n,k).
export function matmulOracle(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
  tA: boolean, tB: boolean, bBatch: number): Float64Array {
  const y = new Float64Array(batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    const bo = (bBatch === 1 ? 0 : bi) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += a[bi * m * k + (tA ? p * m + i : i * k + p)] * b[bo + (tB ? j * k + p : p * n + j)];
      }
      y[(bi * m + i) * n + j] = s;
    }
  }
  return y;
}
