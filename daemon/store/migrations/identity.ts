import type { Migration } from './types.ts';

/**
 * Persons and their face templates. Everything personal is sealed under the person's own key
 * (privacy's PersonKeys): `profile` holds the display name, validity window, schedule and
 * threshold; `sealed` holds the float32 embedding. No name and no raw vector is in the file.
 * `model` names the embedder a template came from: templates of another model are not comparable.
 */
export const identityMigrations: Migration[] = [
  {
    id: 'identity-001-persons-templates',
    up: `CREATE TABLE persons (
           id TEXT PRIMARY KEY,
           profile BLOB NOT NULL,
           created_at TEXT NOT NULL,
           updated_at TEXT NOT NULL
         ) STRICT;
         CREATE TABLE templates (
           id TEXT PRIMARY KEY,
           person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
           model TEXT NOT NULL,
           dim INTEGER NOT NULL,
           sealed BLOB NOT NULL,
           created_at TEXT NOT NULL
         ) STRICT;
         CREATE INDEX templates_person ON templates (person_id);`,
  },
  {
    // A person added before their first accepted photo: the profile sealed under their own key
    // (kept when they become a person), so a restart keeps them and the file holds no name.
    id: 'identity-002-person-drafts',
    up: `CREATE TABLE person_drafts (
           id TEXT PRIMARY KEY,
           profile BLOB NOT NULL,
           created_at TEXT NOT NULL,
           updated_at TEXT NOT NULL
         ) STRICT;
         CREATE INDEX person_drafts_created_at ON person_drafts (created_at);`,
  },
];
