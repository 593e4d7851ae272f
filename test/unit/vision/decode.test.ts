import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, checkRgb } from '../../../daemon/vision/index.ts';

const png = (w: number, h: number, channels: 1 | 2 | 3 | 4): Promise<Buffer> =>
  sharp({ create: { width: w, height: h, channels: channels === 1 || channels === 2 ? 3 : channels, background: { r: 200, g: 100, b: 50, alpha: 0.5 } } })
    .toColourspace(channels <= 2 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();

test('grayscale, alpha, 1x1 and large photos all decode to packed RGB', async () => {
  for (const [w, h, c] of [
    [1, 1, 3],
    [64, 48, 1],
    [64, 48, 4],
    [33, 17, 3],
  ] as const) {
    const img = await decodeImage(await png(w, h, c));
    assert.equal(img.data.length, img.width * img.height * 3, `${w}x${h}x${c}`);
    assert.equal(img.width, w);
  }
  const big = await decodeImage(
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer(),
  );
  assert.equal(Math.max(big.width, big.height), 1280, 'large photos are scaled down before analysis');
  assert.equal(big.data.length, big.width * big.height * 3);
});

test('bytes that are no image, empty or truncated give VISION_BAD_IMAGE', async () => {
  const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
  for (const bad of [new Uint8Array(0), new TextEncoder().encode('hello, not an image'), jpeg.subarray(0, 300)]) {
    await assert.rejects(decodeImage(bad), (err: Error & { code?: string }) => err.code === 'VISION_BAD_IMAGE' && /image/.test(err.message));
  }
});

test('checkRgb refuses wrong sizes and short buffers', () => {
  assert.throws(() => checkRgb({ width: 0, height: 5, data: new Uint8Array(0) }), /size/);
  assert.throws(() => checkRgb({ width: 2.5, height: 5, data: new Uint8Array(0) }), /size/);
  assert.throws(() => checkRgb({ width: 4, height: 4, data: new Uint8Array(47) }), /48 RGB bytes/);
  assert.doesNotThrow(() => checkRgb({ width: 4, height: 4, data: new Uint8Array(48) }));
});
