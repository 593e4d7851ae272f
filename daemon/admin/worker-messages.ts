/** What the daemon's main thread and the admin worker say to each other, besides service calls. */
import type { BusEvents, Config } from './deps.ts';
import type { PreviewFromWorker, PreviewToWorker } from './preview/channel.ts';

/** The bus events the worker listens to: the panel's live stream and the door-first hold. */
export const FORWARDED_EVENTS = ['event:stored', 'door:status', 'frame', 'decision'] as const satisfies readonly (keyof BusEvents)[];
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

export interface AdminWorkerData {
  entry: string;
  config: Config;
  version?: string;
  /** Whether the daemon offers the PAD self-test. */
  padSelftest: boolean;
  /** Whether the daemon offers per-door PAD adaptations (PAD on). */
  padAdaptation: boolean;
  /** Whether the daemon offers the camera framing preview. */
  preview: boolean;
  /** Settings keys the main thread applies live when the panel changes them. */
  liveKeys: string[];
  /** The worker thread's nice value (0 = as the daemon; higher = yields the CPU to it). */
  nice: number;
}

export type ToWorker =
  | { type: 'bus'; name: ForwardedEvent; payload: unknown }
  | { type: 'start' }
  | { type: 'stop' }
  /** A runtime setting changed from elsewhere than the panel (Home Assistant's select), by an authorized actor. */
  | { type: 'change-setting'; id: number; path: string; value: unknown; actor: string }
  | PreviewToWorker;

export type FromWorker =
  | { type: 'ready'; setupCode: string | null; transport: string }
  | { type: 'started'; address: string }
  | { type: 'failed'; message: string }
  | { type: 'setting'; path: string; config: Config }
  /** The answer to change-setting: null, or why nothing changed. */
  | { type: 'setting-changed'; id: number; problems: string[] | null }
  | { type: 'stopped' }
  | PreviewFromWorker;
