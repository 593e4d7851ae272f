import type { Logger } from './logger.ts';

export interface Service {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

interface Entry {
  name: string;
  service: Service;
}

/**
 * Starts services in the order they were added and stops them in reverse.
 * start() and stop() are idempotent; a stop error is logged and the rest still stop.
 */
export class Lifecycle {
  readonly #entries: Entry[] = [];
  readonly #started: Entry[] = [];
  readonly #log: Logger;
  #state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  #stopping: Promise<void> | null = null;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(name: string, service: Service): void {
    if (this.#state !== 'idle') throw new Error(`cannot add service "${name}" after start`);
    this.#entries.push({ name, service });
  }

  get state(): string {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    for (const entry of this.#entries) {
      if ((this.#state as string) === 'stopping') return;
      this.#log.debug({ service: entry.name }, 'starting');
      await entry.service.start();
      this.#started.push(entry);
    }
    this.#state = 'running';
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    this.#state = 'stopping';
    for (const entry of [...this.#started].reverse()) {
      try {
        this.#log.debug({ service: entry.name }, 'stopping');
        await entry.service.stop();
      } catch (err) {
        this.#log.error({ err, service: entry.name }, 'service failed to stop cleanly');
      }
    }
    this.#started.length = 0;
    this.#state = 'stopped';
  }
}
