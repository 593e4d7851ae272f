import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BusEvents, EventBus } from '../../daemon/core/index.ts';

const run = promisify(execFile);

/** Runs ffmpeg (from Debian) quietly; rejects with its stderr on failure. */
export async function ffmpeg(args: string[]): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** A lavfi input for ffmpeg, e.g. lavfi('testsrc=size=160x120:rate=10'). */
export const lavfi = (graph: string): string[] => ['-f', 'lavfi', '-i', graph];

/** A static scene (colour bars) with temporal sensor noise. */
export const staticScene = (size: string): string[] => lavfi(`smptebars=size=${size}:rate=10,noise=alls=6:allf=t`);

/** The same scene with a dark block moving left and right across its left half. */
export const movingScene = (size: string): string[] => [
  ...lavfi(`smptebars=size=${size}:rate=10`),
  ...lavfi('color=c=black:size=40x80:rate=10'),
  '-filter_complex',
  "[0][1]overlay=x='abs(mod(t*200,240)-120)':y=(main_h-overlay_h)/2",
];

/**
 * Real JPEG frames from ffmpeg's lavfi sources, one file per frame: the ground truth a splitter
 * must recover from their concatenation, and material for the motion gate.
 */
export async function jpegFrames(dir: string, input: string[], count: number): Promise<Buffer[]> {
  mkdirSync(dir, { recursive: true });
  await ffmpeg([...input, '-frames:v', String(count), '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2', join(dir, 'f%04d.jpg')]);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jpg'))
    .sort()
    .map((n) => readFileSync(join(dir, n)));
}

/**
 * A fake rpicam-vid (or libcamera-vid, gst-launch-1.0) on a temp bin dir: it records its
 * arguments and pid in `dir`, answers --list-cameras, and otherwise plays ffmpeg's testsrc as MJPEG
 * on stdout at the size and rate it was asked for. The file `dir/mode.once` picks the behaviour of
 * the next start only (it is removed), later starts are normal:
 * hang (5 frames, then silence) | garbage (random bytes) | frames (dir/frames/* in name order, 0.1 s
 * apart, then normal).
 */
export function fakeCameraBin(dir: string, names: string[] = ['rpicam-vid']): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = `#!/bin/sh
dir='${dir}'
echo "$$" > "$dir/pid"
printf '%s\\n' "$@" > "$dir/args"
echo x >> "$dir/starts"
w=160; h=120; fps=10
while [ $# -gt 0 ]; do
  case "$1" in
    --list-cameras) echo "Available cameras"; echo "-----------------"; echo "0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)"; exit 0 ;;
    --width) w="$2"; shift ;;
    --height) h="$2"; shift ;;
    --framerate) fps="$2"; shift ;;
  esac
  shift
done
mode=normal
if [ -f "$dir/mode.once" ]; then mode=$(cat "$dir/mode.once"); rm -f "$dir/mode.once"; fi
src="testsrc=size=\${w}x\${h}:rate=\${fps}"
case "$mode" in
  hang) ffmpeg -hide_banner -loglevel error -nostdin -f lavfi -i "$src" -frames:v 5 -c:v mjpeg -f mjpeg - ; exec sleep 1000 ;;
  garbage) exec head -c 100000000 /dev/urandom ;;
  frames) for f in "$dir"/frames/*; do cat "$f"; sleep 0.1; done ;;
esac
exec ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i "$src" -c:v mjpeg -q:v 5 -f mjpeg -
`;
  for (const name of names) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** Resolves with the first bus event of a type that matches; rejects after timeoutMs (a hang guard, not a speed check). */
export function nextEvent<K extends keyof BusEvents>(
  bus: EventBus<BusEvents>,
  type: K,
  match: (payload: BusEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<BusEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(type)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = bus.on(type, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
