import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderReplaySource } from '../../../daemon/camera/folder-source.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { tempDir } from '../../support/tmp.ts';

/** A folder of three tiny "JPEGs" (SOI, an index byte, EOI): the source passes JPEG files on as they are. */
function folder(): string {
  const dir = tempDir();
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, `f${i}.jpg`), Buffer.from([0xff, 0xd8, i, 0xff, 0xd9]));
  return dir;
}

/** A replay at 10 fps on a hand-moved clock; `play(ms)` moves time in frame steps and lets each file read finish. */
function replay(dir = folder()) {
  const clock = new FakeClock();
  const frames: number[] = [];
  const exits: string[] = [];
  const source = new FolderReplaySource({ id: 'replay:test', folder: dir, fps: 10, loop: true, clock });
  const settle = async (): Promise<void> => {
    // A tick reads its file (real I/O) and then sets the timer for the next frame.
    for (let i = 0; i < 500 && clock.pending === 0 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
  };
  const play = async (ms: number): Promise<number> => {
    const before = frames.length;
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await settle();
    }
    return frames.length - before;
  };
  source.start({ data: (chunk) => frames.push(chunk[2] as number), exit: (info) => exits.push(info.reason) });
  return { clock, frames, exits, source, settle, play };
}

void test('the replay source plays its folder in order at its frame rate, looping', async () => {
  const r = replay();
  r.clock.advance(0);
  await r.settle();
  assert.equal(await r.play(1000), 10);
  assert.deepEqual(r.frames.slice(0, 7), [0, 1, 2, 0, 1, 2, 0]);
  assert.deepEqual(r.exits, []);
  await r.source.stop();
});

void test('the replay source keeps pacing when the wall clock jumps back an hour (or forward): it paces by monotonic time', async () => {
  const r = replay();
  r.clock.advance(0);
  await r.settle();
  assert.equal(await r.play(500), 5);
  r.clock.jumpWall(-3_600_000);
  assert.equal(await r.play(500), 5, 'frames keep coming at 10 fps after the jump back');
  r.clock.jumpWall(+7_200_000);
  assert.equal(await r.play(500), 5, 'no burst and no stall after a jump forward');
  assert.deepEqual(r.exits, []);
  await r.source.stop();
});

void test('a looping replay lists its folder again at each loop: what it shows can be changed while it plays', async () => {
  const dir = folder();
  const r = replay(dir);
  r.clock.advance(0);
  await r.settle();
  await r.play(200); // frames 0, 1, 2: the first loop
  rmSync(join(dir, 'f0.jpg'));
  rmSync(join(dir, 'f1.jpg'));
  writeFileSync(join(dir, 'g7.jpg'), Buffer.from([0xff, 0xd8, 7, 0xff, 0xd9]));
  await r.play(600);
  assert.deepEqual(r.frames.slice(0, 9), [0, 1, 2, 2, 7, 2, 7, 2, 7]);
  // An emptied folder keeps the last list rather than ending the camera.
  for (const f of ['f2.jpg', 'g7.jpg']) rmSync(join(dir, f));
  const before = r.frames.length;
  await r.play(500);
  assert.ok(r.frames.length > before);
  await r.source.stop();
});
