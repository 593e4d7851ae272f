import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardMonitor } from '../../../daemon/health/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';

test('board metrics are sampled from this machine and kept as the latest sample', async () => {
  const { log } = memoryLogger();
  const monitor = new BoardMonitor({ dataDir: tempDir(), log, intervalMs: 60_000 });
  assert.equal(monitor.latest(), null);
  await monitor.start();
  const m = monitor.latest();
  assert.ok(m);
  assert.ok(m.cpuPct >= 0 && m.cpuPct <= 100, `cpu ${m.cpuPct}`);
  assert.ok(m.memUsedPct > 0 && m.memUsedPct < 100, `mem ${m.memUsedPct}`);
  assert.ok(m.diskFreePct !== null && m.diskFreePct > 0 && m.diskFreePct <= 100, `disk ${m.diskFreePct}`);
  assert.ok(m.temperatureC === null || (m.temperatureC > 0 && m.temperatureC < 120));
  assert.equal(m.throttled, null, 'no vcgencmd on this machine');
  monitor.stop();
});
