import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { Clock, TimerHandle } from '../core/index.ts';
import type { FrameSource, SourceHandlers } from './source.ts';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif']);
/** Frames are kept in memory up to this many bytes in total (a loop then costs no file reads). */
const CACHE_BYTES = 64 * 1024 * 1024;

/** The image files of a folder, in name order (numbers in names sort as numbers). */
export function listImages(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort(new Intl.Collator('en', { numeric: true }).compare)
    .map((name) => join(folder, name));
}

/**
 * Plays a folder of images as a camera at a fixed rate, looping or once. JPEG files are sent
 * as they are (an unreadable one is sent too: the pipeline must count it, as with a camera);
 * other formats are converted to JPEG once. Files are read once and kept (up to 64 MiB). A looping
 * replay lists its folder again at each loop, so a test (or a demo) can change what the camera
 * shows while it plays: files added are played from the next loop, files removed are forgotten.
 */
export class FolderReplaySource implements FrameSource {
  readonly kind = 'replay' as const;
  readonly id: string;
  readonly #folder: string;
  readonly #intervalMs: number;
  readonly #loop: boolean;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Buffer>();
  #cacheBytes = 0;
  #timer: TimerHandle | null = null;
  #handlers: SourceHandlers | null = null;
  #files: string[] = [];
  #index = 0;
  /** Monotonic ms the next frame is due: pacing by the wall clock would stall when it is set back. */
  #nextAt = 0;

  constructor(opts: { id: string; folder: string; fps: number; loop: boolean; clock: Clock }) {
    this.id = opts.id;
    this.#folder = opts.folder;
    this.#intervalMs = 1000 / opts.fps;
    this.#loop = opts.loop;
    this.#clock = opts.clock;
  }

  start(handlers: SourceHandlers): void {
    this.#handlers = handlers;
    try {
      this.#files = listImages(this.#folder);
    } catch (err) {
      this.#end(`cannot read ${this.#folder}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
      return;
    }
    if (this.#files.length === 0) {
      this.#end(`no images in ${this.#folder}`, false);
      return;
    }
    this.#index = 0;
    this.#nextAt = this.#clock.monotonic();
    this.#schedule(0);
  }

  kill(reason: string): void {
    this.#end(reason, false);
  }

  stop(): Promise<void> {
    this.#cancel();
    this.#handlers = null;
    return Promise.resolve();
  }

  #cancel(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #end(reason: string, ended: boolean): void {
    this.#cancel();
    const handlers = this.#handlers;
    this.#handlers = null;
    if (handlers) queueMicrotask(() => handlers.exit({ reason, ended }));
  }

  #schedule(delay: number): void {
    this.#timer = this.#clock.setTimeout(() => void this.#tick(), Math.max(0, delay));
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    const handlers = this.#handlers;
    if (!handlers) return;
    if (this.#index >= this.#files.length) {
      if (!this.#loop) {
        this.#end('finished', true);
        return;
      }
      this.#index = 0;
      this.#relist();
    }
    const file = this.#files[this.#index++] as string;
    try {
      const bytes = await this.#read(file);
      if (this.#handlers === handlers) handlers.data(bytes);
    } catch (err) {
      this.#end(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
      return;
    }
    if (this.#handlers !== handlers) return;
    // Fixed-rate schedule: a slow read shortens the next wait instead of slowing the rate.
    this.#nextAt += this.#intervalMs;
    const now = this.#clock.monotonic();
    if (this.#nextAt < now - this.#intervalMs) this.#nextAt = now;
    this.#schedule(this.#nextAt - now);
  }

  /** The folder's images now; an unreadable or emptied folder keeps the list it had. */
  #relist(): void {
    let files: string[];
    try {
      files = listImages(this.#folder);
    } catch {
      return;
    }
    if (files.length === 0) return;
    const keep = new Set(files);
    for (const [name, bytes] of this.#cache) {
      if (keep.has(name)) continue;
      this.#cache.delete(name);
      this.#cacheBytes -= bytes.length;
    }
    this.#files = files;
  }

  async #read(file: string): Promise<Buffer> {
    const cached = this.#cache.get(file);
    if (cached) return cached;
    const bytes = await readFile(file);
    let jpeg = bytes;
    if (!(bytes[0] === 0xff && bytes[1] === 0xd8)) {
      try {
        jpeg = await sharp(bytes).jpeg({ quality: 90 }).toBuffer();
      } catch {
        return bytes; // unreadable: passed on, so the pipeline counts it like a camera's garbage
      }
    }
    if (this.#cacheBytes + jpeg.length <= CACHE_BYTES) {
      this.#cache.set(file, jpeg);
      this.#cacheBytes += jpeg.length;
    }
    return jpeg;
  }
}
