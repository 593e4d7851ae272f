// The vision worker's life, seen from the main thread: started on first use (with camera.source
// none only enrollment ever starts it), replaced on the next use after it died, closed at stop.
import type { Frame, FrameAnalysis, Logger } from '../core/index.ts';
import { FacegateError, moduleUrl } from '../core/index.ts';
import type { Config } from '../config/index.ts';
import { describeBackend } from './backend-info.ts';
import { createVisionWorker, type VisionWorker, type VisionWorkerStats } from './worker-client.ts';
import type { PadAdaptationFile, PadLiveOptions } from './pad/adaptation.ts';

/** What the status page shows: not ready while the models load. */
export interface VisionStatus {
  backend: string | null;
  models: string[];
  ready: boolean;
}

export interface VisionServiceOptions {
  config: Config['vision'];
  /** The operator's pad settings for the worker's liveness check; null: PAD off, no face is ever judged live. */
  pad: Config['pad'] | null;
  log: Logger;
  /** The camera door's accepted PAD adaptation the worker starts with (null: the shipped model). */
  padAdaptation?: PadAdaptationFile | null;
  /** Starts the worker; a parameter for tests. */
  startWorker?: typeof createVisionWorker;
}

export class VisionService {
  readonly #opts: VisionServiceOptions;
  #worker: Promise<VisionWorker> | null = null;
  #status: VisionStatus | null = null;
  #closed = false;
  #live: PadLiveOptions;

  constructor(opts: VisionServiceOptions) {
    this.#opts = opts;
    this.#live = { adaptation: opts.padAdaptation ?? null, collect: false };
  }

  /** The running worker, started now if there is none. */
  worker(): Promise<VisionWorker> {
    if (this.#closed) return Promise.reject(new FacegateError('vision_closed', 'the vision worker is stopped'));
    if (this.#worker) return this.#worker;
    const { config, pad, log } = this.#opts;
    const start = this.#opts.startWorker ?? createVisionWorker;
    // A worker started again after a crash gets the adaptation in use now.
    const livenessOptions = { ...pad, ...this.#live };
    const started = start(config, log, pad ? { livenessModule: moduleUrl('./pad/module.ts', import.meta.url).href, livenessOptions } : {});
    this.#worker = started;
    this.#status = { backend: null, models: [], ready: false };
    const forget = (): void => {
      if (this.#worker !== started) return;
      this.#worker = null;
      this.#status = null;
    };
    started.then((w) => {
      this.#status = { backend: describeBackend(w.backend), models: Object.values(w.models), ready: true };
      log.info({ backend: this.#status.backend, models: this.#status.models }, 'vision backend chosen');
      return w.exited.then(forget);
    }, forget);
    return started;
  }

  /** Loads the models now rather than at the first face at the door; a failure is logged, the next use tries again. */
  warmUp(): void {
    this.worker().catch((err: unknown) => this.#opts.log.error({ err }, 'vision worker failed to start'));
  }

  /**
   * The door's PAD adaptation now in use (null: the shipped model): a running worker takes it at
   * once, one still loading once it is ready, a later one at its start.
   */
  setPadAdaptation(adaptation: PadAdaptationFile | null): Promise<void> {
    return this.#configurePad({ adaptation });
  }

  /** Whether the worker hands back each judged face's PAD evidence (a self-test fitting an adaptation). */
  collectPadEvidence(collect: boolean): Promise<void> {
    return this.#configurePad({ collect });
  }

  async #configurePad(change: Partial<PadLiveOptions>): Promise<void> {
    this.#live = { ...this.#live, ...change };
    if (!this.#opts.pad || !this.#worker) return;
    const worker = await this.#worker.catch(() => null);
    await worker?.configureLiveness(change);
  }

  async analyze(frame: Frame): Promise<FrameAnalysis> {
    return (await this.worker()).analyze(frame);
  }

  async analyzeImage(bytes: Uint8Array): Promise<FrameAnalysis> {
    return (await this.worker()).analyzeImage(bytes);
  }

  /** null before the first start and after the worker ended. */
  status(): VisionStatus | null {
    return this.#status;
  }

  /** Tensor count and heap inside the worker; null while none runs. */
  async stats(): Promise<VisionWorkerStats | null> {
    return this.#worker ? (await this.#worker).stats() : null;
  }

  /** Ends the worker (one still loading its models included); later uses are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#status = null;
    if (worker) await (await worker.catch(() => null))?.close();
  }
}
