import type { Database, Statement } from 'better-sqlite3';

export interface OutboxRow {
  seq: number;
  topic: string;
  payload: string;
}

export interface EnqueueResult {
  seq: number;
  /** How many of the oldest messages were dropped to make room (0 unless the outbox was full). */
  dropped: number;
}

const DROPPED = 'outbox_dropped';

/**
 * The persistent outbox: messages wait here, in order, until the broker acknowledges them.
 * Bounded: when full, the oldest message goes and a counter (kept in the database) says how many went.
 */
export class Outbox {
  readonly #db: Database;
  readonly #max: number;
  readonly #insert: Statement;
  readonly #count: Statement;
  readonly #dropOldest: Statement;
  readonly #after: Statement;
  readonly #delete: Statement;
  readonly #bumpDropped: Statement;
  readonly #readDropped: Statement;
  readonly #enqueue: (topic: string, payload: string) => EnqueueResult;
  readonly #deleteMany: (seqs: readonly number[]) => void;
  /** Rows in the table; counted once at start, then kept in step (one daemon per database: the instance lock). */
  #size: number;

  constructor(db: Database, max: number) {
    this.#db = db;
    this.#max = max;
    this.#insert = db.prepare('INSERT INTO mqtt_outbox (topic, payload, created_at) VALUES (?, ?, ?)');
    this.#count = db.prepare('SELECT count(*) AS n FROM mqtt_outbox');
    this.#dropOldest = db.prepare('DELETE FROM mqtt_outbox WHERE seq IN (SELECT seq FROM mqtt_outbox ORDER BY seq LIMIT ?)');
    this.#after = db.prepare('SELECT seq, topic, payload FROM mqtt_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#delete = db.prepare('DELETE FROM mqtt_outbox WHERE seq = ?');
    this.#bumpDropped = db.prepare(
      `INSERT INTO mqtt_counters (name, value) VALUES ('${DROPPED}', ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
    );
    this.#readDropped = db.prepare(`SELECT value FROM mqtt_counters WHERE name = '${DROPPED}'`);
    this.#size = (this.#count.get() as { n: number }).n;
    // Dropping and inserting in one transaction: a crash never leaves the outbox over its bound or short of the new message.
    this.#enqueue = db.transaction((topic: string, payload: string): EnqueueResult => {
      const over = this.#size + 1 - this.#max;
      let dropped = 0;
      if (over > 0) {
        dropped = this.#dropOldest.run(over).changes;
        this.#bumpDropped.run(dropped);
      }
      const seq = Number(this.#insert.run(topic, payload, new Date().toISOString()).lastInsertRowid);
      this.#size += 1 - dropped;
      return { seq, dropped };
    });
    this.#deleteMany = db.transaction((seqs: readonly number[]) => {
      for (const seq of seqs) this.#size -= this.#delete.run(seq).changes;
    });
  }

  get max(): number {
    return this.#max;
  }

  enqueue(topic: string, payload: string): EnqueueResult {
    return this.#enqueue(topic, payload);
  }

  /** The next messages after `seq`, oldest first. */
  after(seq: number, limit: number): OutboxRow[] {
    return this.#after.all(seq, limit) as OutboxRow[];
  }

  /** The broker acknowledged it: it leaves the outbox. */
  delivered(seq: number): void {
    this.#size -= this.#delete.run(seq).changes;
  }

  /** Several acknowledgements at once, in one transaction (one WAL commit instead of one per event). */
  deliveredMany(seqs: readonly number[]): void {
    if (seqs.length > 0) this.#deleteMany(seqs);
  }

  size(): number {
    return this.#size;
  }

  /**
   * Erasure: deletes the waiting events of one subject (a person's pseudonym); returns how many.
   * A message mqtt.js already holds for sending is not reached; it leaves once acknowledged.
   */
  deleteSubject(subject: string): number {
    // Only event payloads carry a subject; anything that is not JSON has none.
    const n = this.#db
      .prepare("DELETE FROM mqtt_outbox WHERE CASE WHEN json_valid(payload) THEN json_extract(payload, '$.subject') END = ?")
      .run(subject).changes;
    this.#size -= n;
    return n;
  }

  /** Retention: deletes messages queued before the cutoff (ISO time); an event past its period is not sent later either. */
  purgeBefore(cutoffIso: string): number {
    const n = this.#db.prepare('DELETE FROM mqtt_outbox WHERE created_at < ?').run(cutoffIso).changes;
    this.#size -= n;
    return n;
  }

  /** Messages dropped because the outbox was full, over the database's whole life. */
  droppedTotal(): number {
    return (this.#readDropped.get() as { value: number } | undefined)?.value ?? 0;
  }
}
