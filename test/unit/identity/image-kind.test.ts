import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { imageKind } from '../../../daemon/identity/index.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test('imageKind: JPEG, PNG and WebP by their magic bytes, real encodings included', async () => {
  const tiny = sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } });
  assert.equal(imageKind(await tiny.clone().jpeg().toBuffer()), 'jpeg');
  assert.equal(imageKind(await tiny.clone().png().toBuffer()), 'png');
  assert.equal(imageKind(await tiny.clone().webp().toBuffer()), 'webp');
  assert.equal(imageKind(Uint8Array.from([0xff, 0xd8, 0xff])), 'jpeg');
  assert.equal(imageKind(Uint8Array.from(PNG_SIGNATURE)), 'png');
});

test('imageKind: a PNG needs its whole 8-byte signature; a mangled or short file is no image', () => {
  // A PNG copied in text mode: CR LF became LF, so only the first four bytes still match.
  assert.equal(imageKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x1a, 0x0a, 0x00, 0x00])), null);
  for (let i = 4; i < PNG_SIGNATURE.length; i++) {
    const broken = Uint8Array.from([...PNG_SIGNATURE, 0, 0].map((b, at) => (at === i ? b ^ 0xff : b)));
    assert.equal(imageKind(broken), null, `byte ${i} of the signature changed`);
  }
  assert.equal(imageKind(Uint8Array.from(PNG_SIGNATURE.slice(0, 7))), null, 'shorter than the signature');
  assert.equal(imageKind(Buffer.from('RIFF\0\0\0\0WAVE')), null, 'a RIFF that is not WebP');
  assert.equal(imageKind(Buffer.from('GIF89a')), null);
  assert.equal(imageKind(new Uint8Array(0)), null);
});
