import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../daemon/store/index.ts';
import { AuditLog } from '../../../daemon/privacy/index.ts';
import { FakeClock, dataDir } from '../../support/privacy.ts';

function withRows(n = 5): { db: Database; audit: AuditLog; clock: FakeClock } {
  const db = openDatabase(dataDir());
  const clock = new FakeClock();
  const audit = new AuditLog(db, clock);
  for (let i = 1; i <= n; i++) {
    audit.append({ actor: 'admin:ann', action: 'door.unlock', target: 'front', detail: { n: i } });
    clock.advance(1000);
  }
  return { db, audit, clock };
}

/** What an attacker with the file does first: remove the append-only guard. */
function unguard(db: Database): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

void test('an untouched chain verifies; rows list newest first with their detail', () => {
  const { audit, db } = withRows();
  assert.deepEqual(audit.verify(), { ok: true, rows: 5, problems: [] });
  const rows = audit.list({ limit: 2 });
  assert.deepEqual(
    rows.map((r) => r.seq),
    [5, 4],
  );
  assert.deepEqual(rows[0]?.detail, { n: 5 });
  assert.equal(rows[0]?.ts, '2026-01-01T00:00:04.000Z');
  assert.equal(rows[0]?.prev_hash, rows[1]?.hash);
  assert.deepEqual(
    audit.list({ before: 3 }).map((r) => r.seq),
    [2, 1],
  );
  assert.deepEqual(audit.list({ action: 'nothing' }), []);
  db.close();
});

void test('the table refuses updates and deletes through SQL', () => {
  const { db } = withRows(2);
  assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'x'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/);
  db.close();
});

void test('an edited row is found', () => {
  const { audit, db } = withRows();
  unguard(db);
  db.prepare("UPDATE audit_log SET actor = 'admin:someone-else' WHERE seq = 3").run();
  const r = audit.verify();
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems, ['row 3: content changed after it was written']);
  db.close();
});

void test('an edited row whose hash was recomputed still breaks the link to the next row', () => {
  const { audit, db } = withRows();
  unguard(db);
  db.prepare("UPDATE audit_log SET detail = '{\"n\":99}', hash = 'f00' WHERE seq = 2").run();
  const r = audit.verify();
  assert.equal(r.ok, false);
  assert.ok(
    r.problems.some((p) => p.startsWith('row 3: does not follow')),
    r.problems.join('; '),
  );
  db.close();
});

void test('a deleted row in the middle is found', () => {
  const { audit, db } = withRows();
  unguard(db);
  db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
  const r = audit.verify();
  assert.equal(r.ok, false);
  assert.ok(r.problems.includes('row 4: rows 3..3 are missing (deleted)'), r.problems.join('; '));
  db.close();
});

void test('deleting the newest rows is found through the chain head', () => {
  const { audit, db } = withRows();
  unguard(db);
  db.prepare('DELETE FROM audit_log WHERE seq >= 4').run();
  const r = audit.verify();
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems, ['the newest rows 4..5 are missing (deleted)']);
  db.close();
});

void test('reordered rows are found', () => {
  const { audit, db } = withRows();
  unguard(db);
  // Swap rows 2 and 3 (everything but the sequence number).
  db.exec(`UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;`);
  const r = audit.verify();
  assert.equal(r.ok, false);
  assert.ok(
    r.problems.some((p) => p.startsWith('row 2:')),
    r.problems.join('; '),
  );
  assert.ok(
    r.problems.some((p) => p.startsWith('row 3:')),
    r.problems.join('; '),
  );
  db.close();
});

void test('appending after a verified chain keeps it valid across a reopen', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  new AuditLog(db).append({ actor: 'daemon', action: 'daemon.start' });
  db.close();
  const db2 = openDatabase(dir);
  const audit = new AuditLog(db2);
  audit.append({ actor: 'daemon', action: 'daemon.stop', detail: null });
  assert.deepEqual(audit.verify(), { ok: true, rows: 2, problems: [] });
  db2.close();
});

void test('bad entries are refused with a clear error and change nothing', () => {
  const { audit, db } = withRows(1);
  assert.throws(() => audit.append({ actor: '', action: 'x' }), /audit actor must be a non-empty string/);
  assert.throws(() => audit.append({ actor: 'a', action: undefined as unknown as string }), /audit action is required/);
  assert.throws(() => audit.append({ actor: 'a', action: 'x', detail: [] as unknown as Record<string, unknown> }), /detail must be an object/);
  assert.throws(() => audit.append({ actor: 'a', action: 'x', detail: { big: 'y'.repeat(5000) } }), /larger than 4000/);
  assert.deepEqual(audit.verify(), { ok: true, rows: 1, problems: [] });
  db.close();
});
