import type { Migration } from './types.ts';

export const mqttMigrations: Migration[] = [
  {
    // Events waiting for the broker's acknowledgement, in the order they were raised.
    id: 'mqtt-001-outbox',
    up: `CREATE TABLE mqtt_outbox (
           seq INTEGER PRIMARY KEY AUTOINCREMENT,
           topic TEXT NOT NULL,
           payload TEXT NOT NULL,
           created_at TEXT NOT NULL
         ) STRICT;
         CREATE TABLE mqtt_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;`,
  },
  {
    // Discovery config topics published retained, so configs of entities that went away can be removed.
    id: 'mqtt-002-discovery',
    up: `CREATE TABLE mqtt_discovery (topic TEXT PRIMARY KEY, published_at TEXT NOT NULL) STRICT;`,
  },
  {
    // Nonces of accepted signed commands, kept past the replay window so a restart cannot replay them.
    id: 'mqtt-003-nonces',
    up: `CREATE TABLE mqtt_nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;`,
  },
];
