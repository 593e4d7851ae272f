import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gstreamerArgs, libcameraArgs, networkArgs, v4l2Args, videoReplayArgs } from '../../../daemon/camera/args.ts';
import { redactText, redactUrl } from '../../../daemon/core/index.ts';
import { countListedCameras, webcamDevices } from '../../../daemon/camera/detect.ts';
import { detectSource, type BoardProbe } from '../../../daemon/camera/index.ts';

const size = { width: 640, height: 480, fps: 10 };

/** The value following a flag in an argument array. */
function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

void test('rpicam-vid: MJPEG forever to stdout at the configured size and rate, extra args before the output', () => {
  const args = libcameraArgs({ ...size, camera: 1, extraArgs: ['--hflip', '--rotation', '180'] });
  assert.equal(after(args, '--codec'), 'mjpeg');
  assert.equal(after(args, '-t'), '0');
  assert.equal(after(args, '-o'), '-');
  assert.equal(after(args, '--width'), '640');
  assert.equal(after(args, '--height'), '480');
  assert.equal(after(args, '--framerate'), '10');
  assert.equal(after(args, '--camera'), '1');
  assert.ok(args.includes('--nopreview'));
  assert.ok(args.indexOf('--hflip') < args.indexOf('-o'));
  assert.equal(args.at(-1), '-');
});

void test('v4l2: MJPEG cameras are copied through, others encoded; size and rate are input options', () => {
  const copy = v4l2Args({ ...size, device: '/dev/video2', inputFormat: 'mjpeg' });
  assert.equal(after(copy, '-f'), 'v4l2');
  assert.equal(after(copy, '-input_format'), 'mjpeg');
  assert.equal(after(copy, '-video_size'), '640x480');
  assert.equal(after(copy, '-framerate'), '10');
  assert.equal(after(copy, '-i'), '/dev/video2');
  assert.equal(after(copy, '-c:v'), 'copy');
  assert.ok(copy.indexOf('-video_size') < copy.indexOf('-i'), 'input options come before -i');
  assert.equal(copy.at(-1), 'pipe:1');
  const yuyv = v4l2Args({ ...size, device: '/dev/video0', inputFormat: 'yuyv422' });
  assert.equal(after(yuyv, '-input_format'), 'yuyv422');
  assert.equal(after(yuyv, '-c:v'), 'mjpeg');
  const auto = v4l2Args({ ...size, device: '/dev/video0', inputFormat: 'auto' });
  assert.ok(!auto.includes('-input_format'));
  assert.equal(after(auto, '-f'), 'v4l2');
});

void test('rtsp and http: the URL is one argument, the stream is paced and scaled, MJPEG on stdout', () => {
  const url = 'rtsp://admin:pa ss;rm -rf /@cam.local:554/stream1';
  const rtsp = networkArgs({ ...size, url, kind: 'rtsp', rtspTransport: 'tcp' });
  assert.equal(after(rtsp, '-rtsp_transport'), 'tcp');
  assert.equal(after(rtsp, '-i'), url, 'no shell: the URL stays one argument, whatever it holds');
  assert.match(after(rtsp, '-vf') ?? '', /^fps=10,scale=w=640:h=480:force_original_aspect_ratio=decrease$/);
  assert.equal(after(rtsp, '-f'), 'mjpeg');
  const http = networkArgs({ ...size, url: 'http://cam/mjpg', kind: 'http', rtspTransport: 'tcp' });
  assert.ok(!http.includes('-rtsp_transport'));
  assert.equal(after(http, '-i'), 'http://cam/mjpg');
});

void test('gstreamer: placeholders are filled and the pipeline split into gst-launch arguments, -q first', () => {
  const args = gstreamerArgs({
    ...size,
    sensorId: 1,
    pipeline: 'nvarguscamerasrc sensor-id={sensor_id} ! video/x-raw(memory:NVMM),width={width},height={height},framerate={fps}/1 ! jpegenc ! fdsink fd=1',
  });
  assert.deepEqual(args, [
    '-q',
    'nvarguscamerasrc',
    'sensor-id=1',
    '!',
    'video/x-raw(memory:NVMM),width=640,height=480,framerate=10/1',
    '!',
    'jpegenc',
    '!',
    'fdsink',
    'fd=1',
  ]);
});

void test('video replay: real-time, looping only when asked', () => {
  const loop = videoReplayArgs({ path: '/v/door.mp4', fps: 5, loop: true });
  assert.ok(loop.includes('-re'));
  assert.equal(after(loop, '-stream_loop'), '-1');
  assert.equal(after(loop, '-vf'), 'fps=5');
  assert.ok(!videoReplayArgs({ path: '/v/door.mp4', fps: 5, loop: false }).includes('-stream_loop'));
});

void test('credentials never reach ids or logs', () => {
  assert.equal(redactUrl('rtsp://admin:secret@10.0.0.5/live'), 'rtsp://***@10.0.0.5/live');
  assert.equal(redactUrl('http://cam/mjpg'), 'http://cam/mjpg');
  assert.equal(redactText('rtsp://u:p@h/x: Connection refused'), 'rtsp://***@h/x: Connection refused');
});

void test('--list-cameras output is counted; Pi ISP, codec and Jetson CSI nodes are not webcams', () => {
  assert.equal(
    countListedCameras('Available cameras\n-----------------\n0 : imx708 [4608x2592 10-bit RGGB] (/base/soc)\n    Modes: ...\n1 : ov5647 [2592x1944]\n'),
    2,
  );
  assert.equal(countListedCameras('No cameras available!\n'), 0);
  const devices = webcamDevices([
    { path: '/dev/video10', name: 'bcm2835-codec-decode', index: 0 },
    { path: '/dev/video13', name: 'bcm2835-isp', index: 0 },
    { path: '/dev/video0', name: 'vi-output, imx219 9-0010', index: 0 },
    { path: '/dev/video1', name: 'HD Pro Webcam C920', index: 0 },
    { path: '/dev/video2', name: 'HD Pro Webcam C920', index: 1 },
  ]);
  assert.deepEqual(
    devices.map((d) => d.path),
    ['/dev/video1'],
  );
});

function probe(p: Partial<BoardProbe>): BoardProbe {
  return { which: () => null, libcameraCameras: () => Promise.resolve(0), videoDevices: () => [], isJetson: () => false, ...p };
}

void test('auto: libcamera with a listed camera, else a webcam, else a Jetson, else a clear none', async () => {
  const pi = await detectSource(
    probe({
      which: (c) => (c === 'libcamera-vid' ? '/usr/bin/libcamera-vid' : null),
      libcameraCameras: (bin) => Promise.resolve(bin === '/usr/bin/libcamera-vid' ? 1 : 0),
    }),
  );
  assert.equal(pi.source, 'libcamera');
  const usb = [{ path: '/dev/video0', name: 'USB Camera', index: 0 }];
  const piNoCam = await detectSource(probe({ which: (c) => (c === 'rpicam-vid' ? '/usr/bin/rpicam-vid' : null), videoDevices: () => usb }));
  assert.deepEqual(piNoCam.source === 'v4l2' && piNoCam.device, '/dev/video0');
  const jetson = await detectSource(
    probe({
      isJetson: () => true,
      which: (c) => (c === 'gst-launch-1.0' ? '/usr/bin/gst-launch-1.0' : null),
      videoDevices: () => [{ path: '/dev/video0', name: 'vi-output, imx219 9-0010', index: 0 }],
    }),
  );
  assert.equal(jetson.source, 'gstreamer');
  const bareJetson = await detectSource(probe({ isJetson: () => true }));
  assert.equal(bareJetson.source, 'none');
  assert.match(bareJetson.detail, /gstreamer1\.0-tools/);
  const nothing = await detectSource(probe({}));
  assert.equal(nothing.source, 'none');
  assert.match(nothing.detail, /^no camera/);
});
