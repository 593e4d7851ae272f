import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { FacegateError, systemClock, type Clock } from '../core/index.ts';

export interface AuditEntry {
  /** Who: `admin:<user>`, `token:<name>`, `cli`, `daemon`, `door:<id>`… never a person's name. */
  actor: string;
  /** What: `person.enroll`, `person.erase`, `door.unlock`, `privacy.export`, `keys.rotate`… */
  action: string;
  /** On what: a person id, a door id, a setting; null when nothing in particular. */
  target?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

interface StoredRow extends Omit<AuditRow, 'detail'> {
  detail: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of one row: over its predecessor's hash and every field, in a fixed order. */
export function auditHash(prev: string, row: { seq: number; ts: string; actor: string; action: string; target: string | null; detail: string | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, row.seq, row.ts, row.actor, row.action, row.target, row.detail]))
    .digest('hex');
}

const TEXT_LIMIT = 200;

function checkText(field: string, value: unknown, nullable: boolean): void {
  if (value === null || value === undefined) {
    if (nullable) return;
    throw new FacegateError('audit_input', `audit ${field} is required`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > TEXT_LIMIT) {
    throw new FacegateError('audit_input', `audit ${field} must be a non-empty string of at most ${TEXT_LIMIT} characters`);
  }
}

/**
 * The append-only, hash-chained audit log: every admin action, door actuation, export and
 * erasure. Each row carries the hash of the row before it, and the newest hash is also kept in
 * `meta`, so verify() finds an edited, deleted, inserted, reordered or cut-off row.
 */
export class AuditLog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #last: Statement;
  readonly #insert: Statement;
  readonly #head: Statement;

  constructor(db: Database, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
    this.#last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.#insert = db.prepare(
      'INSERT INTO audit_log (seq, ts, actor, action, target, detail, prev_hash, hash) VALUES (@seq, @ts, @actor, @action, @target, @detail, @prev_hash, @hash)',
    );
    this.#head = db.prepare("INSERT INTO meta (key, value) VALUES ('audit_head', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  }

  append(entry: AuditEntry): AuditRow {
    checkText('actor', entry.actor, false);
    checkText('action', entry.action, false);
    checkText('target', entry.target, true);
    if (entry.detail !== undefined && entry.detail !== null && (typeof entry.detail !== 'object' || Array.isArray(entry.detail))) {
      throw new FacegateError('audit_input', 'audit detail must be an object');
    }
    const detail = entry.detail === undefined || entry.detail === null ? null : JSON.stringify(entry.detail);
    if (detail !== null && detail.length > 4000) throw new FacegateError('audit_input', 'audit detail is larger than 4000 characters');
    return this.#db
      .transaction(() => {
        const last = this.#last.get() as { seq: number; hash: string } | undefined;
        const base = {
          seq: (last?.seq ?? 0) + 1,
          ts: new Date(this.#clock.now()).toISOString(),
          actor: entry.actor,
          action: entry.action,
          target: entry.target ?? null,
          detail,
        };
        const prev = last?.hash ?? GENESIS_HASH;
        const hash = auditHash(prev, base);
        this.#insert.run({ ...base, prev_hash: prev, hash });
        this.#head.run(`${base.seq}:${hash}`);
        return { ...base, detail: entry.detail ?? null, prev_hash: prev, hash };
      })
      .immediate();
  }

  /** Newest first; `before` pages back from a sequence number. */
  list(q: { limit?: number; before?: number; target?: string; action?: string } = {}): AuditRow[] {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 1000);
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.before !== undefined) {
      where.push('seq < ?');
      args.push(q.before);
    }
    if (q.target !== undefined) {
      where.push('target = ?');
      args.push(q.target);
    }
    if (q.action !== undefined) {
      where.push('action = ?');
      args.push(q.action);
    }
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`)
      .all(...args, limit) as StoredRow[];
    return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
  }

  /** Walks the whole chain; every problem is one line naming the row. */
  verify(): { ok: boolean; rows: number; problems: string[] } {
    const problems: string[] = [];
    let prev = GENESIS_HASH;
    let expectSeq = 1;
    let rows = 0;
    let lastSeq = 0;
    for (const row of this.#db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<StoredRow>) {
      rows += 1;
      if (row.seq !== expectSeq) {
        problems.push(
          row.seq > expectSeq
            ? `row ${row.seq}: rows ${expectSeq}..${row.seq - 1} are missing (deleted)`
            : `row ${row.seq}: out of order (expected row ${expectSeq})`,
        );
      }
      if (row.prev_hash !== prev) problems.push(`row ${row.seq}: does not follow the row before it (deleted, inserted or reordered rows)`);
      if (auditHash(row.prev_hash, row) !== row.hash) problems.push(`row ${row.seq}: content changed after it was written`);
      prev = row.hash;
      expectSeq = row.seq + 1;
      lastSeq = row.seq;
    }
    const head = (this.#db.prepare("SELECT value FROM meta WHERE key = 'audit_head'").get() as { value: string } | undefined)?.value;
    if (head === undefined) {
      if (rows > 0) problems.push('the chain head record is missing from meta');
    } else if (head !== `${lastSeq}:${prev}`) {
      const headSeq = Number(head.split(':')[0]);
      problems.push(headSeq > lastSeq ? `the newest rows ${lastSeq + 1}..${headSeq} are missing (deleted)` : 'the chain head does not match the last row');
    }
    return { ok: problems.length === 0, rows, problems };
  }
}
