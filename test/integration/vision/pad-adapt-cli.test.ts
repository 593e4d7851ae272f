// A door's own PAD model, offline form (issue 26), as an installer runs it: `facegate pad selftest
// --images DIR --adapt --out FILE` on presentations of some NUAA subjects, then `npm run eval:pad --
// --images OTHER --adaptation FILE` judging other subjects with it; and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isolatedEnv, runFacegate } from '../../support/daemon.ts';

const NUAA = fileURLToPath(new URL('../../../../shared/data/nuaa-train/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** A folder of some subjects' frames (their folders linked, not copied), every `step`-th live frame, with NUAA's identity column. */
function subjects(ids: string[], step: number, header = 'relpath,identity,label'): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-adapt-'));
  const rows = readFileSync(join(NUAA, 'images.csv'), 'utf8').trim().split('\n');
  const cols = (rows[0] ?? '').split(',');
  const [ri, ii, li] = ['relpath', 'identity', 'label'].map((c) => cols.indexOf(c)) as [number, number, number];
  const out = [header];
  let n = 0;
  for (const line of rows.slice(1)) {
    const f = line.split(',');
    if (!ids.includes(f[ii] ?? '')) continue;
    if (f[li] === 'live' && n++ % step !== 0) continue;
    out.push(header.includes('identity') ? `${f[ri]},${f[ii]},${f[li]}` : `${f[ri]},${f[li]}`);
  }
  for (const id of ids) symlinkSync(join(NUAA, id), join(dir, id));
  writeFileSync(join(dir, 'images.csv'), `${out.join('\n')}\n`);
  return dir;
}

async function evalPad(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/eval-pad.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test(
  'adapt on three subjects, judge two others with the file: proposed, numbers only, same keys as the shipped evaluation',
  { skip: !existsSync(NUAA) && 'no ../shared/data/nuaa-train' },
  async (t) => {
    const adaptOn = subjects(['0001', '0002', '0003'], 3);
    const judge = subjects(['0004', '0005'], 2);
    const file = join(adaptOn, 'door-pad.json');
    t.after(() => [adaptOn, judge].forEach((d) => rmSync(d, { recursive: true, force: true })));

    const res = await runFacegate(['pad', 'selftest', '--images', adaptOn, '--adapt', '--out', file, '--json'], isolatedEnv(join(adaptOn, 'data')));
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      status: string;
      file: string;
      sha256: string;
      level: string;
      before: { levels: Record<string, { apcer: Record<string, { apcer: number }>; bpcer: number }> };
      after: { levels: Record<string, { apcer: Record<string, { apcer: number }>; bpcer: number }> };
    };
    assert.equal(out.status, 'proposed');
    assert.equal(out.file, file);
    assert.equal(out.level, 'balanced');
    assert.ok(out.after.levels['balanced']!.apcer['spoof']!.apcer <= 0.02);
    assert.ok(out.after.levels['balanced']!.bpcer <= 0.05);

    // The proposal keeps no image name, path or per-image number.
    const text = readFileSync(file, 'utf8');
    assert.ok(!/\.jpg|0001\/|live__/.test(text), 'no image is named in the file');
    const adaptation = JSON.parse(text) as { report: { frames: Record<string, number> } };
    // The pin printed is the one a door keeps for this file's JSON (compact, as the admin stores a body).
    assert.equal(out.sha256, createHash('sha256').update(JSON.stringify(adaptation)).digest('hex'));
    assert.notEqual(out.sha256, createHash('sha256').update(text).digest('hex'), 'the file on disk is indented');
    assert.ok((adaptation.report.frames['live'] ?? 0) >= 20 && (adaptation.report.frames['spoof'] ?? 0) >= 20);

    const shipped = await evalPad(['--images', judge, '--json']);
    const adapted = await evalPad(['--images', judge, '--adaptation', file, '--json']);
    assert.equal(adapted.code, 0, adapted.stderr);
    const a = JSON.parse(adapted.stdout) as Record<string, unknown> & { apcer: number; bpcer: number; models: { pad: string } };
    const s = JSON.parse(shipped.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(s).sort());
    assert.match(a.models.pad, /^pad-adaptation\(images:/);
    assert.ok(a.apcer <= 0.02 && a.bpcer <= 0.05, adapted.stdout);

    // A file fitted on other model versions is stale: refused before any image is read.
    writeFileSync(file, text.replace(/"cnn": "[0-9a-f]{64}"/, `"cnn": "${'0'.repeat(64)}"`));
    const stale = await evalPad(['--images', judge, '--adaptation', file, '--json']);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /stale/);
  },
);

test(
  'what an adaptation refuses: one class, no identity column, flags that do not go together',
  { skip: !existsSync(NUAA) && 'no ../shared/data/nuaa-train' },
  async (t) => {
    const dir = subjects(['0001', '0002'], 6);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const env = isolatedEnv(join(dir, 'data'));
    const file = join(dir, 'out.json');

    // Only live rows: refused with the reason, nothing written, the shipped model stays.
    const csv = readFileSync(join(dir, 'images.csv'), 'utf8').split('\n');
    writeFileSync(join(dir, 'images.csv'), `${csv.filter((l, i) => i === 0 || l.endsWith(',live')).join('\n')}\n`);
    const oneClass = await runFacegate(['pad', 'selftest', '--images', dir, '--adapt', '--out', file, '--json'], env);
    assert.equal(oneClass.code, 1, oneClass.stderr);
    const refused = JSON.parse(oneClass.stdout) as { status: string; reasons: { code: string; message: string }[]; file: null };
    assert.equal(refused.status, 'refused');
    assert.ok(refused.reasons.some((r) => r.code === 'too_few_frames' && /an attack/.test(r.message)));
    assert.equal(refused.file, null);
    assert.equal(existsSync(file), false);

    writeFileSync(join(dir, 'images.csv'), 'relpath,label\n0001/live__0001_00_00_01_0.jpg,live\n');
    const noIdentity = await runFacegate(['pad', 'selftest', '--images', dir, '--adapt', '--out', file], env);
    assert.equal(noIdentity.code, 65);
    assert.match(noIdentity.stderr, /identity column/);

    const noOut = await runFacegate(['pad', 'selftest', '--images', dir, '--adapt'], env);
    assert.equal(noOut.code, 64);
    assert.match(noOut.stderr, /--adapt and --out FILE go together/);
    // Without --images it adapts from the camera: there is none here, and the people must be 2 to 6.
    const noCamera = await runFacegate(['pad', 'selftest', '--adapt', '--out', file], env);
    assert.equal(noCamera.code, 78, noCamera.stderr);
    assert.match(noCamera.stderr, /camera.source is none/);
    const onePerson = await runFacegate(['pad', 'selftest', '--adapt', '--out', file, '--people', '1'], env);
    assert.equal(onePerson.code, 64);
    assert.match(onePerson.stderr, /2 to 6 people/);
    const peopleWithImages = await runFacegate(['pad', 'selftest', '--images', dir, '--adapt', '--out', file, '--people', '3'], env);
    assert.equal(peopleWithImages.code, 64);
    assert.match(peopleWithImages.stderr, /--people is for adapting from the camera/);
    assert.equal(existsSync(file), false);
  },
);
