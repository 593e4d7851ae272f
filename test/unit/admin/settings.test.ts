import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { RuntimeSettings, applyStoredSettings, availableRuntimeKeys, redact } from '../../../daemon/admin/index.ts';
import { tempDir } from '../../support/tmp.ts';

test('redact: password, secret and token values hidden at any depth; null stays null; paths stay', () => {
  const out = redact({
    mqtt: { password: 'p', username: 'u', tls: { client_secret: 's' } },
    a: [{ api_token: 't' }],
    admin: { tls_key_file: '/k.pem' },
    b: { password: null },
  });
  assert.deepEqual(out, {
    mqtt: { password: '[redacted]', username: 'u', tls: { client_secret: '[redacted]' } },
    a: [{ api_token: '[redacted]' }],
    admin: { tls_key_file: '/k.pem' },
    b: { password: null },
  });
});

test('runtime settings persist in the database and come back at the next start; invalid ones change nothing', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  try {
    const config = embeddedDefaults();
    const s = new RuntimeSettings(db, config);
    assert.ok(availableRuntimeKeys().includes('daemon.log_level'));
    const bad = s.update({ daemon: { log_level: 'chatty' } }, 'user:t', '2026-01-01T00:00:00.000Z');
    assert.ok('problems' in bad && bad.problems[0]?.startsWith('daemon.log_level: expected one of'));
    assert.equal(s.config.daemon.log_level, 'info');
    const ok = s.update({ daemon: { log_level: 'warn' } }, 'user:t', '2026-01-01T00:00:00.000Z');
    assert.deepEqual(ok, { changed: ['daemon.log_level'], live: [], nextStart: ['daemon.log_level'] });
    const restarted = applyStoredSettings(db, embeddedDefaults());
    assert.equal(restarted.config.daemon.log_level, 'warn');
    assert.deepEqual(restarted.applied, ['daemon.log_level']);
    // A stored value a newer schema no longer accepts is skipped, not fatal; keys outside the runtime list are ignored.
    db.prepare(
      "INSERT INTO admin_settings (key, value, changed_by, changed_at) VALUES ('admin.session_lifetime_h', '-5', 'x', 'x'), ('admin.port', '1', 'x', 'x')",
    ).run();
    const again = applyStoredSettings(db, embeddedDefaults());
    assert.equal(again.config.admin.session_lifetime_h, 12);
    assert.equal(again.config.admin.port, 8080);
  } finally {
    db.close();
  }
});
