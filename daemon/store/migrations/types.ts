import type { Database } from 'better-sqlite3';

/** One schema step. `id` is unique and never reused; steps run once, in list order, each in a transaction. */
export interface Migration {
  id: string;
  up: string | ((db: Database) => void);
}
