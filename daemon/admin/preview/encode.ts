// The preview's picture: the camera's JPEG scaled down (a preview needs no full resolution, and a
// small frame is cheap to send at 2 fps), with its face boxes moved to the new size and each
// face's light measured on the same pixels.
import sharp from 'sharp';
import type { Box } from '../deps.ts';
import { DARK_LUMA, meanLuma } from './verdict.ts';
import type { PreviewFace } from './types.ts';

export const PREVIEW_MAX_WIDTH = 480;
const JPEG_QUALITY = 70;

/** A face as the pipeline saw it, in the pixels of the analysed frame. */
export interface AnalysedFace {
  box: Box;
  reasons: readonly string[];
}

export interface EncodedPreview {
  jpeg: Uint8Array;
  width: number;
  height: number;
  faces: PreviewFace[];
}

/**
 * `analysed`: the faces and the size of the frame they were found on (the analysis size, which may
 * differ from the camera's JPEG); null when there is no analysis to draw.
 */
export async function encodePreview(
  jpeg: Uint8Array,
  analysed: { faces: readonly AnalysedFace[]; width: number; height: number } | null,
  maxWidth = PREVIEW_MAX_WIDTH,
): Promise<EncodedPreview> {
  const { data, info } = await sharp(jpeg).resize({ width: maxWidth, withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const small = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  const faces = (analysed?.faces ?? []).map((f): PreviewFace => {
    const sx = width / (analysed?.width || width);
    const sy = height / (analysed?.height || height);
    const box = { x: Math.round(f.box.x * sx), y: Math.round(f.box.y * sy), width: Math.round(f.box.width * sx), height: Math.round(f.box.height * sy) };
    const luma = meanLuma(data, width, height, box);
    const reasons = luma !== null && luma < DARK_LUMA ? [...f.reasons, 'dark'] : [...f.reasons];
    return { box, reasons };
  });
  return { jpeg: new Uint8Array(small.buffer, small.byteOffset, small.byteLength), width, height, faces };
}
