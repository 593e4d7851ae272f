// A short version of `node --import tsx scripts/load-admin.ts` (200 clients, 30 s): 50 clients for
// 8 s on the status and events routes of the real daemon while its camera pipeline decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../scripts/e2e/load.ts';
import { tempDir } from '../support/tmp.ts';

void test('admin API under load while the camera runs: every request answered 2xx, and the door still decides', async () => {
  const r = await runLoad({ workDir: tempDir(), connections: 50, seconds: 8 });
  console.log(
    `# load: ${r.requestsPerS.toFixed(0)} requests/s, p99 ${r.p99Ms} ms; grants without/with load ${JSON.stringify(r.grantLatencyBeforeMs)} / ${JSON.stringify(r.grantLatencyDuringMs)} ms`,
  );
  assert.ok(r.total > 0);
  assert.equal(r.errors, 0);
  assert.equal(r.timeouts, 0);
  assert.equal(r.non2xx, 0);
  // The replay loops every 18 s; across the 16 s of both windows together the door decided for at least one face.
  const all = { ...r.decisionsBefore };
  for (const [k, v] of Object.entries(r.decisionsDuringLoad)) all[k] = (all[k] ?? 0) + v;
  assert.ok(Object.values(all).reduce((a, b) => a + b, 0) >= 1, JSON.stringify(r));
});
