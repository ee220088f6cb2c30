/**
 * Wires the backends in: the reference TypeScript kernels ('js') and, where WebAssembly SIMD is
 * available, the wasm kernels, which become the default. `setBackend('js' | 'wasm')` switches;
 * the environment variable KERATS_BACKEND=js (Node) starts on the reference kernels instead.
 */
import { getBackend, registerBackend, setBackend, type Backend } from '../backend/backend.js';

/** The backend's program types, for planned steps (src/training/plan/), which reach the backend only through here. */
export type {
  Conv2DParams, EpilogueActivation, Pool2DParams, Program, ProgramIO, ProgramOp,
} from '../backend/backend.js';
import { jsBackend } from '../kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../kernels/wasm/index.js';

registerBackend(jsBackend);
if (wasmAvailable()) {
  registerBackend(wasmBackend);
  if (globalThis.process?.env?.KERATS_BACKEND !== 'js') setBackend('wasm');
}

/**
 * The active backend. 'wasm' by default; if WebAssembly SIMD is missing or the module fails to load,
 * 'wasm' is silently not registered and 'js' is used.
 */
export function backend(): Backend {
  return getBackend();
}
