import sharp from 'sharp';
import { ApiError } from './errors.ts';

const MAX_PIXELS = 40_000_000;

function sniff(b: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

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
  const format = sniff(bytes);
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
