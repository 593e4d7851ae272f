// The one image shape vision works on: packed 8-bit RGB, row-major (the camera's Frame.rgb layout).
import { FacegateError } from '../core/index.ts';

export interface RgbImage {
  width: number;
  height: number;
  /** width*height*3 bytes. */
  data: Uint8Array;
}

/** Checks dimensions and buffer length, so that no model ever sees a malformed frame. */
export function checkRgb(img: RgbImage): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new FacegateError('VISION_BAD_FRAME', `frame size ${width}x${height} is not a positive integer size`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new FacegateError(
      'VISION_BAD_FRAME',
      `frame ${width}x${height} needs ${width * height * 3} RGB bytes, got ${data instanceof Uint8Array ? data.length : typeof data}`,
    );
  }
}
