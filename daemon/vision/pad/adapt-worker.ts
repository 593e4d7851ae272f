// The thread a door's PAD adaptation is fitted in when the daemon runs the self-test: a fit of a
// few hundred frames takes seconds of CPU, which must not stall the door's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { fitAdaptation, type AdaptFrame, type AdaptOptions } from './adapt-fit.ts';

const { frames, options } = workerData as { frames: AdaptFrame[]; options: AdaptOptions };
try {
  parentPort?.postMessage({ ok: true, outcome: fitAdaptation(frames, options) });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
