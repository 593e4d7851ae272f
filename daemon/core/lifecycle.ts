import { FacegateError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface Service {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface LifecycleOptions {
  /** For the rollback tests: the step of this name fails as it begins. */
  failAt?: string | undefined;
}

interface Entry {
  name: string;
  service: Service;
}

/**
 * The daemon's start-up as named steps, with one way back. acquire() runs a step that takes a
 * resource now (the store, a worker); add() queues a service that start() starts in order. stop()
 * stops everything acquired or started, in reverse, and is also the rollback: a step that throws
 * in start() stops the ones before it before the error goes on. start() and stop() are idempotent;
 * a stop error is logged and the rest still stop.
 */
export class Lifecycle {
  readonly #entries: Entry[] = [];
  readonly #started: Entry[] = [];
  readonly #log: Logger;
  readonly #failAt: string | undefined;
  readonly #steps: string[] = [];
  #state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  #stopping: Promise<void> | null = null;
  #starting: Promise<void> | null = null;

  constructor(log: Logger, options: LifecycleOptions = {}) {
    this.#log = log;
    this.#failAt = options.failAt;
  }

  /** Runs `take` now and keeps `release` for stop (after every service added later). */
  acquire<T>(name: string, take: () => T, release: (value: T) => Promise<void> | void): T {
    if (this.#state !== 'idle') throw new Error(`cannot acquire "${name}" after start`);
    this.#steps.push(name);
    this.#injectFault(name);
    const value = take();
    this.#started.push({ name, service: { start: () => undefined, stop: () => release(value) } });
    return value;
  }

  /** Runs a named step now that holds nothing to release (building a room, checking a setting). */
  step<T>(name: string, run: () => T): T {
    if (this.#state !== 'idle') throw new Error(`cannot run step "${name}" after start`);
    this.#steps.push(name);
    this.#injectFault(name);
    return run();
  }

  add(name: string, service: Service): void {
    if (this.#state !== 'idle') throw new Error(`cannot add service "${name}" after start`);
    this.#steps.push(name);
    this.#entries.push({ name, service });
  }

  /** Every step's name in the order it runs: steps and acquisitions, then the services. */
  get steps(): string[] {
    return [...this.#steps.filter((n) => !this.#entries.some((e) => e.name === n)), ...this.#entries.map((e) => e.name)];
  }

  get state(): string {
    return this.#state;
  }

  /** The names of what stop() would stop now, in the order they were taken. */
  get held(): string[] {
    return this.#started.map((e) => e.name);
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') return this.#starting ?? Promise.resolve();
    this.#state = 'starting';
    this.#starting = this.#startAll();
    return this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #startAll(): Promise<void> {
    for (const entry of this.#entries) {
      if ((this.#state as string) === 'stopping') return;
      this.#log.debug({ service: entry.name }, 'starting');
      try {
        this.#injectFault(entry.name);
        await entry.service.start();
      } catch (err) {
        // The step's own half-started work is its to undo; what started before it is undone here.
        this.#log.error({ err, service: entry.name }, 'start-up failed: stopping what had started');
        // A stop already under way is waiting for this start to end: it does the rollback.
        if ((this.#state as string) !== 'stopping') {
          this.#starting = null;
          await this.stop();
        }
        throw err;
      }
      this.#started.push(entry);
    }
    if ((this.#state as string) === 'starting') this.#state = 'running';
  }

  async #stopAll(): Promise<void> {
    // A step still starting finishes first, so that it is stopped too.
    const starting = this.#starting;
    this.#state = 'stopping';
    await starting?.catch(() => undefined);
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

  #injectFault(name: string): void {
    if (this.#failAt === name) throw new FacegateError('fault_injected', `start-up step "${name}" failed on purpose (failAt)`);
  }
}
