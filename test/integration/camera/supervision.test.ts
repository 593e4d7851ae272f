import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeCameraBin, jpegFrames, lavfi } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';
import { cameraConfig, startCamera, until, withPath } from './harness.ts';

const root = tempDir();
let clips: Buffer[] = [];

before(async () => {
  clips = await jpegFrames(join(root, 'clips'), lavfi('testsrc=size=160x120:rate=10'), 12);
});

/** A fake rpicam-vid in its own folder; `once` sets the behaviour of its first start. */
function fakeCamera(name: string, once?: string): { dir: string; restore: () => void; starts: () => number } {
  const dir = join(root, name);
  const restore = withPath(fakeCameraBin(dir));
  if (once) writeFileSync(join(dir, 'mode.once'), once);
  const starts = (): number => {
    try {
      return readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n').length;
    } catch {
      return 0;
    }
  };
  return { dir, restore, starts };
}

/** The frames the fake camera plays one by one in 'frames' mode. */
function writeFrames(dir: string, frames: Buffer[]): void {
  mkdirSync(join(dir, 'frames'), { recursive: true });
  frames.forEach((f, i) => writeFileSync(join(dir, 'frames', `${String(i).padStart(3, '0')}.jpg`), f));
}

/** A JPEG whose scan data stops half-way before a proper end marker: it splits fine and fails to decode. */
function truncated(jpeg: Buffer): Buffer {
  return Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);
}

void test('a killed camera process is restarted, with camera_lost and camera_restored events', async () => {
  const cam = fakeCamera('killed');
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera', door: 'back' }));
    await h.camera.start();
    await until(() => h.frames.length >= 2, 'first frames');
    const seqBefore = h.frames.at(-1)?.seq ?? 0;
    process.kill(Number(readFileSync(join(cam.dir, 'pid'), 'utf8')), 'SIGKILL');
    await until(() => h.events.some((e) => e.type === 'camera_restored'), 'camera_restored');
    const [lost, restored] = h.events;
    assert.equal(lost?.type, 'camera_lost');
    assert.equal(lost?.door, 'back');
    assert.match(lost?.reason ?? '', /killed by SIGKILL/);
    assert.equal(lost?.v, 1);
    assert.equal(restored?.type, 'camera_restored');
    assert.equal(h.events.length, 2);
    assert.equal(cam.starts(), 2);
    assert.equal(h.camera.metrics().restarts, 1);
    assert.deepEqual(
      h.statuses.map((s) => s.state),
      ['running', 'lost', 'running'],
    );
    await until(() => (h.frames.at(-1)?.seq ?? 0) > seqBefore, 'frames after the restart');
    assert.equal(h.camera.status().state, 'running');
    await h.camera.stop();
  } finally {
    cam.restore();
  }
});

void test('a hung camera (no frame for stall_s) is killed and restarted', async () => {
  const cam = fakeCamera('hung', 'hang');
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera', stall_s: 0.6 }));
    await h.camera.start();
    await until(() => h.events.some((e) => e.type === 'camera_restored'), 'restored after the hang');
    const lost = h.events.find((e) => e.type === 'camera_lost');
    assert.match(lost?.reason ?? '', /no frame for 0\.6 s/);
    assert.ok(h.camera.metrics().restarts >= 1);
    assert.ok(cam.starts() >= 2);
    assert.ok(h.logs().some((l) => l.msg === 'camera source failed; killing it'));
    await h.camera.stop();
  } finally {
    cam.restore();
  }
});

void test('a corrupt frame is skipped and counted; the stream goes on without a restart', async () => {
  const cam = fakeCamera('corrupt', 'frames');
  writeFrames(cam.dir, [clips[0] as Buffer, truncated(clips[1] as Buffer), clips[2] as Buffer]);
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera' }));
    await h.camera.start();
    await until(() => h.frames.length >= 5, 'frames after the corrupt one');
    const m = h.camera.metrics();
    assert.equal(m.decodeErrors, 1);
    assert.equal(m.restarts, 0);
    assert.equal(h.events.length, 0);
    // the corrupt frame has a sequence number of its own: the gap shows where it was
    assert.deepEqual(
      h.frames.slice(0, 2).map((f) => f.seq),
      [1, 3],
    );
    await h.camera.stop();
  } finally {
    cam.restore();
  }
});

void test('a camera that sends garbage (undecodable frames in a row) is restarted', async () => {
  const cam = fakeCamera('garbage-frames', 'frames');
  writeFrames(cam.dir, clips.map(truncated));
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera', max_bad_frames: 4 }));
    await h.camera.start();
    await until(() => h.events.some((e) => e.type === 'camera_restored'), 'restored after garbage');
    assert.match(h.events[0]?.reason ?? '', /sends garbage: 4 undecodable frames in a row/);
    assert.ok(h.camera.metrics().decodeErrors >= 4);
    await h.camera.stop();
  } finally {
    cam.restore();
  }
});

void test('a camera that sends random bytes is restarted; the splitter buffer stays bounded', async () => {
  const cam = fakeCamera('noise', 'garbage');
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera', max_frame_kb: 64 }));
    await h.camera.start();
    await until(() => h.events.some((e) => e.type === 'camera_restored'), 'restored after random bytes');
    assert.match(h.events[0]?.reason ?? '', /sends garbage: \d+ KiB without a JPEG/);
    const m = h.camera.metrics();
    assert.ok(m.junkBytes > 128 * 1024, `junk ${m.junkBytes}`);
    assert.ok(m.restarts >= 1);
    await h.camera.stop();
  } finally {
    cam.restore();
  }
});

void test('a missing camera program backs off exponentially, keeps one camera_lost, and keeps the heartbeat', async () => {
  const saved = process.env.PATH;
  process.env.PATH = join(root, 'empty-bin');
  try {
    const h = startCamera(cameraConfig({ source: 'libcamera', backoff_initial_s: 0.05, backoff_max_s: 0.2 }));
    await h.camera.start();
    await until(() => h.camera.metrics().restarts >= 4, 'four retries');
    assert.equal(h.events.filter((e) => e.type === 'camera_lost').length, 1, 'one outage, one event');
    assert.match(h.camera.status().detail, /neither rpicam-vid nor libcamera-vid is on PATH/);
    const delays = h
      .logs()
      .filter((l) => l.msg === 'camera source stopped')
      .map((l) => l.restartInMs);
    assert.deepEqual(delays.slice(0, 4), [50, 100, 200, 200]);
    await until(() => h.heartbeats > 0, 'a heartbeat while the camera is lost');
    await h.camera.stop();
  } finally {
    process.env.PATH = saved;
  }
});
