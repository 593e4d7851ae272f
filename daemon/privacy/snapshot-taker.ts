import type { AccessDecision, BusEvents, EventBus, Frame, Logger, Service } from '../core/index.ts';
import type { Snapshots } from './snapshots.ts';

export interface SnapshotTakerOptions {
  bus: EventBus<BusEvents>;
  snapshots: Pick<Snapshots, 'put'>;
  log: Logger;
  /**
   * Camera frames kept back (their JPEG only): a decision comes one analysis after the frame that
   * concluded it, a few frames later at 10 fps.
   */
  keep?: number;
}

interface KeptFrame {
  capturedMono: number;
  jpeg: Uint8Array;
}

/**
 * With privacy.snapshots_enabled: the camera frame that concluded each access decision, stored
 * sealed (under the recognised person's key, else a device key) and linked to the decision's
 * event, for a disputed entry. The JPEG is the camera's own: nothing is decoded or re-encoded.
 */
export class SnapshotTaker implements Service {
  readonly #o: SnapshotTakerOptions;
  readonly #keep: number;
  readonly #frames: KeptFrame[] = [];
  readonly #off: (() => void)[] = [];

  constructor(opts: SnapshotTakerOptions) {
    this.#o = opts;
    this.#keep = opts.keep ?? 16;
  }

  start(): void {
    this.#off.push(
      this.#o.bus.on('frame', (f) => this.#remember(f)),
      this.#o.bus.on('decision', (d) => this.#take(d)),
    );
  }

  stop(): void {
    for (const off of this.#off.splice(0)) off();
    this.#frames.length = 0;
  }

  #remember(frame: Frame): void {
    if (!frame.jpeg || frame.capturedMono === undefined) return;
    this.#frames.push({ capturedMono: frame.capturedMono, jpeg: frame.jpeg });
    if (this.#frames.length > this.#keep) this.#frames.shift();
  }

  #take(decision: AccessDecision): void {
    const frame = this.#frames.find((f) => f.capturedMono === decision.frameAt);
    if (!frame) {
      this.#o.log.warn({ door: decision.door, event: decision.eventId }, 'no snapshot: the deciding frame is no longer kept');
      return;
    }
    try {
      this.#o.snapshots.put({ image: frame.jpeg, mime: 'image/jpeg', personId: decision.personId, eventId: decision.eventId });
    } catch (err) {
      // A person erased while passing, an oversized frame: the decision stands without its snapshot.
      this.#o.log.warn({ err, door: decision.door, event: decision.eventId }, 'snapshot not stored');
    }
  }
}
