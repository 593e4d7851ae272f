import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { fakeCameraBin, ffmpeg, jpegFrames, lavfi, staticScene } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';
import { cameraConfig, startCamera, until, withPath } from './harness.ts';

const root = tempDir();
let clips: Buffer[] = [];

before(async () => {
  clips = await jpegFrames(join(root, 'clips'), lavfi('testsrc=size=320x240:rate=10'), 10);
});

/** Starts, waits for n frames, stops; returns what happened. */
async function capture(config: ReturnType<typeof cameraConfig>, n = 3) {
  const h = startCamera(config);
  await h.camera.start();
  await until(() => h.frames.length >= n, `${n} frames`);
  const status = h.camera.status();
  const metrics = h.camera.metrics();
  await h.camera.stop();
  return { h, status, metrics };
}

void test('libcamera: rpicam-vid is spawned with an argument array and its MJPEG becomes frames', async () => {
  const dir = join(root, 'rpicam');
  const restore = withPath(fakeCameraBin(dir, ['rpicam-vid', 'libcamera-vid']));
  try {
    const { h, status, metrics } = await capture(
      cameraConfig({ source: 'libcamera', width: 160, height: 120, fps: 15, libcamera: { camera: 0, extra_args: ['--hflip'] } }),
    );
    const args = readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');
    assert.deepEqual(args, [
      '--camera',
      '0',
      '--width',
      '160',
      '--height',
      '120',
      '--framerate',
      '15',
      '--codec',
      'mjpeg',
      '--nopreview',
      '--hflip',
      '-t',
      '0',
      '-o',
      '-',
    ]);
    const f = h.frames[0];
    assert.ok(f);
    assert.equal(f.sourceId, 'libcamera:0');
    assert.deepEqual([f.width, f.height, f.rgb.length], [160, 120, 160 * 120 * 3]);
    assert.ok(
      h.frames.every((x, i) => i === 0 || x.seq > (h.frames[i - 1]?.seq ?? 0)),
      'seq increases',
    );
    assert.ok(h.frames.every((x) => x.capturedAt > 0));
    assert.equal(status.state, 'running');
    assert.equal(status.kind, 'libcamera');
    assert.ok(metrics.framesIn >= 3 && metrics.fpsIn > 0 && metrics.framesAnalysed >= 3);
    assert.deepEqual(
      h.statuses.map((s) => s.state),
      ['running'],
    );
    assert.equal(h.events.length, 0, 'no camera_lost on a healthy start');
    // the child is gone after stop
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  } finally {
    restore();
  }
});

void test('libcamera: falls back to libcamera-vid on older images', async () => {
  const dir = join(root, 'legacy');
  const restore = withPath(fakeCameraBin(dir, ['libcamera-vid']));
  try {
    const { h } = await capture(cameraConfig({ source: 'libcamera' }));
    assert.ok(h.frames.length >= 3);
    assert.ok(readFileSync(join(dir, 'args'), 'utf8').includes('mjpeg'));
  } finally {
    restore();
  }
});

void test('auto picks libcamera when rpicam-vid lists a camera', async () => {
  const dir = join(root, 'auto');
  const restore = withPath(fakeCameraBin(dir, ['rpicam-vid']));
  try {
    const { status } = await capture(cameraConfig({ source: 'auto' }), 1);
    assert.equal(status.kind, 'libcamera');
  } finally {
    restore();
  }
});

void test('gstreamer: gst-launch-1.0 gets the filled-in pipeline and its JPEGs become frames', async () => {
  const dir = join(root, 'gst');
  const restore = withPath(fakeCameraBin(dir, ['gst-launch-1.0']));
  try {
    const { h } = await capture(cameraConfig({ source: 'gstreamer', gstreamer: { sensor_id: 1 } }));
    const args = readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');
    assert.equal(args[0], '-q');
    assert.ok(args.includes('sensor-id=1'));
    assert.ok(args.includes('video/x-raw(memory:NVMM),width=160,height=120,framerate=10/1'));
    assert.equal(args.at(-1), 'fd=1');
    assert.equal(h.frames[0]?.sourceId, 'gstreamer:1');
  } finally {
    restore();
  }
});

void test('http: an MJPEG camera served over HTTP (multipart) is read through ffmpeg', async () => {
  let served = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/video.mjpg') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
    const timer = setInterval(() => {
      const jpeg = clips[served++ % clips.length] as Buffer;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    }, 50);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const { h, status } = await capture(cameraConfig({ source: 'http', fps: 20, network: { url: `http://127.0.0.1:${port}/video.mjpg` } }));
  assert.equal(status.sourceId, `http:127.0.0.1:${port}/video.mjpg`);
  // 320x240 from the server, fitted into 160x120 for analysis
  assert.deepEqual([h.frames[0]?.width, h.frames[0]?.height], [160, 120]);
  assert.ok(served >= 3);
  server.closeAllConnections();
});

void test('replay: a folder of images (JPEG and PNG) plays once in name order, then reports finished', async () => {
  const folder = join(root, 'folder');
  mkdirSync(folder);
  clips.slice(0, 4).forEach((j, i) => writeFileSync(join(folder, `img${i + 1}.jpg`), j));
  writeFileSync(
    join(folder, 'img10.png'),
    await sharp(clips[4] as Buffer)
      .png()
      .toBuffer(),
  );
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  const h = startCamera(cameraConfig({ source: 'replay', fps: 10, replay: { path: folder, loop: false } }));
  await h.camera.start();
  await until(() => h.camera.status().state === 'ended', 'the replay to end');
  // every image was produced; under load the pump may drop some (newest wins), never the last
  await until(() => h.frames.length + h.camera.metrics().dropped === 5, 'five frames decoded or dropped');
  assert.equal(h.camera.metrics().framesIn, 5);
  assert.equal(h.frames.at(-1)?.seq, 5);
  for (const f of h.frames.slice(0, -1)) assert.ok(Buffer.from(f.jpeg ?? []).equals(clips[f.seq - 1] as Buffer), `frame ${f.seq} is img${f.seq}.jpg`);
  assert.ok(h.frames.every((f) => f.sourceId === 'replay:folder'));
  assert.deepEqual(h.statuses.at(-1), { sourceId: 'replay:folder', state: 'none', detail: 'replay finished' });
  assert.equal(h.camera.metrics().restarts, 0);
  assert.equal(h.events.length, 0, 'a finished replay is not a lost camera');
  await h.camera.stop();

  const looping = startCamera(cameraConfig({ source: 'replay', fps: 40, replay: { path: folder, loop: true } }));
  await looping.camera.start();
  await until(() => looping.camera.metrics().framesIn >= 8, 'frames after the end of the folder');
  await looping.camera.stop();
});

void test('a still scene: keep-alive frames are emitted only while someone wants them (nobody analysing them, none decoded)', async () => {
  const folder = join(root, 'still');
  await jpegFrames(folder, staticScene('320x240'), 5);
  const still = (wantsKeepalive: () => boolean) =>
    startCamera(
      cameraConfig({ source: 'replay', fps: 20, replay: { path: folder, loop: true }, motion: { enabled: true, keepalive_s: 0.2, idle_check_fps: 10 } }),
      { wantsKeepalive },
    );
  const idle = still(() => false);
  await idle.camera.start();
  await until(() => idle.camera.metrics().framesIn >= 30, '1.5 s of frames');
  await idle.camera.stop();
  assert.deepEqual(
    idle.frames.map((f) => f.trigger),
    ['first'],
    'only the first frame: the keep-alives were not wanted',
  );
  const watched = still(() => true);
  await watched.camera.start();
  await until(() => watched.frames.filter((f) => f.trigger === 'keepalive').length >= 3, 'keep-alive frames');
  await watched.camera.stop();
});

void test('replay: a video file plays through ffmpeg, once or looping', async () => {
  const video = join(root, 'door.mp4');
  await ffmpeg([...lavfi('testsrc=size=320x240:rate=25'), '-t', '0.6', '-pix_fmt', 'yuv420p', video]);
  const once = startCamera(cameraConfig({ source: 'replay', fps: 10, stall_s: 10, replay: { path: video, loop: false } }));
  await once.camera.start();
  await until(() => once.camera.status().state === 'ended', 'the video to end');
  const produced = once.camera.metrics().framesIn;
  assert.ok(produced >= 4 && produced <= 8, `${produced} frames from 0.6 s at 10 fps`);
  assert.ok(once.frames.length >= 1);
  assert.equal(once.camera.metrics().restarts, 0);
  await once.camera.stop();
  const loop = startCamera(cameraConfig({ source: 'replay', fps: 10, stall_s: 10, replay: { path: video, loop: true } }));
  await loop.camera.start();
  await until(() => loop.camera.metrics().framesIn >= 10, 'more frames than the video has');
  assert.equal(loop.events.length, 0, 'looping is not a restart');
  await loop.camera.stop();
});

void test('a source that cannot be built reports a clear status and the camera stays up', async () => {
  const cases = [
    [cameraConfig({ source: 'rtsp' }), /camera\.network\.url is not set/],
    [cameraConfig({ source: 'rtsp', network: { url: 'http://cam/x' } }), /is a http URL/],
    [cameraConfig({ source: 'replay', replay: { path: join(root, 'nope') } }), /no such file or folder/],
    [cameraConfig({ source: 'none' }), /camera\.source is none/],
  ] as const;
  for (const [config, detail] of cases) {
    const h = startCamera(config);
    await h.camera.start();
    assert.equal(h.camera.status().state, 'none');
    assert.match(h.camera.status().detail, detail);
    assert.equal(h.statuses[0]?.state, 'none');
    await until(() => h.heartbeats > 0, 'a heartbeat from the idle camera loop');
    await h.camera.stop();
  }
});
