/** Worker for the fuzz test: loads each mutated file it is sent and reports 'loaded', 'error' or 'non-error'. */
import { parentPort } from 'node:worker_threads';
import { loadModel } from '../../src/io/index.js';

parentPort!.on('message', async (bytes: Uint8Array) => {
  try {
    const model = await loadModel(bytes, { maxBytes: 1 << 26 });
    model.countParams();
    parentPort!.postMessage({ outcome: 'loaded' });
  } catch (e) {
    parentPort!.postMessage(e instanceof Error ? { outcome: 'error', message: e.message } : { outcome: 'non-error', message: String(e) });
  }
});
