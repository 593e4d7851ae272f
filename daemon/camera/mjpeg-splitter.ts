/**
 * Cuts a byte stream of concatenated JPEGs (MJPEG as rpicam-vid, ffmpeg and gst fdsink write it,
 * or an HTTP multipart body) into single JPEGs.
 *
 * It walks the marker segments by their lengths until the scan data instead of looking for the
 * first FF D9, so an EXIF thumbnail (a whole JPEG inside APP1) cannot end a frame early. Inside
 * scan data FF is followed only by 00 or a restart marker, so the next other marker is exact.
 * Bytes outside a frame are junk and counted; a frame that outgrows maxFrameBytes is dropped and
 * the stream resynchronised at the next start-of-image: the buffer never grows past that bound.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

export interface SplitterStats {
  frames: number;
  /** Bytes skipped outside any frame (multipart headers, garbage). */
  junkBytes: number;
  /** Frames abandoned: too large, a broken marker structure, or cut off by a new start-of-image. */
  brokenFrames: number;
}

type State = 'seek' | 'header' | 'scan';

export class MjpegSplitter {
  readonly #maxFrameBytes: number;
  #buf: Buffer;
  #len = 0;
  /** Where parsing continues inside #buf; #buf[0] is a frame's first byte unless state is seek. */
  #pos = 0;
  #state: State = 'seek';
  readonly stats: SplitterStats = { frames: 0, junkBytes: 0, brokenFrames: 0 };

  constructor(maxFrameBytes = 8 * 1024 * 1024) {
    if (!(maxFrameBytes >= 64)) throw new RangeError('maxFrameBytes must be at least 64');
    this.#maxFrameBytes = maxFrameBytes;
    this.#buf = Buffer.allocUnsafe(Math.min(16 * 1024, maxFrameBytes + 1));
  }

  /** Forget a partial frame, e.g. when the source restarts. */
  reset(): void {
    if (this.#state !== 'seek' && this.#len > 0) this.stats.brokenFrames++;
    this.#len = 0;
    this.#pos = 0;
    this.#state = 'seek';
  }

  /** Feeds one chunk; returns the JPEGs it completed (each a fresh copy), in order. */
  push(chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // Append as much as the bound allows, then parse; repeat if the chunk was larger.
      const room = this.#maxFrameBytes + 1 - this.#len;
      const take = Math.min(room, chunk.length - offset);
      this.#append(chunk.subarray(offset, offset + take));
      offset += take;
      this.#parse(out);
      if (this.#len > this.#maxFrameBytes) {
        this.stats.brokenFrames++;
        this.#dropFrame();
        this.#parse(out);
      }
    }
    return out;
  }

  #append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(need, this.#buf.length * 2), this.#maxFrameBytes + 1));
      this.#buf.copy(grown, 0, 0, this.#len);
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }

  /** Drops bytes [0, n) from the buffer. */
  #consume(n: number): void {
    this.#buf.copy(this.#buf, 0, n, this.#len);
    this.#len -= n;
    this.#pos = Math.max(0, this.#pos - n);
  }

  /** Abandons the frame at the buffer start; keeps looking for the next SOI after its first byte. */
  #dropFrame(): void {
    this.#state = 'seek';
    this.#consume(1);
    this.stats.junkBytes++;
    this.#pos = 0;
  }

  #parse(out: Buffer[]): void {
    const buf = this.#buf;
    for (;;) {
      if (this.#state === 'seek') {
        const at = this.#findSoi();
        if (at < 0) {
          // Keep a tail that may be the start of an SOI cut by the chunk boundary (FF, or FF D8).
          const n = this.#len;
          const keep = n >= 2 && buf[n - 2] === 0xff && buf[n - 1] === SOI ? 2 : n >= 1 && buf[n - 1] === 0xff ? 1 : 0;
          this.stats.junkBytes += n - keep;
          this.#consume(n - keep);
          return;
        }
        this.stats.junkBytes += at;
        this.#consume(at);
        this.#state = 'header';
        this.#pos = 2;
        continue;
      }

      if (this.#state === 'header') {
        // At a marker: FF (fill FFs allowed) then the marker byte, then for most a 2-byte length.
        let p = this.#pos;
        if (p >= this.#len) return;
        if (buf[p] !== 0xff) {
          this.stats.brokenFrames++;
          this.#dropFrame();
          continue;
        }
        while (p < this.#len && buf[p] === 0xff) p++;
        if (p >= this.#len) return;
        const marker = buf[p] as number;
        if (marker === SOI) {
          // A new image began before this one ended: the old one was cut off.
          this.stats.brokenFrames++;
          this.#consume(p - 1);
          this.#pos = 2;
          continue;
        }
        if (marker === EOI) {
          this.#emit(p + 1, out);
          continue;
        }
        if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          this.#pos = p + 1;
          continue;
        }
        if (marker === 0x00) {
          this.stats.brokenFrames++;
          this.#dropFrame();
          continue;
        }
        if (p + 2 >= this.#len) return;
        const length = ((buf[p + 1] as number) << 8) | (buf[p + 2] as number);
        if (length < 2) {
          this.stats.brokenFrames++;
          this.#dropFrame();
          continue;
        }
        const next = p + 1 + length;
        if (next > this.#len) return; // the segment continues in a later chunk
        this.#pos = next;
        if (marker === SOS) this.#state = 'scan';
        continue;
      }

      // scan: entropy-coded data; only FF 00 (a stuffed FF) and FF D0–D7 (restart) stay inside it.
      const view = buf.subarray(0, this.#len);
      let p = this.#pos;
      for (;;) {
        const ff = view.indexOf(0xff, p);
        if (ff < 0) {
          this.#pos = this.#len;
          return;
        }
        if (ff + 1 >= this.#len) {
          this.#pos = ff;
          return;
        }
        const b = buf[ff + 1] as number;
        if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) {
          p = ff + 2;
          continue;
        }
        if (b === 0xff) {
          p = ff + 1;
          continue;
        }
        // Any other marker ends the scan: EOI, or another table/scan of a progressive JPEG.
        this.#pos = ff;
        this.#state = 'header';
        break;
      }
    }
  }

  /** The first FF D8 FF in the buffer, or -1. */
  #findSoi(): number {
    const view = this.#buf.subarray(0, this.#len);
    let p = 0;
    for (;;) {
      const ff = view.indexOf(0xff, p);
      if (ff < 0 || ff + 2 >= view.length) return -1;
      if (view[ff + 1] === SOI && view[ff + 2] === 0xff) return ff;
      p = ff + 1;
    }
  }

  #emit(end: number, out: Buffer[]): void {
    out.push(Buffer.from(this.#buf.subarray(0, end)));
    this.stats.frames++;
    this.#consume(end);
    this.#state = 'seek';
    this.#pos = 0;
  }
}
