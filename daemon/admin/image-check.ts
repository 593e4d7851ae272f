import sharp from 'sharp';
import { imageKind } from './deps.ts';
import { ApiError } from './errors.ts';

const MAX_PIXELS = 40_000_000;

/** A file name as the browser sends it: a bare name. Anything with a path in it is refused, never used. */
export function checkFileName(name: string | undefined): string | null {
  if (name === undefined || name === '') return null;
  if (/[/\\]/.test(name) || name.includes('..') || name.includes('\0')) {
    throw new ApiError(400, 'bad_request', 'file name must be a plain name, without a path');
  }
  if ([...name].length > 200) throw new ApiError(400, 'bad_request', 'file name longer than 200 characters');
  return name;
}

/** The upload is a JPEG, PNG or WebP (by its bytes, not its claimed type) that decodes in full. */
export async function checkImage(bytes: Buffer, label: string): Promise<{ format: string; width: number; height: number }> {
  // Identity's sniffing: the upload route refuses exactly what enrollment would.
  const format = imageKind(bytes);
  if (!format) throw new ApiError(415, 'unsupported_media_type', `${label} is not a JPEG, PNG or WebP image`);
  try {
    const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_PIXELS });
    const meta = await image.metadata();
    await image.stats(); // decodes every pixel: a truncated or corrupt file fails here, not in vision
    return { format, width: meta.width ?? 0, height: meta.height ?? 0 };
  } catch (err) {
    throw new ApiError(422, 'unreadable_image', `${label} could not be decoded as ${format}: ${(err as Error).message.split('\n')[0]}`);
  }
}
