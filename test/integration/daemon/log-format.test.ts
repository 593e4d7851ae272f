import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, runFacegate, startFacegate, stopCleanly } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

test('facegate run --pretty: readable lines from every thread, no JSON', { timeout: 120_000 }, async () => {
  const d = startFacegate(['run', '--pretty'], isolatedEnv(tempDir(), { NO_COLOR: '1' }));
  try {
    await d.waitForLog((l) => typeof l.raw === 'string' && /\bINFO\b.*: facegate started/.test(l.raw), 90_000);
    await stopCleanly(d);
    const raw = d.logs.map((l) => (typeof l?.raw === 'string' ? l.raw : JSON.stringify(l)));
    assert.deepEqual(
      d.logs.filter((l) => typeof l === 'object' && l !== null && 'level' in l),
      [],
      'no JSON line among the pretty ones',
    );
    // The admin worker logs through its own logger: it follows the process's choice.
    assert.ok(
      raw.some((l) => /thread: "admin"/.test(l)),
      `an admin-thread line in the pretty form:\n${raw.join('\n')}`,
    );
    assert.ok(
      raw.every((l) => !l.includes('\u001b[')),
      'NO_COLOR: no colour codes',
    );
  } finally {
    d.child.kill('SIGKILL');
  }
});

test('FACEGATE_LOG_FORMAT with an unknown value is refused with the values it takes', async () => {
  const r = await runFacegate(['run'], isolatedEnv(tempDir(), { FACEGATE_LOG_FORMAT: 'xml' }));
  assert.equal(r.code, 64);
  assert.match(r.stderr, /FACEGATE_LOG_FORMAT is "xml"; use json or pretty/);
});
