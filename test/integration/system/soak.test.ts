// The 2-minute soak (the N-minute one is `npm run soak`): the daemon with a looping replay camera at
// 10 fps where faces come and go; after warm-up nothing may grow. The tolerances are far below what
// a real leak makes at ~5 analysed frames a second (one kept 640x480 frame each: ~270 MB/min; one
// tensor per frame: ~300/min) and above the sawtooth of garbage collection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../../scripts/e2e/soak.ts';
import { tempDir } from '../../support/tmp.ts';

void test('soak, 2 minutes at 10 fps: RSS, heaps and tensors flat after warm-up, and the door keeps deciding', async () => {
  const result = await runSoak({ workDir: tempDir(), seconds: 120, warmupS: 40, sampleS: 4 });
  const { slopes, events, samples } = result;
  console.log(`# soak slopes after warm-up: ${JSON.stringify(slopes)}; events ${JSON.stringify(events)}`);
  assert.ok(samples.length >= 20, `samples: ${samples.length}`);
  assert.ok(slopes.tensorsPerMin <= 5, `tensors grow ${slopes.tensorsPerMin}/min`);
  assert.ok(slopes.rssMbPerMin <= 30, `RSS grows ${slopes.rssMbPerMin} MB/min`);
  assert.ok(slopes.heapMbPerMin <= 10, `main heap grows ${slopes.heapMbPerMin} MB/min`);
  assert.ok(slopes.workerHeapMbPerMin <= 20, `vision worker heap grows ${slopes.workerHeapMbPerMin} MB/min`);
  // The pipeline really ran the whole time: every kind of face was decided more than once.
  assert.ok((events.access_granted ?? 0) >= 2, JSON.stringify(events));
  assert.ok((events.unknown_face ?? 0) >= 2, JSON.stringify(events));
  assert.ok((events.spoof_suspected ?? 0) >= 2, JSON.stringify(events));
  const last = samples.at(-1)!;
  assert.ok(last.analysed > 100, `analysed ${last.analysed}`);
});
