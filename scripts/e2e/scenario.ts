// A replay camera's folder for the whole-door scenario: an empty scene, then the enrolled person,
// an unknown person and a printed photo of the enrolled person, each followed by an empty scene
// long enough for their track to end. Frames are plain copies of the fixtures (the replay source
// plays a folder in name order and skips symlinks).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const E2E_FIXTURES = fileURLToPath(new URL('../../test/fixtures/e2e/', import.meta.url));
/** Photos the person is enrolled from (NUAA subject 0001, live, session 1). */
export const ENROLL_DIR = join(E2E_FIXTURES, 'enroll');

export type Segment = 'person' | 'unknown' | 'spoof' | 'empty';

export interface ScenarioStep {
  segment: Segment;
  frames: number;
}

export interface Scenario {
  dir: string;
  fps: number;
  /** Index of the first frame of each face segment (in order of appearance). */
  starts: { segment: Segment; frame: number }[];
  frames: number;
}

/** The default story: lead-in (models load), then person, unknown, spoof, with empty scenes between. */
export function defaultSteps(opts: { leadIn?: number; faceFrames?: number; gap?: number } = {}): ScenarioStep[] {
  const face = opts.faceFrames ?? 40;
  const gap = opts.gap ?? 40;
  return [
    { segment: 'empty', frames: opts.leadIn ?? 100 },
    { segment: 'person', frames: face },
    { segment: 'empty', frames: gap },
    { segment: 'unknown', frames: face },
    { segment: 'empty', frames: gap },
    { segment: 'spoof', frames: face },
    { segment: 'empty', frames: gap },
  ];
}

function faceFiles(segment: Exclude<Segment, 'empty'>): string[] {
  const dir = join(E2E_FIXTURES, segment);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(dir, f));
}

/** A 640x480 empty scene (a wall-grey frame with a little texture, so the motion gate sees a change when a face appears). */
async function emptyScene(): Promise<Buffer> {
  const w = 640,
    h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 150 + (((x >> 5) + (y >> 5)) % 2) * 12;
      raw.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Writes the frames of `steps` into `dir` (created) as 000000.jpg, 000001.jpg, … */
export async function buildScenario(dir: string, steps: ScenarioStep[] = defaultSteps(), fps = 10): Promise<Scenario> {
  mkdirSync(dir, { recursive: true });
  const empty = await emptyScene();
  const starts: Scenario['starts'] = [];
  let n = 0;
  for (const step of steps) {
    if (step.segment === 'empty') {
      for (let i = 0; i < step.frames; i++) writeFileSync(join(dir, `${String(n++).padStart(6, '0')}.jpg`), empty);
      continue;
    }
    const files = faceFiles(step.segment);
    starts.push({ segment: step.segment, frame: n });
    for (let i = 0; i < step.frames; i++) {
      // A face's frames go back and forth through its fixtures, like a person standing and moving a little.
      const k = files.length === 1 ? 0 : Math.abs(((i + files.length - 1) % (2 * files.length - 2)) - (files.length - 1));
      copyFileSync(files[k]!, join(dir, `${String(n).padStart(6, '0')}.jpg`));
      n++;
    }
  }
  return { dir, fps, starts, frames: n };
}
