/**
 * Command lines for the camera programs, as argument arrays: they are spawned directly, never
 * through a shell, so nothing in the config (a URL, a device path) can be read as shell syntax.
 */

const FFMPEG_QUIET = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
/** MJPEG on stdout; q 3 keeps detail for face detection (2 best … 31 worst). */
const FFMPEG_MJPEG_OUT = ['-an', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'mjpeg', 'pipe:1'];

export interface CaptureSize {
  width: number;
  height: number;
  fps: number;
}

/** rpicam-vid / libcamera-vid: MJPEG forever (-t 0) on stdout (-o -), no preview window. */
export function libcameraArgs(o: CaptureSize & { camera: number; extraArgs: readonly string[] }): string[] {
  return [
    '--camera',
    String(o.camera),
    '--width',
    String(o.width),
    '--height',
    String(o.height),
    '--framerate',
    String(o.fps),
    '--codec',
    'mjpeg',
    '--nopreview',
    ...o.extraArgs,
    '-t',
    '0',
    '-o',
    '-',
  ];
}

/** ffmpeg reading a V4L2 device. A camera that speaks MJPEG is copied through without re-encoding. */
export function v4l2Args(o: CaptureSize & { device: string; inputFormat: 'mjpeg' | 'yuyv422' | 'auto' }): string[] {
  const input = [
    '-f',
    'v4l2',
    ...(o.inputFormat === 'auto' ? [] : ['-input_format', o.inputFormat]),
    '-framerate',
    String(o.fps),
    '-video_size',
    `${o.width}x${o.height}`,
    '-i',
    o.device,
  ];
  const output = o.inputFormat === 'mjpeg' ? ['-an', '-c:v', 'copy', '-f', 'mjpeg', 'pipe:1'] : FFMPEG_MJPEG_OUT;
  return [...FFMPEG_QUIET, ...input, ...output];
}

/** ffmpeg reading an IP camera (RTSP, or MJPEG/other video over HTTP), scaled and paced to the analysis size and fps. */
export function networkArgs(o: CaptureSize & { url: string; kind: 'rtsp' | 'http'; rtspTransport: 'tcp' | 'udp' }): string[] {
  const input = o.kind === 'rtsp' ? ['-rtsp_transport', o.rtspTransport, '-fflags', 'nobuffer', '-flags', 'low_delay', '-i', o.url] : ['-i', o.url];
  const filter = `fps=${o.fps},scale=w=${o.width}:h=${o.height}:force_original_aspect_ratio=decrease`;
  return [...FFMPEG_QUIET, ...input, '-vf', filter, ...FFMPEG_MJPEG_OUT];
}

/**
 * gst-launch-1.0 with the configured pipeline; {width} {height} {fps} {sensor_id} filled in.
 * gst-launch joins its arguments with spaces, so the pipeline is split on whitespace (no quoting).
 * -q keeps gst-launch's own messages off stdout, which carries the JPEGs.
 */
export function gstreamerArgs(o: CaptureSize & { pipeline: string; sensorId: number }): string[] {
  const values: Record<string, string> = { width: String(o.width), height: String(o.height), fps: String(o.fps), sensor_id: String(o.sensorId) };
  const filled = o.pipeline.replace(/\{(width|height|fps|sensor_id)\}/g, (_m, key: string) => values[key] ?? '');
  return ['-q', ...filled.split(/\s+/).filter(Boolean)];
}

/** ffmpeg playing a video file in real time at fps, looping forever or once. */
export function videoReplayArgs(o: { path: string; fps: number; loop: boolean }): string[] {
  return [...FFMPEG_QUIET, '-re', ...(o.loop ? ['-stream_loop', '-1'] : []), '-i', o.path, '-vf', `fps=${o.fps}`, ...FFMPEG_MJPEG_OUT];
}
