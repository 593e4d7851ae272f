// Turns the bytes of an uploaded photo into RGB with sharp: any format sharp reads, any orientation,
// grayscale or with alpha. Anything else is a clear VISION_BAD_IMAGE error, never a crash.
import sharp from 'sharp';
import { FacegateError } from '../core/index.ts';
import type { RgbImage } from './image.ts';

/** Larger photos are scaled down first: faces that matter for enrollment stay far above the detector's needs. */
export const MAX_DECODE_SIDE = 1280;
/** Refuse decompression bombs before decoding (about 8000x6000). */
const MAX_INPUT_PIXELS = 48_000_000;

export async function decodeImage(bytes: Uint8Array, maxSide = MAX_DECODE_SIDE): Promise<RgbImage> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new FacegateError('VISION_BAD_IMAGE', 'the image is empty');
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate() // honour EXIF orientation
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = info.width * info.height;
    if (info.channels === 3) return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    // Grayscale sources can still come out with one channel: spread it to three.
    const rgb = new Uint8Array(pixels * 3);
    for (let i = 0; i < pixels; i++) {
      const v = data[i * info.channels] ?? 0;
      rgb[i * 3] = v;
      rgb[i * 3 + 1] = v;
      rgb[i * 3 + 2] = v;
    }
    return { width: info.width, height: info.height, data: rgb };
  } catch (err) {
    throw new FacegateError('VISION_BAD_IMAGE', `cannot decode the image: ${(err as Error).message}`, { cause: err });
  }
}
