import type { Database, Statement } from 'better-sqlite3';

/** Which discovery config topics this facegate has published retained, so the stale ones can be cleared. */
export class DiscoveryRegistry {
  readonly #list: Statement;
  readonly #record: Statement;
  readonly #forget: Statement;

  constructor(db: Database) {
    this.#list = db.prepare('SELECT topic FROM mqtt_discovery ORDER BY topic');
    this.#record = db.prepare(
      'INSERT INTO mqtt_discovery (topic, published_at) VALUES (?, ?) ON CONFLICT (topic) DO UPDATE SET published_at = excluded.published_at',
    );
    this.#forget = db.prepare('DELETE FROM mqtt_discovery WHERE topic = ?');
  }

  topics(): string[] {
    return (this.#list.all() as { topic: string }[]).map((r) => r.topic);
  }

  record(topic: string): void {
    this.#record.run(topic, new Date().toISOString());
  }

  forget(topic: string): void {
    this.#forget.run(topic);
  }
}
