/** Wires the default backend in: the reference TypeScript kernels. */
import { getBackend, registerBackend, type Backend } from '../backend/backend.js';
import { jsBackend } from '../kernels/js/index.js';

registerBackend(jsBackend);

export function backend(): Backend {
  return getBackend();
}
