import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FacegateError, createLogger, moduleUrl } from '../core/index.ts';
import { loadConfig } from '../config/index.ts';
import { createPadLivenessCheck, createVisionPipeline, createVisionWorker, describeBackend } from '../vision/index.ts';

export const VISION_USAGE = 'facegate vision check IMAGE [--config FILE] [--json]';

/** `facegate vision check IMAGE`: runs one photo through the configured pipeline (in its worker when vision.worker is on). */
export async function visionCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
  });
  const [sub, file] = positionals;
  if (sub !== 'check' || !file) throw new FacegateError('usage', `usage: ${VISION_USAGE}`, { exitCode: 64 });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FacegateError('usage', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { exitCode: 66 });
  }
  const { config } = loadConfig({ file: values.config });
  const log = createLogger({ level: 'warn' });
  // The presentation-attack check goes into the liveness slot as in the daemon (pad.enabled).
  const padModule = moduleUrl('../vision/pad/module.ts', import.meta.url).href;
  let vision;
  if (config.vision.worker) {
    vision = await createVisionWorker(config.vision, log, config.pad.enabled ? { livenessModule: padModule, livenessOptions: config.pad } : {});
  } else {
    const pipeline = await createVisionPipeline(config.vision, log);
    if (config.pad.enabled) pipeline.setLiveness(await createPadLivenessCheck(config.pad));
    vision = pipeline;
  }
  try {
    const res = await vision.analyzeImage(bytes);
    const faces = res.faces.map((f) => ({
      box: f.box,
      detectionScore: f.detectionScore,
      landmarks5: f.landmarks5,
      quality: f.quality,
      embedded: f.embedding !== null,
      liveness: f.liveness,
      attributes: f.attributes,
    }));
    const out = {
      thread: config.vision.worker ? 'worker' : 'main',
      backend: describeBackend(vision.backend),
      models: vision.models,
      width: res.width,
      height: res.height,
      faces,
      timings: res.timings,
    };
    if (values.json) {
      console.log(JSON.stringify(out));
    } else {
      console.log(`backend ${out.backend} (${out.thread} thread), models ${Object.values(out.models).join(', ')}, image ${res.width}x${res.height}`);
      for (const [i, f] of faces.entries()) {
        const b = f.box;
        console.log(
          `face ${i + 1}: ${Math.round(b.width)}x${Math.round(b.height)} at ${Math.round(b.x)},${Math.round(b.y)} score ${f.detectionScore.toFixed(2)} liveness ${f.liveness?.toFixed(2) ?? '-'} yaw ${f.quality.yaw.toFixed(0)}° pitch ${f.quality.pitch.toFixed(0)}° sharpness ${f.quality.sharpness.toFixed(0)} ${f.quality.ok ? 'ok' : `rejected: ${f.quality.reasons.join(', ')}`}`,
        );
      }
      if (faces.length === 0) console.log('no face found');
      console.log(
        `timings ms: ${Object.entries(res.timings)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
      );
    }
    return 0;
  } finally {
    await vision.close();
  }
}
