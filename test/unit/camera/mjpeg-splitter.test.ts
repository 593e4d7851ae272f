import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { MjpegSplitter } from '../../../daemon/camera/index.ts';
import { jpegFrames, lavfi } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';

let frames: Buffer[] = [];

before(async () => {
  frames = await jpegFrames(join(tempDir(), 'f'), lavfi('testsrc=size=64x48:rate=10'), 3);
});

function splitAll(splitter: MjpegSplitter, chunks: Uint8Array[]): Buffer[] {
  return chunks.flatMap((c) => splitter.push(c));
}

void test('ffmpeg wrote real JPEGs for the fixture', async () => {
  assert.equal(frames.length, 3);
  for (const f of frames) assert.equal((await sharp(f).metadata()).format, 'jpeg');
});

void test('a stream cut into two pieces at every byte boundary yields exactly the frames', () => {
  const stream = Buffer.concat(frames);
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = new MjpegSplitter();
    const out = splitAll(s, [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.equal(out.length, frames.length, `cut at ${cut}`);
    out.forEach((f, i) => assert.ok(f.equals(frames[i] as Buffer), `cut at ${cut}, frame ${i}`));
    assert.equal(s.stats.junkBytes, 0);
    assert.equal(s.stats.brokenFrames, 0);
  }
});

void test('a stream fed one byte at a time and in three-piece cuts yields the same frames', () => {
  const stream = Buffer.concat(frames);
  const s = new MjpegSplitter();
  const out = splitAll(
    s,
    [...stream].map((b) => Uint8Array.of(b)),
  );
  assert.deepEqual(
    out.map((f) => f.length),
    frames.map((f) => f.length),
  );
  // every pair of cut points over the first frame and a fixed one in the second
  const second = (frames[0] as Buffer).length + 7;
  for (let cut = 0; cut < second; cut += 3) {
    const got = new MjpegSplitter().push(stream.subarray(0, cut)).concat(new MjpegSplitter().push(Buffer.alloc(0)));
    assert.ok(got.length <= 1);
    const s2 = new MjpegSplitter();
    const all = splitAll(s2, [stream.subarray(0, cut), stream.subarray(cut, second), stream.subarray(second)]);
    assert.equal(all.length, 3, `cuts at ${cut}, ${second}`);
  }
});

void test('junk between frames (multipart headers, random bytes, stray markers) is skipped and counted', () => {
  const junks = [
    Buffer.from('\r\n--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 1234\r\n\r\n'),
    Buffer.from([0xff, 0xff, 0x00, 0xd9, 0xff, 0xd9, 0x12, 0xff]),
    Buffer.from([0xff, 0xd8, 0x00, 0x00]), // a start-of-image not followed by a marker
  ];
  const parts: Buffer[] = [junks[0] as Buffer];
  frames.forEach((f, i) => parts.push(f, junks[(i + 1) % junks.length] as Buffer));
  const stream = Buffer.concat(parts);
  const junkTotal = stream.length - frames.reduce((n, f) => n + f.length, 0);
  for (let cut = 0; cut <= stream.length; cut += 5) {
    const s = new MjpegSplitter();
    const out = splitAll(s, [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.equal(out.length, frames.length, `cut at ${cut}`);
    out.forEach((f, i) => assert.ok(f.equals(frames[i] as Buffer)));
    assert.equal(s.stats.junkBytes, junkTotal, `cut at ${cut}`);
  }
});

void test('an embedded JPEG thumbnail (APP1) does not end the frame early', async () => {
  const frame = frames[0] as Buffer;
  const thumb = frames[1] as Buffer;
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, ((thumb.length + 8) >> 8) & 0xff, (thumb.length + 8) & 0xff]), Buffer.from('Exif\0\0'), thumb]);
  const withThumb = Buffer.concat([frame.subarray(0, 2), app1, frame.subarray(2)]);
  assert.ok((await sharp(withThumb).metadata()).width === 64, 'still a valid JPEG');
  const out = new MjpegSplitter().push(Buffer.concat([withThumb, frames[2] as Buffer]));
  assert.equal(out.length, 2);
  assert.ok((out[0] as Buffer).equals(withThumb));
});

void test('a frame cut off by the next start-of-image is dropped as broken and the next frame survives', () => {
  const cut = (frames[0] as Buffer).subarray(0, 400);
  const s = new MjpegSplitter();
  const out = s.push(Buffer.concat([cut, frames[1] as Buffer, frames[2] as Buffer]));
  assert.equal(out.length, 2);
  assert.ok((out[0] as Buffer).equals(frames[1] as Buffer));
  assert.equal(s.stats.brokenFrames, 1);
});

void test('the buffer is bounded: an oversized frame is dropped and the stream resynchronises', () => {
  const big = frames[0] as Buffer;
  const s = new MjpegSplitter(big.length - 10);
  // a header that never ends and a huge run of scan data, then two normal small frames
  const endless = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(big.length * 4, 0x11)]);
  const smaller = frames.filter((f) => f.length <= big.length - 10);
  const out = s.push(Buffer.concat([endless, ...smaller]));
  assert.equal(out.length, smaller.length);
  assert.ok(s.stats.brokenFrames + s.stats.junkBytes > 0);
  const tooBig = new MjpegSplitter(1000);
  assert.deepEqual(
    tooBig.push(big.length > 1000 ? big : Buffer.concat([big.subarray(0, big.length - 2), Buffer.alloc(1200, 0x22), big.subarray(big.length - 2)])),
    [],
  );
  assert.equal(tooBig.stats.brokenFrames, 1);
  assert.throws(() => new MjpegSplitter(10), /at least 64/);
});

void test('reset() forgets a partial frame', () => {
  const s = new MjpegSplitter();
  s.push((frames[0] as Buffer).subarray(0, 100));
  s.reset();
  const out = s.push((frames[0] as Buffer).subarray(100));
  assert.equal(out.length, 0);
  assert.equal(s.stats.brokenFrames, 1);
  assert.equal(s.push(frames[1] as Buffer).length, 1);
});
