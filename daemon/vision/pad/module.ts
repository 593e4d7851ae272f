// The LivenessModule the inference worker imports by URL (see ../liveness.ts): it builds the PAD
// check inside the worker's own thread, where onnxruntime-web runs. The worker passes the `pad`
// config section (none: balanced defaults).
import type { Config } from '../../config/index.ts';
import type { LivenessCheck } from '../liveness.ts';
import { DEFAULT_PAD, PadLivenessCheck, PadScorer, type PadLiveOptions, type PadOptions } from './check.ts';

export type PadConfig = Config['pad'];

/** What the worker is given: the pad section, and the door's adaptation when one is in use. */
export type PadWorkerOptions = PadConfig & Partial<PadLiveOptions>;

export function padOptionsFromConfig(pad: PadConfig, modelsDir?: string): PadOptions {
  return { securityLevel: pad.security_level, minFacePx: pad.min_face_px, modelsDir: modelsDir ?? DEFAULT_PAD.modelsDir };
}

export async function createLivenessCheck(pad?: PadWorkerOptions, modelsDir?: string): Promise<LivenessCheck> {
  const opts = pad ? padOptionsFromConfig(pad, modelsDir) : { ...DEFAULT_PAD, ...(modelsDir ? { modelsDir } : {}) };
  const check = new PadLivenessCheck(await PadScorer.load(opts));
  if (pad) check.configure({ adaptation: pad.adaptation ?? null, collect: pad.collect ?? false });
  return check;
}
