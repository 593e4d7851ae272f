import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { DB_FILE, openDatabase } from '../../../daemon/store/index.ts';
import { startDaemon, type RunningDaemon } from '../../../daemon/main.ts';
import { passBy, personDataEnv, seedPeople, type Who } from '../../support/person-data.ts';
import { dataDir } from '../../support/privacy.ts';

/**
 * Erasure and retention reach every table that can hold a person's data (issue 17 item 13).
 * The tables are read from sqlite_master of the real database file, so a table added later
 * fails here until it is classified below: person-free, or person-bearing with what erasure
 * and retention do with it. The daemon is the real one (main.ts wiring), MQTT pointed at a
 * broker that is not there so its events wait in the outbox.
 */

type Retention = { rule: string; column: string } | 'until erased' | 'kept';
type Coverage =
  | { holds: 'nobody'; why: string }
  | { holds: 'person'; erasure: 'deleted'; retention: Retention }
  | { holds: 'person'; erasure: 'kept'; retention: 'kept'; why: string; afterErasure(db: Database, personId: string): void };

const TABLES: Record<string, Coverage> = {
  meta: { holds: 'nobody', why: 'key check and bookkeeping' },
  schema_migrations: { holds: 'nobody', why: 'which migrations ran' },
  persons: { holds: 'person', erasure: 'deleted', retention: 'until erased' },
  templates: { holds: 'person', erasure: 'deleted', retention: 'until erased' },
  person_drafts: { holds: 'person', erasure: 'deleted', retention: { rule: 'person_drafts', column: 'created_at' } },
  person_keys: { holds: 'person', erasure: 'deleted', retention: 'until erased' },
  events: { holds: 'person', erasure: 'deleted', retention: { rule: 'events', column: 'ts' } },
  snapshots: { holds: 'person', erasure: 'deleted', retention: { rule: 'snapshots', column: 'taken_at' } },
  mqtt_outbox: { holds: 'person', erasure: 'deleted', retention: { rule: 'mqtt_outbox', column: 'created_at' } },
  consents: {
    holds: 'person',
    erasure: 'kept',
    retention: 'kept',
    why: 'proof that consent was given and withdrawn (GDPR Art. 7(1)): ids and dates, no name, no biometric data',
    afterErasure(db, personId) {
      const open = db.prepare('SELECT count(*) AS n FROM consents WHERE person_id = ? AND withdrawn_at IS NULL').get(personId) as { n: number };
      assert.equal(open.n, 0, 'every consent of the erased person is withdrawn');
    },
  },
  audit_log: {
    holds: 'person',
    erasure: 'kept',
    retention: 'kept',
    why: 'the append-only, hash-chained record of who did what: ids and pseudonyms, no name, no biometric data',
    afterErasure(db, personId) {
      assert.ok(db.prepare("SELECT 1 FROM audit_log WHERE action = 'person.erase' AND target = ?").get(personId), 'the erasure is recorded');
    },
  },
  admin_users: { holds: 'nobody', why: 'operators of the panel, not people at the door' },
  admin_sessions: { holds: 'nobody', why: "operators' sessions" },
  admin_api_tokens: { holds: 'nobody', why: 'automation tokens' },
  admin_setup_code: { holds: 'nobody', why: 'the first-run code' },
  admin_settings: { holds: 'nobody', why: 'settings changed in the panel' },
  mqtt_counters: { holds: 'nobody', why: 'counters' },
  mqtt_discovery: { holds: 'nobody', why: 'Home Assistant config topics' },
  pad_adaptations: {
    holds: 'nobody',
    why: "a door's own PAD model: weights, thresholds and figures (no frame, face or presenter); accepted_by is an operator",
  },
  mqtt_nonces: { holds: 'nobody', why: 'nonces of signed commands' },
  metric_samples: { holds: 'nobody', why: "the board's camera fps, analysis rate and temperature over time (the dashboard); kept 7 days" },
  osdp_credentials: { holds: 'person', erasure: 'deleted', retention: 'until erased' },
  osdp_keys: { holds: 'nobody', why: "the reader's secure-channel key a panel set with KEYSET" },
};

const OLD = '2000-01-01T00:00:00.000Z';

function tablesOf(db: Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Rows of a table with a text column holding the person's id or pseudonym (rowid kept for aging them). */
function rowsOf(db: Database, table: string, who: Who): { rowid: number }[] {
  const rows = db.prepare(`SELECT rowid AS rowid_, * FROM "${table}"`).all() as Record<string, unknown>[];
  return rows
    .filter((r) => Object.entries(r).some(([k, v]) => k !== 'rowid_' && typeof v === 'string' && (v.includes(who.id) || v.includes(who.subject))))
    .map((r) => ({ rowid: r.rowid_ as number }));
}

/** A person's rows together with those of their draft (a draft is a person added, not yet enrolled). */
const rowsOfAll = (db: Database, table: string, whos: readonly Who[]): { rowid: number }[] => whos.flatMap((who) => rowsOf(db, table, who));

const daemonEnv = (dir: string): NodeJS.ProcessEnv => personDataEnv(dir, { FACEGATE_ADMIN__ENABLED: 'false' });

function inspect<T>(dir: string, fn: (db: Database) => T): T {
  const db = new BetterSqlite3(join(dir, DB_FILE), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Whose rows a test takes away (Alice and a draft) and whose it must keep (Bob and another draft). */
async function seeded(dir: string): Promise<{ gone: Who[]; kept: Who[]; daemon: RunningDaemon }> {
  const { alice, bob, aliceDraft, bobDraft } = seedPeople(dir);
  const daemon = await startDaemon({ env: daemonEnv(dir) });
  passBy(daemon, alice);
  passBy(daemon, bob);
  return { gone: [alice, aliceDraft], kept: [bob, bobDraft], daemon };
}

function personTables(): [string, Exclude<Coverage, { holds: 'nobody' }>][] {
  return Object.entries(TABLES).filter((e): e is [string, Exclude<Coverage, { holds: 'nobody' }>] => e[1].holds === 'person');
}

void test('every table of the database is classified: person-free, or covered by erasure and retention', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const tables = tablesOf(db);
  db.close();
  const unclassified = tables.filter((t) => !(t in TABLES));
  assert.deepEqual(
    unclassified,
    [],
    `tables not classified in ${import.meta.url}: say whether they hold a person's data, and if so how erasure and retention reach it`,
  );
  assert.deepEqual(
    Object.keys(TABLES).filter((t) => !tables.includes(t)),
    [],
    'classified tables that no longer exist',
  );
});

void test('erasure: nothing of the person is left in any person-bearing table, the other person is untouched', async () => {
  const dir = dataDir();
  const { gone, kept, daemon } = await seeded(dir);
  try {
    inspect(dir, (db) => {
      for (const [table, c] of Object.entries(TABLES)) {
        if (c.holds === 'nobody')
          assert.equal(rowsOfAll(db, table, [...gone, ...kept]).length, 0, `${table} is declared person-free but holds a person's id or pseudonym`);
        else assert.ok(rowsOfAll(db, table, gone).length > 0, `the test seeds ${table}`);
      }
    });
    for (const who of gone) daemon.identity.erasePerson(who.id, 'admin:test');
  } finally {
    await daemon.stop('test');
  }
  inspect(dir, (db) => {
    for (const [table, c] of personTables()) {
      if (c.erasure === 'deleted') {
        assert.deepEqual(rowsOfAll(db, table, gone), [], `erasure left the person's rows in ${table}`);
        assert.ok(rowsOfAll(db, table, kept).length > 0, `erasure took another person's rows from ${table}`);
      } else for (const who of gone) c.afterErasure(db, who.id);
    }
  });
});

void test('retention: rows past their period go from every time-bound person-bearing table, newer ones stay', async () => {
  const dir = dataDir();
  const { gone, kept, daemon } = await seeded(dir);
  await daemon.stop('test');
  const timeBound = personTables().flatMap(([table, c]) => (typeof c.retention === 'object' ? [{ table, column: c.retention.column }] : []));
  // Alice's rows become old; the next start's sweep must take them (Bob's are today's).
  const db = new BetterSqlite3(join(dir, DB_FILE));
  for (const { table, column } of timeBound) {
    const rows = rowsOfAll(db, table, gone);
    assert.ok(rows.length > 0, `the test seeds ${table}`);
    for (const r of rows) db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`).run(OLD, r.rowid);
  }
  db.close();
  const again = await startDaemon({ env: daemonEnv(dir) });
  await again.stop('test');
  inspect(dir, (db) => {
    for (const { table } of timeBound) {
      assert.deepEqual(rowsOfAll(db, table, gone), [], `retention left rows past their period in ${table}`);
      assert.ok(rowsOfAll(db, table, kept).length > 0, `retention took rows within their period from ${table}`);
    }
    const purge = db.prepare("SELECT detail FROM audit_log WHERE action = 'retention.purge' ORDER BY seq DESC").get() as { detail: string } | undefined;
    const counts = JSON.parse(purge?.detail ?? '{}') as Record<string, number>;
    for (const { table } of timeBound) {
      const rule = (TABLES[table] as { retention: { rule: string } }).retention.rule;
      assert.ok((counts[rule] ?? 0) > 0, `the retention rule ${rule} purged ${table}: ${JSON.stringify(counts)}`);
    }
  });
});
