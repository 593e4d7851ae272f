// Bench part "vision": facegate's pipeline and the peer pipelines on the same 640x480 frames
// (LFW faces pasted onto a grey background at varying places), one frame at a time, one thread;
// facegate and Human take turns frame by frame, so machine load weighs on both alike.
// Peers: Human's detect() with its face models (detector, mesh, description = embedding) and
// face-api's SSD MobileNet + 68 landmarks + recognition descriptor.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import { createLogger, type Frame } from '../../daemon/core/index.ts';
import { createPadLivenessCheck, createVisionPipeline, decodeImage, MODELS_DIR } from '../../daemon/vision/index.ts';
import { packageDir } from '../../daemon/vision/registry.ts';
import type { BenchPart } from './types.ts';

const FRAMES = Number(process.env.BENCH_VISION_FRAMES ?? 24);
const LFW = process.env.BENCH_LFW ?? join(MODELS_DIR, '../../shared/data/lfw-dev');

async function makeFrames(): Promise<Frame[]> {
  const people = readdirSync(LFW, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const frames: Frame[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const dir = join(LFW, people[(i * 37) % people.length]!);
    const face = await decodeImage(readFileSync(join(dir, readdirSync(dir).sort()[0]!)));
    const rgb = new Uint8Array(640 * 480 * 3).fill(96);
    const ox = 40 + ((i * 53) % 340),
      oy = 10 + ((i * 29) % 220);
    for (let y = 0; y < face.height; y++) rgb.set(face.data.subarray(y * face.width * 3, (y + 1) * face.width * 3), ((y + oy) * 640 + ox) * 3);
    frames.push({ seq: i, capturedAt: i, sourceId: 'bench', width: 640, height: 480, rgb });
  }
  return frames;
}

/** Serves a folder on loopback: the peers load models by URL (Node's fetch has no file://). */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/\.\.+/g, ''));
    if (!existsSync(path)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * Times each pipeline on every frame, the pipelines taking turns frame by frame (in alternating
 * order), so that whatever else the machine does weighs on all of them alike and the ratio holds.
 */
async function timeInTurns(frames: Frame[], fns: ((f: Frame) => Promise<unknown>)[]): Promise<number[][]> {
  for (const fn of fns) {
    await fn(frames[0]!); // warm-up: first inference compiles kernels
    await fn(frames[1]!);
  }
  const out: number[][] = fns.map(() => []);
  for (let i = 0; i < frames.length; i++) {
    const order = fns.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const t0 = performance.now();
      await fns[k]!(frames[i]!);
      out[k]!.push(performance.now() - t0);
    }
  }
  return out.map((t) => t.sort((a, b) => a - b));
}
const pct = (s: number[], p: number): number => Number(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!.toFixed(1));

interface HumanLike {
  load(): Promise<void>;
  warmup?(): Promise<unknown>;
  detect(input: unknown): Promise<{ face: unknown[] }>;
  tf: { tensor3d(d: Uint8Array, s: number[], t: string): { dispose(): void } };
}

const part: BenchPart = {
  name: 'vision',
  async run(log) {
    const frames = await makeFrames();
    const out: Record<string, number> = {};
    const cfg = embeddedDefaults().vision;
    const pipeline = await createVisionPipeline(cfg, createLogger({ level: 'warn' }));
    let pad = false;
    try {
      pipeline.setLiveness(await createPadLivenessCheck());
      pad = true;
    } catch (err) {
      log(`vision: no PAD check (${(err as Error).message}); timing without it`);
    }
    let faces = 0;
    const stages: Record<string, number[]> = {};
    const ourRun = async (f: Frame): Promise<void> => {
      const res = await pipeline.analyze(f);
      faces += res.faces.length;
      for (const [k, v] of Object.entries(res.timings)) (stages[k] ??= []).push(v);
    };
    // Our resident memory before a peer loads its own copy of TensorFlow.js.
    await ourRun(frames[0]!);
    out['vision.rss_mb'] = Math.round(process.memoryUsage().rss / 2 ** 20);

    const require = createRequire(import.meta.url);
    let humanRun: ((f: Frame) => Promise<void>) | null = null;
    let humanServer: Server | null = null;
    try {
      const humanDir = packageDir('@vladmandic/human');
      const { url, server } = await serve(join(humanDir, 'models'));
      humanServer = server;
      const { Human } = require(join(humanDir, 'dist/human.node-wasm.js')) as { Human: new (c: object) => HumanLike };
      const human = new Human({
        backend: 'wasm',
        wasmPath: `file://${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`,
        modelBasePath: url,
        debug: false,
        async: true,
        body: { enabled: false },
        hand: { enabled: false },
        object: { enabled: false },
        gesture: { enabled: false },
        segmentation: { enabled: false },
        face: {
          enabled: true,
          detector: { rotation: false, maxDetected: 5 },
          mesh: { enabled: true },
          iris: { enabled: false },
          description: { enabled: true },
          emotion: { enabled: false },
          antispoof: { enabled: pad },
          liveness: { enabled: pad },
        },
        filter: { enabled: false },
      });
      await human.load();
      humanRun = async (f) => {
        const t = human.tf.tensor3d(f.rgb, [f.height, f.width, 3], 'int32');
        try {
          await human.detect(t);
        } finally {
          t.dispose();
        }
      };
    } catch (err) {
      log(`vision: Human peer failed: ${(err as Error).message}`);
    }
    const [ours, peer] = await timeInTurns(frames, humanRun ? [ourRun, humanRun] : [ourRun]);
    humanServer?.close();
    await pipeline.close();
    // Where the time goes, stage by stage (medians), to see what to make faster.
    for (const [k, v] of Object.entries(stages))
      if (k !== 'total')
        out[`vision.stage_ms.${k}`] = pct(
          v.sort((a, b) => a - b),
          50,
        );
    out['vision.pipeline_ms.p50'] = pct(ours!, 50);
    out['vision.pipeline_ms.p90'] = pct(ours!, 90);
    out['vision.faces_per_frame'] = Number((faces / (frames.length + 3)).toFixed(2));
    out['vision.with_pad'] = pad ? 1 : 0;
    log(`vision: facegate p50 ${out['vision.pipeline_ms.p50']} ms (${pipeline.models.detector}, ${pipeline.models.embedder}${pad ? ', PAD' : ''})`);
    if (peer) {
      out['peer.human.pipeline_ms.p50'] = pct(peer, 50);
      out['peer.human.pipeline_ms.p90'] = pct(peer, 90);
      out['vision.speedup_vs_human'] = Number((out['peer.human.pipeline_ms.p50'] / out['vision.pipeline_ms.p50']).toFixed(2));
      log(`vision: Human p50 ${out['peer.human.pipeline_ms.p50']} ms, taking turns frame by frame: ${out['vision.speedup_vs_human']}x`);
    }

    try {
      const faDir = packageDir('@vladmandic/face-api');
      const { url, server } = await serve(join(faDir, 'model'));
      const faceapi = require(join(faDir, 'dist/face-api.node-wasm.js')) as {
        tf: { setBackend(b: string): Promise<boolean>; ready(): Promise<void>; tensor3d(d: Uint8Array, s: number[], t: string): { dispose(): void } };
        nets: Record<string, { loadFromUri(u: string): Promise<void> }>;
        SsdMobilenetv1Options: new (o: object) => unknown;
        detectAllFaces(i: unknown, o: unknown): { withFaceLandmarks(): { withFaceDescriptors(): Promise<unknown[]> } };
      };
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
      wasm.setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
      await faceapi.tf.setBackend('wasm');
      await faceapi.tf.ready();
      for (const net of ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet']) await faceapi.nets[net]!.loadFromUri(url);
      const opts = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 5 });
      const [peer] = await timeInTurns(frames, [
        async (f: Frame) => {
          const t = faceapi.tf.tensor3d(f.rgb, [f.height, f.width, 3], 'int32');
          try {
            await faceapi.detectAllFaces(t, opts).withFaceLandmarks().withFaceDescriptors();
          } finally {
            t.dispose();
          }
        },
      ]);
      server.close();
      out['peer.faceapi.pipeline_ms.p50'] = pct(peer!, 50);
      out['peer.faceapi.pipeline_ms.p90'] = pct(peer!, 90);
    } catch (err) {
      log(`vision: face-api peer failed: ${(err as Error).message}`);
    }
    return out;
  },
};
export default part;
