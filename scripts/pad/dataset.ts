// Reads a PAD folder (images.csv with relpath and label live/spoof) and finds the face in each
// image with the daemon's own vision pipeline pieces: its backend, its pinned detector, its
// decoder. The face judged is the largest one (the person at the door; others are background).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import type { Box, Point } from '../../daemon/core/index.ts';
import { FaceDetector, decodeImage, initBackend, loadModel, variantFor, type BackendInfo, type RgbImage } from '../../daemon/vision/index.ts';

export interface PadRow {
  relpath: string;
  live: boolean;
  /** Subject id: the `identity` column when present, else the first folder of relpath. */
  subject: string;
  /** One presentation: subject, label and the `session` column when present (frames of one track). */
  track: string;
  /** The attack type of a spoof (the `kind` or `attack` column; "spoof" without one); "live" for a live face. */
  phase: string;
}

/**
 * Parses images.csv; needs the columns relpath and label (live/spoof); a file without a label column
 * needs `label`, the kind of all its images (lfw-dev: all live). Quoted fields are not used by these files.
 */
export function readPadCsv(dir: string, label?: 'live' | 'spoof'): PadRow[] {
  const text = readFileSync(join(dir, 'images.csv'), 'utf8').trim();
  const [head, ...lines] = text.split(/\r?\n/);
  const cols = (head ?? '').split(',').map((c) => c.trim());
  const ri = cols.indexOf('relpath');
  const li = cols.indexOf('label');
  const si = cols.indexOf('identity');
  const ti = cols.indexOf('session');
  const ki = cols.indexOf('kind') >= 0 ? cols.indexOf('kind') : cols.indexOf('attack');
  if (ri < 0 || (li < 0 && !label))
    throw new Error(
      `${join(dir, 'images.csv')} needs the columns relpath and label (found: ${cols.join(', ')}); for a folder of one kind give --label live or --label spoof`,
    );
  return lines
    .filter((l) => l.trim() !== '')
    .map((line, n) => {
      const f = line.split(',');
      const relpath = (f[ri] ?? '').trim();
      const kind = li >= 0 ? (f[li] ?? '').trim().toLowerCase() : label;
      if (kind !== 'live' && kind !== 'spoof') throw new Error(`images.csv line ${n + 2}: label must be live or spoof, got "${kind}"`);
      const subject = si >= 0 ? (f[si] ?? '').trim() : (relpath.split('/')[0] ?? '');
      const session = ti >= 0 ? (f[ti] ?? '').trim() : '';
      const attack = ki >= 0 ? (f[ki] ?? '').trim().toLowerCase() : '';
      const phase = kind === 'live' ? 'live' : attack || 'spoof';
      return { relpath, live: kind === 'live', subject, track: `${subject}/${kind}/${session}`, phase };
    });
}

export interface FoundFace {
  image: RgbImage;
  box: Box;
  keypoints: Point[];
  faces: number;
  /** ms spent detecting (not counted in the PAD cost). */
  detectMs: number;
}

export interface FaceFinder {
  backend: BackendInfo;
  detector: string;
  /** The largest face of an image file, or null when none was found or the file is not an image. */
  find(path: string): Promise<FoundFace | null>;
}

export async function createFaceFinder(): Promise<FaceFinder> {
  const vision = embeddedDefaults().vision;
  const backend = await initBackend(vision.backend);
  const model = await loadModel(vision.detector.model, variantFor(vision.variant, vision.detector.model));
  const detector = new FaceDetector(model, { minScore: vision.detector.min_score, iou: vision.detector.iou, maxFaces: vision.detector.max_faces });
  return {
    backend,
    detector: `${model.name}@${model.variant}`,
    async find(path) {
      let image: RgbImage;
      try {
        image = await decodeImage(readFileSync(path));
      } catch {
        return null;
      }
      const t = performance.now();
      const dets = await detector.detect(image);
      const detectMs = performance.now() - t;
      if (dets.length === 0) return null;
      const largest = [...dets].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
      if (!largest) return null;
      return { image, box: largest.box, keypoints: largest.keypoints, faces: dets.length, detectMs };
    },
  };
}
