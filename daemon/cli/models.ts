import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FacegateError, createLogger } from '../core/index.ts';
import { loadConfig } from '../config/index.ts';
import {
  EMBEDDER_CALIBRATION_SET,
  MODELS_DIR,
  calibrate,
  deriveInt8,
  embedderCalibrationImages,
  embedderInputs,
  entryOf,
  readCalibration,
  readManifest,
  readModelFile,
  sha256,
  type CalibrationFile,
  type CalibrationMethod,
  type Manifest,
  type VariantChoice,
} from '../vision/index.ts';

export const MODELS_USAGE = 'facegate models quantize MODEL [--calibrate --data DIR] [--method minmax|percentile-P] [--pin] [--config FILE] [--json]';

// Compared on 16 held-out lfw-dev crops (cosine to the float embedding, mean / min): min/max 0.980 / 0.963,
// 99.9 % 0.934 / 0.888, 99.99 % 0.984 / 0.973, 99.999 % 0.988 / 0.982 (models/README.md).
const METHODS: CalibrationMethod[] = ['minmax', 'percentile-99.99', 'percentile-99.999'];

/** The int8 variant's place in the manifest, added (without a pin) the first time a model is quantized. */
function int8Place(name: string, manifest: Manifest): { file: string; calibration: string } {
  const entry = entryOf(name, manifest);
  const base = basename(entry.file, '.onnx');
  entry.variants ??= {};
  entry.variants.int8 ??= { file: `packages/${entry.package}/int8/${base}.int8.onnx`, sha256: {}, derive: { calibration: `quant/${base}.calibration.json` } };
  return { file: entry.variants.int8.file, calibration: entry.variants.int8.derive!.calibration };
}

/** Every model float, this one included: calibration measures the float parent's activations. */
function allFloat(choice: VariantChoice, name: string): VariantChoice {
  return typeof choice === 'string' ? { default: choice, [name]: 'float32' } : { ...choice, [name]: 'float32' };
}

const round = (v: number): number => Number(v.toPrecision(9));

async function measure(name: string, manifest: Manifest, shownDir: string, method: CalibrationMethod, configFile?: string): Promise<CalibrationFile> {
  const dataDir = resolve(shownDir);
  if (entryOf(name, manifest).role !== 'embedder')
    throw new FacegateError('usage', `calibration is implemented for the embedder only (not ${name} yet)`, { exitCode: 64 });
  const { config } = loadConfig({ file: configFile });
  const vision = { ...config.vision, embedder: { ...config.vision.embedder, model: name as typeof config.vision.embedder.model } };
  vision.variant = allFloat(vision.variant, name);
  const images = embedderCalibrationImages(dataDir);
  const log = createLogger({ level: 'warn' });
  const { inputs, skipped } = await embedderInputs(
    images.map((f) => join(dataDir, f)),
    vision,
    log,
    manifest,
  );
  const { bytes } = readModelFile(name, manifest, MODELS_DIR, 'float32');
  const ranges = await calibrate(bytes, inputs, METHODS.includes(method) ? METHODS : [...METHODS, method]);
  return {
    model: name,
    parentSha256: sha256(bytes),
    method,
    data: `${EMBEDDER_CALIBRATION_SET}; ${inputs.length} aligned face crops from ${images.length} photos`,
    command: `facegate models quantize ${name} --calibrate --data ${shownDir} --method ${method}`,
    images,
    skipped: skipped.map((f) => f.slice(dataDir.length + 1)),
    ranges: Object.fromEntries(
      Object.entries(ranges).map(([m, r]) => [m, Object.fromEntries(Object.entries(r).map(([t, { min, max }]) => [t, [round(min), round(max)]]))]),
    ),
  };
}

/** `facegate models quantize MODEL`: (re-)measures the calibration and/or derives the int8 copy from the pinned float file. */
export async function modelsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      calibrate: { type: 'boolean', default: false },
      data: { type: 'string' },
      method: { type: 'string' },
      pin: { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean', default: false },
    },
  });
  const [sub, name] = positionals;
  if (sub !== 'quantize' || !name) throw new FacegateError('usage', `usage: ${MODELS_USAGE}`, { exitCode: 64 });
  const manifest = readManifest();
  if (entryOf(name, manifest).format !== 'onnx')
    throw new FacegateError('usage', `${name} is not an ONNX model; tfjs copies come from scripts/quantize-models.ts`, { exitCode: 64 });
  const place = int8Place(name, manifest);
  const calPath = join(MODELS_DIR, place.calibration);
  let cal: CalibrationFile;
  if (values.calibrate) {
    if (!values.data) throw new FacegateError('usage', `--calibrate needs --data DIR (a folder laid out like ../shared/data)`, { exitCode: 64 });
    const method = (values.method ?? 'percentile-99.999') as CalibrationMethod;
    cal = await measure(name, manifest, values.data, method, values.config);
    mkdirSync(dirname(calPath), { recursive: true });
    writeFileSync(calPath, `${JSON.stringify(cal, null, 2)}\n`);
  } else {
    cal = readCalibration(calPath);
    if (values.method) cal.method = values.method as CalibrationMethod;
  }
  const bytes = deriveInt8(name, manifest, MODELS_DIR, cal, cal.method);
  const hash = sha256(bytes);
  const file = join(MODELS_DIR, place.file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  const variant = entryOf(name, manifest).variants!.int8!;
  const pinned = variant.sha256[basename(file)];
  if (values.pin) {
    variant.sha256 = { [basename(file)]: hash };
    if (values.calibrate || values.method) writeFileSync(calPath, `${JSON.stringify(cal, null, 2)}\n`);
    writeFileSync(join(MODELS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const float = readModelFile(name, manifest, MODELS_DIR, 'float32').bytes;
  const report = {
    model: name,
    method: cal.method,
    file,
    sha256: hash,
    pinned: values.pin ? hash : (pinned ?? null),
    bytes_float: float.length,
    bytes_int8: bytes.length,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(12)} ${v}`);
  if (!values.pin && pinned !== hash) {
    process.stderr.write(`models: the int8 copy of ${name} has sha256 ${hash}, the manifest pins ${pinned ?? 'nothing'}; --pin to pin it\n`);
    return 1;
  }
  return 0;
}
