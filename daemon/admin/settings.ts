import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { ConfigSchema, validateConfig, type Config, type Database } from './deps.ts';

/**
 * The keys an operator may change from the panel while the daemon runs. Everything else (ports,
 * paths, drivers, secrets) belongs in the config file. Keys a section does not have are skipped.
 */
export const RUNTIME_KEYS = [
  'daemon.log_level',
  'access.security_level',
  'access.lockout_attempts',
  'access.lockout_window_s',
  'access.lockout_cooldown_s',
  // The PAD self-test's recommendation; the vision worker takes it when it next starts.
  'pad.security_level',
  'privacy.event_retention_days',
  'admin.session_lifetime_h',
] as const;

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of a schema without `default`s: a PATCH must not fill the keys it leaves out. */
function withoutDefaults(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDefaults);
  if (!isTree(schema)) return schema;
  const out: Tree = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'default') out[k] = withoutDefaults(v);
  // TypeBox's [Kind] symbol is not an own enumerable string key; JSON schema consumers do not need it.
  return out;
}

function sectionSchema(section: string): TObject | null {
  const s = (ConfigSchema.properties as Record<string, TSchema>)[section];
  return s && (s as { type?: string }).type === 'object' ? (s as TObject) : null;
}

export function availableRuntimeKeys(): string[] {
  return RUNTIME_KEYS.filter((path) => {
    const [section, key] = path.split('.') as [string, string];
    return sectionSchema(section)?.properties[key] !== undefined;
  });
}

/** The PATCH body: each runtime-changeable key optional, typed as in the config schema. */
export function settingsPatchSchema(): TObject {
  const sections: Record<string, TSchema> = {};
  const bySection = new Map<string, Record<string, TSchema>>();
  for (const path of availableRuntimeKeys()) {
    const [section, key] = path.split('.') as [string, string];
    const props = bySection.get(section) ?? {};
    props[key] = Type.Optional(withoutDefaults(sectionSchema(section)?.properties[key]) as TSchema);
    bySection.set(section, props);
  }
  for (const [section, props] of bySection) sections[section] = Type.Optional(Type.Object(props, { additionalProperties: false, minProperties: 1 }));
  return Type.Object(sections, { additionalProperties: false, minProperties: 1 });
}

const SECRET_KEY = /(^|_)(password|secret|token|passphrase)$/;

/** The config with every secret value replaced; null stays null so the panel can tell "not set". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isTree(value)) return value;
  const out: Tree = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? '[redacted]' : redact(v);
  return out;
}

function flatten(patch: Tree, prefix = ''): [string, unknown][] {
  return Object.entries(patch).flatMap(([k, v]) => (isTree(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isTree(node[p])) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** `{ a: { b: value } }` for `a.b`: one key as a PATCH body. */
export function nested(path: string, value: unknown): Tree {
  const tree: Tree = {};
  setPath(tree, path, value);
  return tree;
}

/** Applies the overrides saved from the panel on top of the loaded config (main.ts calls this at start). */
export function applyStoredSettings(db: Database, config: Config): { config: Config; applied: string[] } {
  const rows = db.prepare('SELECT key, value FROM admin_settings').all() as { key: string; value: string }[];
  const allowed = new Set(availableRuntimeKeys());
  const next = structuredClone(config) as unknown as Tree;
  const applied: string[] = [];
  for (const r of rows) {
    if (!allowed.has(r.key)) continue;
    const candidate = structuredClone(next);
    setPath(candidate, r.key, JSON.parse(r.value) as unknown);
    // An override a newer schema no longer accepts is skipped rather than stopping the daemon.
    if (validateConfig(candidate).length === 0) {
      setPath(next, r.key, JSON.parse(r.value) as unknown);
      applied.push(r.key);
    }
  }
  return { config: next as unknown as Config, applied };
}

export type SettingsListener = (config: Config, changed: string[]) => void;

/** The effective configuration as the admin room sees and changes it. */
export class RuntimeSettings {
  #config: Config;
  readonly #db: Database;
  readonly #listeners = new Map<string, Set<SettingsListener>>();

  constructor(db: Database, config: Config) {
    this.#db = db;
    this.#config = config;
  }

  get config(): Config {
    return this.#config;
  }

  /** A room that applies `path` live subscribes here; keys nobody applies live take effect at the next start. */
  subscribe(path: string, fn: SettingsListener): () => void {
    const set = this.#listeners.get(path) ?? new Set();
    set.add(fn);
    this.#listeners.set(path, set);
    return () => set.delete(fn);
  }

  overrides(): Record<string, unknown> {
    const rows = this.#db.prepare('SELECT key, value FROM admin_settings ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /** Validates the whole resulting config first: a bad patch changes nothing. Returns problems or the outcome. */
  update(patch: Tree, actor: string, now: string): { problems: string[] } | { changed: string[]; live: string[]; nextStart: string[] } {
    const entries = flatten(patch);
    const next = structuredClone(this.#config) as unknown as Tree;
    for (const [path, value] of entries) setPath(next, path, value);
    const problems = validateConfig(next);
    if (problems.length > 0) return { problems };
    const upsert = this.#db.prepare(
      'INSERT INTO admin_settings (key, value, changed_by, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, changed_at = excluded.changed_at',
    );
    this.#db.transaction(() => {
      for (const [path, value] of entries) upsert.run(path, JSON.stringify(value), actor, now);
    })();
    this.#config = next as unknown as Config;
    const changed = entries.map(([p]) => p);
    const live: string[] = [];
    const nextStart: string[] = [];
    for (const path of changed) {
      const set = this.#listeners.get(path);
      if (set && set.size > 0) {
        live.push(path);
        for (const fn of set) fn(this.#config, changed);
      } else nextStart.push(path);
    }
    return { changed, live, nextStart };
  }
}
