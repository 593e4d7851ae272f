import { after } from 'node:test';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { EventBus, type BusEvents, type FacegateEvent, type Frame } from '../../../daemon/core/index.ts';
import { createCamera, type Camera, type CameraConfig, type CameraOptions } from '../../../daemon/camera/index.ts';
import { memoryLogger } from '../../support/logger.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** The embedded camera defaults with overrides; small frames and quick supervision for tests. */
export function cameraConfig(over: DeepPartial<CameraConfig> = {}): CameraConfig {
  const base = embeddedDefaults().camera;
  const quick: DeepPartial<CameraConfig> = { width: 160, height: 120, backoff_initial_s: 0.1, backoff_max_s: 0.5, stall_s: 3, motion: { enabled: false } };
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] =
        v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object'
          ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return merge(merge(base as unknown as Record<string, unknown>, quick), over) as unknown as CameraConfig;
}

export interface Harness {
  camera: Camera;
  bus: EventBus<BusEvents>;
  frames: Frame[];
  events: FacegateEvent[];
  statuses: BusEvents['camera:status'][];
  heartbeats: number;
  logs: () => Record<string, unknown>[];
}

/** A camera on a real bus with a real (in-memory) logger, stopped when the test file ends. */
export function startCamera(config: CameraConfig, extra: Pick<CameraOptions, 'wantsKeepalive'> = {}): Harness {
  const { log, lines } = memoryLogger('debug');
  const bus = new EventBus<BusEvents>(log);
  const camera = createCamera({ config, bus, log, ...extra });
  const h: Harness = { camera, bus, frames: [], events: [], statuses: [], heartbeats: 0, logs: lines };
  bus.on('frame', (f) => h.frames.push(f));
  bus.on('event', (e) => h.events.push(e));
  bus.on('camera:status', (s) => h.statuses.push(s));
  bus.on('heartbeat', (b) => {
    if (b.source === 'camera') h.heartbeats++;
  });
  after(() => camera.stop());
  return h;
}

/** Polls until cond() holds; rejects after timeoutMs (a hang guard, not a speed check). */
export async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs fn with PATH starting at dir (the fake camera binaries), restoring it after. */
export function withPath(dir: string): () => void {
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved ?? ''}`;
  return () => {
    process.env.PATH = saved;
  };
}
