// The framing preview built for main.ts: the sampler on the bus's frames, with admin.preview's caps.
import type { BusEvents, Clock, Config, EventBus, Logger } from '../deps.ts';
import { busPreviewFrames } from './bus-frames.ts';
import { PreviewSampler } from './sampler.ts';

export interface CameraPreviewOptions {
  bus: EventBus<BusEvents>;
  clock: Clock;
  log: Logger;
  settings: Config['admin']['preview'];
  /** Whether a camera runs now. */
  available(): boolean;
  /** Asks the live pipeline to analyse the next frame even in a still scene. */
  wantFrame(): void;
}

export function cameraPreview(o: CameraPreviewOptions): PreviewSampler {
  return new PreviewSampler({
    frames: busPreviewFrames({ bus: o.bus, wantFrame: o.wantFrame }),
    clock: o.clock,
    log: o.log.child({ room: 'admin', part: 'camera-preview' }),
    fps: o.settings.fps,
    maxViewers: o.settings.max_viewers,
    maxSessionMs: o.settings.max_session_s * 1000,
    available: o.available,
  });
}
