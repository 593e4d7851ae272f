import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../config/index.ts';
import { redactUrl, type Clock } from '../core/index.ts';
import { gstreamerArgs, libcameraArgs, networkArgs, v4l2Args, videoReplayArgs } from './args.ts';
import { FolderReplaySource } from './folder-source.ts';
import { ProcessSource } from './process-source.ts';
import type { FrameSource, SourceKind } from './source.ts';
import { which } from './which.ts';

export type CameraConfig = Config['camera'];

/** Why a configured source cannot be built (missing URL, path…): the camera reports it and stays off. */
export class SourceConfigError extends Error {}

function need(command: string, hint: string): string {
  const path = which(command);
  if (!path) throw new Error(`${command} not found on PATH (${hint})`);
  return path;
}

/**
 * Builds the source for a concrete kind. Why not the node-libcamera package: it runs the
 * libcamera-* programs through a shell with exec and buffers their whole output until they exit,
 * so it cannot carry a continuous MJPEG stream, and a shell is what this module avoids.
 */
export function makeSource(kind: SourceKind, config: CameraConfig, clock: Clock, v4l2Device?: string): FrameSource {
  const size = { width: config.width, height: config.height, fps: config.fps };
  switch (kind) {
    case 'libcamera':
      return new ProcessSource({
        kind,
        id: `libcamera:${config.libcamera.camera}`,
        resolve: () => {
          // rpicam-vid since Raspberry Pi OS Bookworm; libcamera-vid on older images.
          const command = which('rpicam-vid') ?? which('libcamera-vid');
          if (!command) throw new Error('neither rpicam-vid nor libcamera-vid is on PATH (install rpicam-apps)');
          return { command, args: libcameraArgs({ ...size, camera: config.libcamera.camera, extraArgs: config.libcamera.extra_args }) };
        },
      });
    case 'v4l2': {
      const device = config.v4l2.device === 'auto' ? (v4l2Device ?? '/dev/video0') : config.v4l2.device;
      return new ProcessSource({
        kind,
        id: `v4l2:${device}`,
        resolve: () => ({ command: need('ffmpeg', 'install ffmpeg'), args: v4l2Args({ ...size, device, inputFormat: config.v4l2.input_format }) }),
      });
    }
    case 'rtsp':
    case 'http': {
      const url = config.network.url;
      if (!url) throw new SourceConfigError(`camera.source is ${kind} but camera.network.url is not set`);
      const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
      if (!scheme.startsWith(kind)) throw new SourceConfigError(`camera.source is ${kind} but camera.network.url is a ${scheme} URL`);
      const safe = redactUrl(url);
      return new ProcessSource({
        kind,
        id: `${kind}:${safe.replace(/^[a-z]+:\/\//i, '')}`,
        resolve: () => ({ command: need('ffmpeg', 'install ffmpeg'), args: networkArgs({ ...size, url, kind, rtspTransport: config.network.rtsp_transport }) }),
      });
    }
    case 'gstreamer':
      return new ProcessSource({
        kind,
        id: `gstreamer:${config.gstreamer.sensor_id}`,
        resolve: () => ({
          command: need('gst-launch-1.0', 'install gstreamer1.0-tools'),
          args: gstreamerArgs({ ...size, pipeline: config.gstreamer.pipeline, sensorId: config.gstreamer.sensor_id }),
        }),
      });
    case 'replay': {
      const path = config.replay.path;
      if (!path) throw new SourceConfigError('camera.source is replay but camera.replay.path is not set');
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch (err) {
        throw new SourceConfigError(
          `camera.replay.path ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`,
        );
      }
      const id = `replay:${basename(path)}`;
      if (isDir) return new FolderReplaySource({ id, folder: path, fps: config.fps, loop: config.replay.loop, clock });
      return new ProcessSource({
        kind,
        id,
        cleanExitEnds: !config.replay.loop,
        resolve: () => ({ command: need('ffmpeg', 'install ffmpeg'), args: videoReplayArgs({ path, fps: config.fps, loop: config.replay.loop }) }),
      });
    }
  }
}
