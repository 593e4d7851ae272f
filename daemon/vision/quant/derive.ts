// The int8 copy of a pinned float ONNX model, derived from it and its committed calibration file:
// the same float bytes and the same calibration always give the same int8 bytes, whose sha256 is
// pinned in models/manifest.json. No onnxruntime here: the install runs this without a session.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FacegateError } from '../../core/index.ts';
import { MODELS_DIR, entryOf, readModelFile, sha256, type Manifest, type ModelFiles } from '../manifest.ts';
import type { CalibrationMethod } from './calibrate.ts';
import { quantizeModel, type Ranges } from './qdq.ts';

/** models/quant/<model>.calibration.json: the activation ranges and how they were measured. */
export interface CalibrationFile {
  model: string;
  /** sha256 of the float file the ranges were measured on (the int8 copy is derived from it only). */
  parentSha256: string;
  /** The method the int8 copy is built with; every measured method's ranges are kept for comparison. */
  method: CalibrationMethod;
  /** What the calibration inputs were (subject-disjoint from the evaluation folds) and the command that measured them. */
  data: string;
  command: string;
  images: string[];
  skipped: string[];
  ranges: Partial<Record<CalibrationMethod, Record<string, [number, number]>>>;
}

export function readCalibration(path: string): CalibrationFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CalibrationFile;
  } catch (err) {
    throw new FacegateError('VISION_MANIFEST', `cannot read the calibration file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export function rangesOf(cal: CalibrationFile, method: CalibrationMethod = cal.method): Ranges {
  const r = cal.ranges[method];
  if (!r) throw new FacegateError('VISION_MANIFEST', `calibration of ${cal.model} has no ${method} ranges (has ${Object.keys(cal.ranges).join(', ')})`);
  return Object.fromEntries(Object.entries(r).map(([k, [min, max]]) => [k, { min, max }]));
}

/** A model's int8 variant entry, which must name its calibration file. */
export function int8Entry(name: string, manifest: Manifest): ModelFiles & { derive: { calibration: string } } {
  const v = entryOf(name, manifest).variants?.int8;
  if (!v?.derive) throw new FacegateError('VISION_MODEL_MISSING', `model ${name} has no derived int8 variant in models/manifest.json`);
  return v as ModelFiles & { derive: { calibration: string } };
}

/** The int8 bytes from the pinned float file (hash checked) and a calibration (by default the committed one, its chosen method). */
export function deriveInt8(name: string, manifest: Manifest, dir = MODELS_DIR, calibration?: CalibrationFile, method?: CalibrationMethod): Uint8Array {
  const { bytes } = readModelFile(name, manifest, dir, 'float32');
  const cal = calibration ?? readCalibration(join(dir, int8Entry(name, manifest).derive.calibration));
  const parent = sha256(bytes);
  if (cal.parentSha256 !== parent)
    throw new FacegateError(
      'VISION_MODEL_HASH',
      `calibration of ${name} was measured on float file ${cal.parentSha256}, not the pinned ${parent}; re-run calibration`,
    );
  const m = method ?? cal.method;
  return quantizeModel(bytes, rangesOf(cal, m), `calibration ${m}, float parent sha256 ${parent}`);
}

/**
 * Writes the int8 copy where the manifest places it, when it is missing or stale, and checks it
 * against its pin. Returns what happened, for the install's log.
 */
export function installInt8(name: string, manifest: Manifest, dir = MODELS_DIR): 'in place' | 'derived' {
  const v = int8Entry(name, manifest);
  const path = join(dir, v.file);
  const base = v.file.split('/').pop()!;
  const pin = v.sha256[base];
  if (!pin) throw new FacegateError('VISION_MODEL_UNPINNED', `model ${name}: ${base} has no sha256 in models/manifest.json`);
  if (existsSync(path) && sha256(readFileSync(path)) === pin) return 'in place';
  const bytes = deriveInt8(name, manifest, dir);
  const got = sha256(bytes);
  if (got !== pin) throw new FacegateError('VISION_MODEL_HASH', `model ${name}: the derived int8 copy has sha256 ${got}, but models/manifest.json pins ${pin}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return 'derived';
}
