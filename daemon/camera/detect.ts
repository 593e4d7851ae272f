import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { which } from './which.ts';

/** What `auto` found on this board. */
export type Detected =
  | { source: 'libcamera'; detail: string }
  | { source: 'v4l2'; device: string; detail: string }
  | { source: 'gstreamer'; detail: string }
  | { source: 'none'; detail: string };

export interface VideoDevice {
  path: string;
  /** The driver's name for it (from /sys/class/video4linux), '' when unknown. */
  name: string;
  /** 0 for the first node of a device; USB cameras add a metadata node with index 1. */
  index: number;
}

/** The board facts detection needs; the real one reads the system, tests pass their own. */
export interface BoardProbe {
  which(command: string): string | null;
  /** How many cameras `<bin> --list-cameras` lists. */
  libcameraCameras(bin: string): Promise<number>;
  videoDevices(): VideoDevice[];
  isJetson(): boolean;
}

/**
 * /dev/video nodes that are not cameras a plain V4L2 read can use: the Pi's codec and ISP nodes
 * and CSI receivers (read through libcamera), and the Jetson's raw Bayer CSI nodes (read through
 * nvarguscamerasrc).
 */
const NOT_A_WEBCAM = /bcm2835-(codec|isp)|rpivid|pispbe|rp1-cfe|unicam|vi-output|tegra|hantro|rkvdec|rkisp|cedrus|(en|de)coder/i;

/** Counts "N : sensor …" lines in rpicam/libcamera --list-cameras output. */
export function countListedCameras(output: string): number {
  return output.split('\n').filter((l) => /^\s*\d+\s*:\s*\S+/.test(l)).length;
}

export const systemProbe: BoardProbe = {
  which: (command) => which(command),
  libcameraCameras: (bin) =>
    new Promise((resolve) => {
      execFile(bin, ['--list-cameras'], { timeout: 10_000 }, (_err, stdout, stderr) => resolve(countListedCameras(`${stdout}\n${stderr}`)));
    }),
  videoDevices: () => {
    let names: string[];
    try {
      names = readdirSync('/dev').filter((n) => /^video\d+$/.test(n));
    } catch {
      return [];
    }
    const read = (n: string, file: string): string => {
      try {
        return readFileSync(`/sys/class/video4linux/${n}/${file}`, 'utf8').trim();
      } catch {
        return '';
      }
    };
    return names
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .map((n) => ({ path: `/dev/${n}`, name: read(n, 'name'), index: Number(read(n, 'index') || '0') }));
  },
  isJetson: () => existsSync('/etc/nv_tegra_release'),
};

/** The V4L2 devices worth trying as a camera, best first. */
export function webcamDevices(devices: VideoDevice[]): VideoDevice[] {
  return devices.filter((d) => d.index === 0 && !NOT_A_WEBCAM.test(d.name));
}

/**
 * `camera.source: auto`: a Pi camera that libcamera lists, else a USB-style /dev/video device,
 * else a Jetson's CSI camera through GStreamer, else none.
 */
export async function detectSource(probe: BoardProbe = systemProbe): Promise<Detected> {
  const bin = probe.which('rpicam-vid') ?? probe.which('libcamera-vid');
  if (bin) {
    const n = await probe.libcameraCameras(bin);
    if (n > 0) return { source: 'libcamera', detail: `${n} camera(s) listed by ${bin}` };
  }
  const cams = webcamDevices(probe.videoDevices());
  const first = cams[0];
  if (first) return { source: 'v4l2', device: first.path, detail: `${first.path}${first.name ? ` (${first.name})` : ''}` };
  if (probe.isJetson()) {
    if (probe.which('gst-launch-1.0')) return { source: 'gstreamer', detail: 'Jetson (/etc/nv_tegra_release) with gst-launch-1.0' };
    return { source: 'none', detail: 'no camera: a Jetson without gst-launch-1.0 (install gstreamer1.0-tools)' };
  }
  const looked = bin ? `${bin} lists no camera, ` : 'no rpicam-vid/libcamera-vid, ';
  return { source: 'none', detail: `no camera: ${looked}no usable /dev/video* device, not a Jetson` };
}
