// The camera framing preview over real HTTP on the real daemon (issue 21): a child process with
// its replay camera showing a face, the real vision worker, the admin worker. An admin gets
// frames with the face box and a verdict; a viewer gets 403; closing the stream stops the
// sampling (the daemon's log says so); nothing lands in the data directory. No camera: 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, startFacegate, stopCleanly, type DaemonProcess } from '../../support/daemon.ts';
import { fixtureFrames, replayEnv, showOnReplay } from '../../support/replay.ts';
import { setUpOverHttp } from '../../support/admin-http.ts';
import { sseEvents } from '../../support/sse.ts';
import { tempDir } from '../../support/tmp.ts';

interface PreviewFrameJson {
  seq: number;
  width: number;
  height: number;
  jpeg_base64: string;
  faces: { box: { x: number; y: number; width: number; height: number }; reasons: string[] }[];
  verdict: string;
  analysis_seq: number | null;
}

/** The daemon's panel address, and an admin's session headers after first-run setup. */
async function signIn(d: DaemonProcess, dataDir: string): Promise<{ base: string; headers: Record<string, string> }> {
  const listening = await d.waitForLog((l) => l.msg === 'admin panel listening', 120_000);
  const base = `http://127.0.0.1:${new URL(String(listening.address)).port}`;
  return { base, headers: await setUpOverHttp(base, readFileSync(join(dataDir, 'setup-code'), 'utf8').trim()) };
}

const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

test('admin: live frames with the face box and a verdict; viewer 403; the stream closed stops sampling; nothing stored', { timeout: 300_000 }, async () => {
  const dir = tempDir('facegate-preview-');
  const replay = join(dir, 'replay');
  const data = join(dir, 'data');
  mkdirSync(replay);
  showOnReplay(replay, fixtureFrames('person', 'preview-it'));
  const d = startFacegate(['run'], replayEnv(data, replay));
  try {
    const { base, headers } = await signIn(d, data);
    const token = await fetch(`${base}/api/tokens`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wall display', role: 'viewer' }),
    });
    assert.equal(token.status, 201);
    const viewer = { authorization: `Bearer ${((await token.json()) as { token: string }).token}` };
    const refused = await fetch(`${base}/api/camera/preview`, { headers: viewer });
    assert.equal(refused.status, 403);
    assert.equal(d.logs.filter((l) => l.msg === 'camera preview: sampling started').length, 0, 'a refused viewer starts nothing');

    const before = filesIn(data);
    const abort = new AbortController();
    const res = await fetch(`${base}/api/camera/preview`, { headers, signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store, no-transform');
    const events = await sseEvents(res).until((es) => es.some((e) => e.name === 'frame' && (e.data as PreviewFrameJson).faces.length === 1));
    assert.deepEqual(events[0], { name: 'open', data: { fps: 2, max_seconds: 300 } });
    const frames = events.filter((e) => e.name === 'frame').map((e) => e.data as PreviewFrameJson);
    const withFace = frames.find((f) => f.faces.length === 1)!;
    const box = withFace.faces[0]!.box;
    assert.ok(withFace.width <= 480 && withFace.width > 0, `downscaled: ${withFace.width}×${withFace.height}`);
    assert.ok(box.width > 20 && box.x >= 0 && box.x + box.width <= withFace.width + 2, `a face box inside the frame: ${JSON.stringify(box)}`);
    assert.ok(['ok', 'too_small', 'blurred', 'dark', 'turned_away', 'tilted'].includes(withFace.verdict), withFace.verdict);
    assert.notEqual(withFace.analysis_seq, null);
    const jpeg = Buffer.from(withFace.jpeg_base64, 'base64');
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
    console.log(`preview frame: ${withFace.width}×${withFace.height}, ${jpeg.length} bytes, verdict ${withFace.verdict}, box ${JSON.stringify(box)}`);

    abort.abort();
    await d.waitForLog((l) => l.msg === 'camera preview: sampling stopped (no viewer)', 10_000);
    const samples = d.logs.find((l) => l.msg === 'camera preview: sampling stopped (no viewer)')?.samples;
    assert.ok(typeof samples === 'number' && samples >= 1, `samples counted: ${String(samples)}`);

    const audit = await fetch(`${base}/api/audit?action=camera.preview.start`, { headers });
    const entries = ((await audit.json()) as { entries: { actor: string; detail: unknown }[] }).entries;
    assert.equal(entries.length, 1, 'the start is audited once');
    assert.match(entries[0]!.actor, /owner/);
    assert.doesNotMatch(JSON.stringify(entries), /base64|jpeg|"box"/, 'no frame in the audit log');

    await stopCleanly(d);
    // The database (and its journal) took the audit entry; no other file, and no image at all.
    const changed = filesIn(data).filter((f) => !before.includes(f) && !/^facegate\.db(-wal|-shm)?$/.test(f));
    assert.deepEqual(changed, []);
    assert.deepEqual(
      filesIn(data).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)),
      [],
    );
  } finally {
    if (d.child.exitCode === null) d.child.kill('SIGTERM');
    await d.exited;
  }
});

test('no camera: 503, and nothing is sampled', { timeout: 120_000 }, async () => {
  const data = join(tempDir('facegate-preview-none-'), 'data');
  const d = startFacegate(['run'], isolatedEnv(data));
  try {
    const { base, headers } = await signIn(d, data);
    const res = await fetch(`${base}/api/camera/preview`, { headers });
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { message: string }).message, /no camera/);
    assert.equal(d.logs.filter((l) => l.msg === 'camera preview: sampling started').length, 0);
    await stopCleanly(d);
  } finally {
    if (d.child.exitCode === null) d.child.kill('SIGTERM');
    await d.exited;
  }
});
