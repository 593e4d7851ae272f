// Which photos calibrate a model: faces of people who are in none of the evaluation pairs, so that
// the figures measured on those pairs are not measured on the calibration inputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function csvRows(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const cols = (head ?? '').split(',');
  return lines.map((l) => {
    const f = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, f[i] ?? '']));
  });
}

export const EMBEDDER_CALIBRATION_SET =
  'lfw-dev: every photo of the people none of whose photos is in pairs.csv (identity-disjoint from all evaluation pairs); ' +
  'nuaa-train: every 4th live frame of each subject (other people, another camera)';

/**
 * The embedder's calibration photos under a data folder laid out like ../shared/data (lfw-dev/ and
 * nuaa-train/, each with images.csv), as paths relative to it, in a fixed order.
 */
export function embedderCalibrationImages(dataDir: string): string[] {
  const lfw = csvRows(join(dataDir, 'lfw-dev', 'images.csv'));
  const inPairs = new Set(lfw.filter((r) => r.used_in_pairs === '1').map((r) => r.identity));
  const lfwFiles = lfw.filter((r) => !inPairs.has(r.identity)).map((r) => `lfw-dev/${r.relpath}`);
  const live = csvRows(join(dataDir, 'nuaa-train', 'images.csv')).filter((r) => r.label === 'live');
  const seen = new Map<string, number>();
  const nuaaFiles = live
    .sort((a, b) => (a.relpath! < b.relpath! ? -1 : 1))
    .filter((r) => {
      const n = seen.get(r.identity!) ?? 0;
      seen.set(r.identity!, n + 1);
      return n % 4 === 0;
    })
    .map((r) => `nuaa-train/${r.relpath}`);
  return [...lfwFiles.sort(), ...nuaaFiles];
}
