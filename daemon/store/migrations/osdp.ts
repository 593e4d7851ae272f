import type { Migration } from './types.ts';

/**
 * The OSDP reader's data (daemon/osdp). `osdp_credentials`: each person's card credential for the
 * panel, sealed under the person's own key (erased with them). `osdp_keys`: the secure-channel
 * base key a panel set with osdp_KEYSET, sealed under a device key that survives key rotation.
 */
export const osdpMigrations: Migration[] = [
  {
    id: 'osdp-001-credentials-keys',
    up: `CREATE TABLE osdp_credentials (
           person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
           sealed BLOB NOT NULL,
           updated_at TEXT NOT NULL
         ) STRICT;
         CREATE TABLE osdp_keys (
           name TEXT PRIMARY KEY,
           sealed BLOB NOT NULL,
           set_at TEXT NOT NULL
         ) STRICT;`,
  },
];
