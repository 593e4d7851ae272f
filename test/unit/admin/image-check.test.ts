import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { checkBytes } from '../../../daemon/identity/index.ts';
import { checkImage } from '../../../daemon/admin/image-check.ts';
import { ApiError } from '../../../daemon/admin/errors.ts';

const rules = {
  maxBytes: 1_000_000,
  minFacePx: 0,
  maxYawDeg: 90,
  maxPitchDeg: 90,
  minSharpness: 0,
  requireLiveness: { camera: false, upload: false },
  livenessMin: 0,
  backgroundRatio: 0,
};

test("enrollment and the admin upload check refuse the same bytes: identity's imageKind is the one sniffer", async () => {
  const mangledPng = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x0d]);
  assert.equal(checkBytes(mangledPng, rules)?.ok, false);
  await assert.rejects(checkImage(Buffer.from(mangledPng), 'photo 1'), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.statusCode, 415);
    assert.equal(e.message, 'photo 1 is not a JPEG, PNG or WebP image');
    return true;
  });
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } })
    .png()
    .toBuffer();
  assert.equal(checkBytes(png, rules), null, 'a real PNG passes the byte checks');
  assert.deepEqual(await checkImage(png, 'photo 2'), { format: 'png', width: 4, height: 4 });
});
