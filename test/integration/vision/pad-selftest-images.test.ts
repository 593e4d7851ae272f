// `facegate pad selftest --images DIR` as a user runs it (the real CLI, the vision worker with the
// PAD check as the daemon plugs it in), on folders made here from the NUAA fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { PAD_LEVELS, createVisionWorker, largestFace, readPadLevels, type SelftestReportJson } from '../../../daemon/vision/index.ts';
import { isolatedEnv, runFacegate } from '../../support/daemon.ts';
import { memoryLogger } from '../../support/logger.ts';

type Out = SelftestReportJson & { source: string; images: number; unreadable: number; configured_level: string };

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const LIVE = ['pad/live__0001_00_00_01_0.jpg', 'pad/live__0005_00_00_02_101.jpg', 'pad/live__0009_01_00_01_0.jpg', 'e2e/person/live__0001_00_00_01_96.jpg'];
const PRINT = ['pad/spoof__0002_01_00_01_0.jpg', 'pad/spoof__0006_00_00_01_175.jpg', 'pad/spoof__0008_00_00_01_10.jpg', 'e2e/spoof/spoof__0001_00_00_01_0.jpg'];

function folder(rows: { file: string; label: string; attack?: string }[], header = 'relpath,label,attack'): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-selftest-'));
  const lines = [header];
  for (const r of rows) {
    const name = basename(r.file);
    if (existsSync(join(FIXTURES, r.file))) copyFileSync(join(FIXTURES, r.file), join(dir, name));
    lines.push(header.includes('attack') ? `${name},${r.label},${r.attack ?? ''}` : `${name},${r.label}`);
  }
  writeFileSync(join(dir, 'images.csv'), `${lines.join('\n')}\n`);
  return dir;
}

/** The raw P(live) of each image's largest face, from a worker of our own: what the report must agree with. */
async function rawScores(files: string[]): Promise<(number | null)[]> {
  const config = embeddedDefaults();
  const worker = await createVisionWorker(config.vision, memoryLogger().log, {
    livenessModule: new URL('../../../daemon/vision/pad/module.ts', import.meta.url).href,
    livenessOptions: config.pad,
  });
  try {
    const out: (number | null)[] = [];
    for (const f of files) out.push(largestFace((await worker.analyzeImage(readFileSync(join(FIXTURES, f)))).faces)?.livenessRaw ?? null);
    return out;
  } finally {
    await worker.close();
  }
}

test('a folder with an attack column: BPCER and APCER per attack type at each level, as the frames score; nothing written', async (t) => {
  const dir = folder([...LIVE.map((file) => ({ file, label: 'live' })), ...PRINT.map((file) => ({ file, label: 'spoof', attack: 'print' }))]);
  // A truncated JPEG: counted as unreadable (without a face), never scored.
  writeFileSync(join(dir, 'broken.jpg'), readFileSync(join(FIXTURES, PRINT[0] as string)).subarray(0, 2000));
  writeFileSync(join(dir, 'images.csv'), `${readFileSync(join(dir, 'images.csv'), 'utf8')}broken.jpg,spoof,screen\n`);
  const dataDir = join(dir, 'data');
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const res = await runFacegate(['pad', 'selftest', '--images', dir, '--json'], isolatedEnv(dataDir));
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout) as Out;
  assert.equal(out.source, 'images');
  assert.equal(out.images, 9);
  assert.equal(out.unreadable, 1);
  assert.deepEqual(out.attacks, ['print', 'screen']);
  assert.deepEqual(out.phases['screen'], { frames: 0, judged: 0, unjudged: 0, no_face: 1 });
  assert.equal(out.configured_level, 'balanced');

  const live = await rawScores(LIVE);
  const print = await rawScores(PRINT);
  assert.ok(live.every((r) => r !== null) && print.every((r) => r !== null), 'every fixture face is judged');
  assert.equal(out.phases['live']?.judged, 4);
  assert.equal(out.phases['print']?.judged, 4);
  const thresholds = readPadLevels();
  for (const level of PAD_LEVELS) {
    const l = out.levels[level];
    assert.ok(l);
    assert.equal(l.threshold, Math.round(thresholds[level] * 1e4) / 1e4);
    assert.equal(l.live_rejected, live.filter((r) => (r as number) < thresholds[level]).length, level);
    assert.equal(l.bpcer, Math.round((l.live_rejected / 4) * 1e4) / 1e4);
    const accepted: number = print.filter((r) => (r as number) >= thresholds[level]).length;
    assert.deepEqual(l.apcer['print'], { apcer: accepted / 4, accepted, frames: 4, unjudged: 0 }, level);
    assert.equal(l.apcer['screen']?.apcer, null);
  }
  const first = PAD_LEVELS.find((level) => out.levels[level]?.attacks_accepted === 0) ?? null;
  assert.equal(out.recommended_level, first);
  assert.ok(
    out.warnings.some((w) => w.startsWith('print: only 4 judged frames')),
    out.warnings.join('\n'),
  );
  assert.ok(out.warnings.some((w) => w.startsWith('1 files could not be read as images')));
  // The folder mode needs no data directory and leaves none behind.
  assert.equal(existsSync(dataDir), false);

  // The readable table: one line per level, the recommended one starred.
  const table = await runFacegate(['pad', 'selftest', '--images', dir], isolatedEnv(dataDir));
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^level +threshold +BPCER +APCER print +APCER screen$/m);
  for (const level of PAD_LEVELS) assert.match(table.stdout, new RegExp(`^${level}${level === first ? ' \\*' : ''} +\\d\\.\\d{4} `, 'm'));
  assert.match(table.stdout, /no frame or image was stored/);
});

test('without an attack column every spoof is of one type, "spoof"; a bad file is refused clearly', async (t) => {
  const dir = folder(
    [
      { file: LIVE[0] as string, label: 'live' },
      { file: PRINT[0] as string, label: 'spoof' },
    ],
    'relpath,label',
  );
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const res = await runFacegate(['pad', 'selftest', '--images', dir, '--json'], isolatedEnv(join(dir, 'data')));
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout) as Out;
  assert.deepEqual(out.attacks, ['spoof']);
  assert.equal(out.levels['balanced']?.apcer['spoof']?.frames, 1);

  writeFileSync(join(dir, 'images.csv'), 'relpath,label\na.jpg,maybe\n');
  const bad = await runFacegate(['pad', 'selftest', '--images', dir], isolatedEnv(join(dir, 'data')));
  assert.equal(bad.code, 65);
  assert.match(bad.stderr, /images\.csv line 2: label must be live or spoof, got "maybe"/);
  const mixed = await runFacegate(['pad', 'selftest', '--images', dir, '--seconds', '3'], isolatedEnv(join(dir, 'data')));
  assert.equal(mixed.code, 64);
  assert.match(mixed.stderr, /--seconds and --attacks are for the camera/);
});
