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
  readonly #max: number;
  readonly #insert: Statement;
  readonly #count: Statement;
  readonly #dropOldest: Statement;
  readonly #after: Statement;
  readonly #delete: Statement;
  readonly #bumpDropped: Statement;
  readonly #readDropped: Statement;
  readonly #enqueue: (topic: string, payload: string) => EnqueueResult;

  constructor(db: Database, max: number) {
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
    // Dropping and inserting in one transaction: a crash never leaves the outbox over its bound or short of the new message.
    this.#enqueue = db.transaction((topic: string, payload: string): EnqueueResult => {
      const over = this.size() + 1 - this.#max;
      let dropped = 0;
      if (over > 0) {
        dropped = this.#dropOldest.run(over).changes;
        this.#bumpDropped.run(dropped);
      }
      const seq = Number(this.#insert.run(topic, payload, new Date().toISOString()).lastInsertRowid);
      return { seq, dropped };
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
    this.#delete.run(seq);
  }

  size(): number {
    return (this.#count.get() as { n: number }).n;
  }

  /** Messages dropped because the outbox was full, over the database's whole life. */
  droppedTotal(): number {
    return (this.#readDropped.get() as { value: number } | undefined)?.value ?? 0;
  }
}
