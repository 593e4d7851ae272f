// `facegate pad selftest --images DIR`: the self-test on a folder in the eval:pad layout instead of
// the camera. images.csv has relpath and label (live/spoof) and, optionally, kind (or attack:
// print, screen…) so APCER comes per attack type (without it every spoof is of one type, "spoof"),
// and identity: who was presented (the live person, or whose photo or screen), which --adapt needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../core/index.ts';
import { LIVE_PHASE, largestFace, parseAttacks, type SelftestSample, type VisionWorker } from '../vision/index.ts';

export interface SelftestImage {
  relpath: string;
  /** 'live', or the attack type. */
  phase: string;
  /** The identity column ('' without one). */
  identity: string;
}

const bad = (why: string): FacegateError => new FacegateError('usage', why, { exitCode: 65 });

/** The rows of DIR/images.csv (unquoted fields, as eval:pad reads them). */
export function readSelftestCsv(dir: string): SelftestImage[] {
  const file = join(dir, 'images.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FacegateError('usage', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { exitCode: 66 });
  }
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const cols = (head ?? '').split(',').map((c) => c.trim().toLowerCase());
  const ri = cols.indexOf('relpath');
  const li = cols.indexOf('label');
  const ai = cols.indexOf('kind') >= 0 ? cols.indexOf('kind') : cols.indexOf('attack');
  const ii = cols.indexOf('identity');
  if (ri < 0 || li < 0) throw bad(`${file} needs the columns relpath and label (found: ${cols.join(', ')})`);
  const rows = lines
    .map((l, n) => [l, n + 2] as const)
    .filter(([l]) => l.trim() !== '')
    .map(([line, lineNo]) => {
      const f = line.split(',').map((x) => x.trim());
      const relpath = f[ri] ?? '';
      const label = (f[li] ?? '').toLowerCase();
      const identity = ii >= 0 ? (f[ii] ?? '') : '';
      if (relpath === '') throw bad(`images.csv line ${lineNo}: relpath is empty`);
      if (label === 'live') return { relpath, phase: LIVE_PHASE, identity };
      if (label !== 'spoof') throw bad(`images.csv line ${lineNo}: label must be live or spoof, got "${label}"`);
      const attack = ai >= 0 && f[ai] ? (f[ai] as string) : 'spoof';
      try {
        return { relpath, phase: parseAttacks([attack])[0] as string, identity };
      } catch (err) {
        throw bad(`images.csv line ${lineNo}: ${(err as Error).message}`);
      }
    });
  if (rows.length === 0) throw bad(`${file} lists no images`);
  return rows;
}

export interface FolderSamples {
  samples: SelftestSample[];
  noFace: Record<string, number>;
  /** Files that could not be read or decoded (counted with no face, and listed). */
  unreadable: string[];
  attacks: string[];
}

/** Each image through the live pipeline (the vision worker with the PAD check): the largest face's raw P(live). */
export async function scoreFolder(
  dir: string,
  rows: readonly SelftestImage[],
  vision: Pick<VisionWorker, 'analyzeImage'>,
  onProgress?: (done: number) => void,
): Promise<FolderSamples> {
  const out: FolderSamples = { samples: [], noFace: {}, unreadable: [], attacks: [...new Set(rows.map((r) => r.phase).filter((p) => p !== LIVE_PHASE))] };
  for (const [i, row] of rows.entries()) {
    let face = null;
    try {
      face = largestFace((await vision.analyzeImage(readFileSync(join(dir, row.relpath)))).faces);
    } catch (err) {
      // A worker that died is not a bad image: stop rather than count every file as unreadable.
      if (err instanceof FacegateError && err.code === 'VISION_WORKER') throw err;
      out.unreadable.push(row.relpath);
    }
    if (face) out.samples.push({ phase: row.phase, raw: face.livenessRaw ?? null });
    else out.noFace[row.phase] = (out.noFace[row.phase] ?? 0) + 1;
    onProgress?.(i + 1);
  }
  return out;
}
