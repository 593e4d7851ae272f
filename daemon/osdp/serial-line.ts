import { execFile } from 'node:child_process';
import { constants, closeSync, openSync, writeSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import type { Clock, Logger, TimerHandle } from '../core/index.ts';

export interface SerialLineOptions {
  path: string;
  baud: number;
  clock: Clock;
  log: Logger;
  onData: (chunk: Uint8Array) => void;
  /** the local line opened or closed (not the panel: that is the PD's online state) */
  onState?: (open: boolean, reason?: string) => void;
  /** pause before each new attempt to open the path; the line may be a USB adapter being replugged */
  reopenMs?: number;
}

/** 8 data bits, no parity, 1 stop bit, no flow control, no echo, no line discipline: bytes as they are. */
export function sttyArgs(path: string, baud: number): string[] {
  return ['-F', path, String(baud), 'raw', '-echo', 'cs8', '-cstopb', '-parenb', '-crtscts', '-ixon', '-ixoff', 'clocal', 'cread'];
}

/**
 * A serial tty, opened raw and re-opened by its path whenever it goes away (a hangup, EIO, an
 * unplugged adapter). Raw mode and speed are set with stty(1): Node has no termios call, and the
 * well-kept serial library (serialport) needs native bindings this project would have to build
 * for every board; a tty opened as a file and read through Node's tty stream needs neither.
 */
export class SerialLine {
  readonly #o: SerialLineOptions;
  readonly #reopenMs: number;
  #fd: number | null = null;
  #stream: ReadStream | null = null;
  #timer: TimerHandle | null = null;
  #stopped = true;
  #lastFailure = '';

  constructor(options: SerialLineOptions) {
    this.#o = options;
    this.#reopenMs = options.reopenMs ?? 500;
  }

  get open(): boolean {
    return this.#fd !== null;
  }

  start(): void {
    this.#stopped = false;
    this.#attempt();
  }

  /** Writes the bytes now; false when the line is closed or the write failed (the panel will retry). */
  write(bytes: Uint8Array): boolean {
    if (this.#fd === null) return false;
    try {
      return writeSync(this.#fd, bytes) === bytes.length;
    } catch (err) {
      this.#close(`write failed: ${(err as Error).message}`);
      return false;
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#close(null);
  }

  #attempt(): void {
    this.#timer = null;
    if (this.#stopped) return;
    let fd: number;
    try {
      fd = openSync(this.#o.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (err) {
      return this.#retry(`cannot open ${this.#o.path}: ${(err as Error).message}`);
    }
    if (!isatty(fd)) {
      closeSync(fd);
      return this.#retry(`${this.#o.path} is not a serial line (not a tty)`);
    }
    execFile('stty', sttyArgs(this.#o.path, this.#o.baud), { timeout: 5000 }, (err, _out, stderr) => {
      if (this.#stopped) return closeSync(fd);
      if (err) {
        closeSync(fd);
        return this.#retry(`stty could not set ${this.#o.path} raw at ${this.#o.baud} baud: ${stderr.trim() || err.message}`);
      }
      this.#attach(fd);
    });
  }

  #attach(fd: number): void {
    const stream = new ReadStream(fd);
    this.#fd = fd;
    this.#stream = stream;
    this.#lastFailure = '';
    stream.on('data', (chunk: Buffer) => this.#o.onData(chunk));
    stream.on('error', (err) => this.#close(`read failed: ${err.message}`));
    stream.on('end', () => this.#close('hangup: the other end of the line went away'));
    this.#o.log.info({ path: this.#o.path, baud: this.#o.baud }, 'OSDP serial line open');
    this.#o.onState?.(true);
  }

  #close(reason: string | null): void {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    this.#fd = null; // the stream owns the descriptor and closes it; never write to the number again
    stream.removeAllListeners('data');
    stream.on('error', () => {});
    stream.destroy();
    if (reason === null) return;
    this.#o.log.warn({ path: this.#o.path, reason }, 'OSDP serial line closed; re-opening');
    this.#o.onState?.(false, reason);
    this.#retry(null);
  }

  /** Tries again later; a failure is logged when it differs from the last one, not every 500 ms. */
  #retry(failure: string | null): void {
    if (failure !== null && failure !== this.#lastFailure) {
      this.#lastFailure = failure;
      this.#o.log.warn({ path: this.#o.path, reason: failure }, 'OSDP serial line not available; retrying');
    }
    if (!this.#stopped) this.#timer = this.#o.clock.setTimeout(() => this.#attempt(), this.#reopenMs);
  }
}
