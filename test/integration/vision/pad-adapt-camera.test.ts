// A door's own PAD model from the camera (issue 26), as an installer runs it: `facegate pad
// selftest --adapt --out FILE` with a replay camera (the fake at the hardware boundary) whose
// folder the test switches between the phases, as the people in front of it would change: person
// 1 live, then a printed photo of person 1, then person 2 and their photo (two NUAA subjects).
// The real pipeline, vision worker, evidence and fit; the proposal is written whole or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DoorPadAdaptations } from '../../../daemon/vision/pad/index.ts';
import { readPadLevels } from '../../../daemon/vision/pad/levels.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { startFacegate } from '../../support/daemon.ts';
import { craftedAdaptation, versions } from '../../support/pad-adaptation.ts';
import { NUAA, nuaaFrames, replayEnv, showOnReplay } from '../../support/replay.ts';
import { tempDir } from '../../support/tmp.ts';

const PHASE_S = 6;

test(
  'adapting from the camera: each person live then their photo, the fit across the two, the proposal written for the door',
  { skip: !existsSync(NUAA) && 'no ../shared/data/nuaa-train', timeout: 240_000 },
  async () => {
    const dir = tempDir('facegate-adapt-camera-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    const out = join(dir, 'door-pad.json');
    const plan: [string, 'live' | 'spoof'][] = [
      ['0001', 'live'],
      ['0001', 'spoof'],
      ['0002', 'live'],
      ['0002', 'spoof'],
    ];
    showOnReplay(replay, nuaaFrames('0001', 'live'));
    const cli = startFacegate(
      ['pad', 'selftest', '--adapt', '--out', out, '--people', '2', '--attacks', 'print', '--seconds', String(PHASE_S), '--json'],
      replayEnv(join(dir, 'data'), replay),
    );
    // Each phase is announced, then counted down from 3 s: the folder changes in that pause.
    for (const [i, [subject, kind]] of plan.entries()) {
      const line = await cli.waitForLog((l) => typeof l.raw === 'string' && l.raw.startsWith(`phase ${i + 1}/4: `), 120_000);
      assert.match(String(line.raw), new RegExp(`phase ${i + 1}/4: ${kind === 'live' ? 'live' : 'print'} `));
      const prompt = await cli.waitForLog((l) => typeof l.raw === 'string' && l.raw.startsWith(`Person ${i < 2 ? 1 : 2} of 2`), 5_000);
      assert.ok(prompt, 'the prompt says who presents');
      showOnReplay(replay, nuaaFrames(subject, kind));
    }
    assert.equal(await cli.exited, 0, cli.stderrTail());
    const result = JSON.parse(cli.stdout()) as {
      status: string;
      file: string | null;
      source: string;
      people: number;
      fit_ms: number;
      before: { phases: Record<string, { judged: number }> };
      after: { levels: Record<string, { bpcer: number | null; apcer: Record<string, { apcer: number | null }> }> } | null;
    };
    console.log(
      `camera adaptation: ${JSON.stringify({ status: result.status, fit_ms: result.fit_ms, phases: result.before.phases, after: result.after?.levels.balanced })}`,
    );
    assert.deepEqual([result.status, result.source, result.people, result.file], ['proposed', 'camera', 2, out]);
    assert.ok((result.before.phases.live?.judged ?? 0) >= 20 && (result.before.phases.print?.judged ?? 0) >= 20, JSON.stringify(result.before.phases));
    assert.equal(result.after?.levels.balanced?.apcer.print?.apcer, 0, 'no printed photo accepted, judged across the two people');
    const file = JSON.parse(readFileSync(out, 'utf8')) as { camera: string; report: { presenters: number; frames: Record<string, number> } };
    assert.equal(file.camera, `replay:${replay} 640x480`);
    assert.equal(file.report.presenters, 2);
    assert.ok(!/\.jpg|live__|spoof__|000[12]\//.test(JSON.stringify({ ...file, camera: null })), 'no image or subject is named in the file');
    assert.deepEqual(readdirSync(dir).sort(), ['data', 'door-pad.json', 'replay'], 'no frame or temporary file was left');
  },
);

test(
  "the camera self-test judges by the door's accepted adaptation, as the door does",
  { skip: !existsSync(NUAA) && 'no ../shared/data/nuaa-train', timeout: 180_000 },
  async () => {
    const dir = tempDir('facegate-selftest-adapted-');
    const replay = join(dir, 'replay');
    const data = join(dir, 'data');
    mkdirSync(replay);
    mkdirSync(data, { mode: 0o700 });
    const adaptation = craftedAdaptation();
    assert.notEqual(adaptation.thresholds.balanced, readPadLevels().balanced, 'the shipped and adapted thresholds tell apart');
    const db = openDatabase(data);
    const doors = new DoorPadAdaptations({ db, doors: ['front'], cameraDoor: 'front', camera: `replay:${replay} 640x480`, versions });
    doors.accept('front', Buffer.from(JSON.stringify(adaptation)), 'test');
    const pinned = doors.status('front').sha256;
    db.close();

    showOnReplay(replay, nuaaFrames('0001', 'live'));
    const cli = startFacegate(['pad', 'selftest', '--attacks', 'print', '--seconds', '4', '--json'], replayEnv(data, replay));
    await cli.waitForLog((l) => typeof l.raw === 'string' && l.raw.startsWith('phase 2/2: '), 120_000);
    showOnReplay(replay, nuaaFrames('0001', 'spoof'));
    assert.equal(await cli.exited, 0, cli.stderrTail());
    const report = JSON.parse(cli.stdout()) as { judged_by: string; adaptation_sha256: string | null; levels: Record<string, { threshold: number }> };
    assert.equal(report.judged_by, 'adaptation');
    assert.equal(report.adaptation_sha256, pinned);
    for (const level of ['convenience', 'balanced', 'strict'] as const)
      assert.equal(report.levels[level]?.threshold, Math.round(adaptation.thresholds[level] * 1e4) / 1e4, `${level}: the adaptation's threshold`);
  },
);
