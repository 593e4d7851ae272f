import sharp from 'sharp';

/**
 * The motion gate works on a copy this wide, decoded with libjpeg's DCT scaling (shrink-on-load).
 * sharp loads at 1/8 only when the target is more than 8× smaller (exactly 8×, e.g. 640 → 80, it
 * loads at 1/4 and resizes): 64 gets 1/8 from 640×480 and 1280×720 frames, ~15 % less CPU a check.
 */
export const GATE_WIDTH = 64;

export interface Gray {
  width: number;
  height: number;
  /** One byte per pixel, row-major. */
  data: Uint8Array;
}

export interface Rgb {
  width: number;
  height: number;
  /** Packed RGB, 3 bytes per pixel, row-major. */
  data: Uint8Array;
}

// A warning (a truncated or damaged JPEG) is an error here: a half-grey frame must not reach
// face detection, and the count of such frames is how a camera sending garbage is noticed.
const input = { failOn: 'warning' } as const;

/** A small grayscale copy for the motion gate. Rejects on a corrupt JPEG. */
export async function decodeGray(jpeg: Uint8Array, width = GATE_WIDTH): Promise<Gray> {
  const { data, info } = await sharp(jpeg, input).resize({ width, fastShrinkOnLoad: true }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** RGB fitted inside width×height, keeping the aspect ratio, never enlarged. Rejects on a corrupt JPEG. */
export async function decodeRgb(jpeg: Uint8Array, width: number, height: number): Promise<Rgb> {
  const { data, info } = await sharp(jpeg, input)
    .resize({ width, height, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
