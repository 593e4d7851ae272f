import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { FacegateError, redactText } from '../core/index.ts';
import { ConfigSchema, type Config } from './schema/index.ts';
import { crossFieldProblems } from './rules.ts';

export const ENV_PREFIX = 'FACEGATE_';
/** Env names that are not overrides of a config key. */
const RESERVED_ENV = new Set(['FACEGATE_CONFIG']);

export interface ConfigSources {
  /** A YAML file; `--config` or FACEGATE_CONFIG. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: Config;
  /** Where each layer came from, for the start-up log. */
  layers: string[];
}

type Tree = Record<string, unknown>;

export class ConfigError extends FacegateError {
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super('config_invalid', `${where}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`, { exitCode: 78 });
    this.problems = problems;
  }
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars from the later layer replace. */
export function mergeLayers(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isTree(prev) && isTree(v) ? mergeLayers(prev, v) : v;
  }
  return out;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isTree(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

export function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new FacegateError('config_unreadable', `config file ${file}: ${why}`, { exitCode: 78 });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
    throw new FacegateError('config_yaml', `config file ${file}: not valid YAML: ${msg}`, { exitCode: 78 });
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) throw new FacegateError('config_yaml', `config file ${file}: the top level must be a mapping of sections`, { exitCode: 78 });
  return doc;
}

/**
 * FACEGATE_MQTT__URL=mqtt://hub → { mqtt: { url: 'mqtt://hub' } }; values are read as YAML.
 * A name of one part sets a whole section (FACEGATE_DOORS='[{id: front}]', the only way to give a
 * list) when it names one; other one-part names (FACEGATE_DIST, FACEGATE_LOG_FORMAT) are the
 * launcher's and not config.
 */
export function envLayer(env: NodeJS.ProcessEnv): Tree {
  const layer: Tree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || RESERVED_ENV.has(name) || raw === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    if (path.some((p) => p === '')) continue;
    if (path.length === 1 && !Object.hasOwn(ConfigSchema.properties, path[0] as string)) continue;
    let value: unknown;
    try {
      value = parseYaml(raw);
    } catch {
      value = raw;
    }
    setPath(layer, path, value ?? null);
  }
  return layer;
}

/** systemd credentials named like config keys (`mqtt.password`) fill those keys. */
export function credentialsLayer(dir: string | undefined): Tree {
  const layer: Tree = {};
  if (!dir) return layer;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return layer;
  }
  for (const name of names) {
    const path = name.split('.');
    if (path.length < 2 || !/^[a-z_]+$/.test(path[0] as string)) continue;
    const full = join(dir, name);
    if (!statSync(full).isFile()) continue;
    const section = path[0] as string;
    if (!(section in ConfigSchema.properties)) continue;
    setPath(layer, path, readFileSync(full, 'utf8').replace(/\r?\n$/, ''));
  }
  return layer;
}

// Keys whose values are secrets: an error names the key and the kind of value, never the value.
const SECRET_KEY = /(^|_)(password|secret|token)$/;

function describe(path: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  const key = path.split('.').pop() ?? '';
  if (SECRET_KEY.test(key))
    return typeof value === 'string' ? `a string of ${value.length} characters, not shown` : `a ${value === null ? 'null' : typeof value}, not shown`;
  const s = redactText(JSON.stringify(value));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** What a schema expects, in words a person editing YAML understands. */
function expected(schema: Tree): string | null {
  const anyOf = schema.anyOf as Tree[] | undefined;
  if (!anyOf) return null;
  return `expected one of ${anyOf.flatMap(branchWords).join(', ')}`;
}

function branchWords(branch: Tree): string[] {
  // A union inside a union (vision.variant: a variant name, or a mapping of model names to one).
  if (Array.isArray(branch.anyOf)) return (branch.anyOf as Tree[]).flatMap(branchWords);
  if ('const' in branch) return [JSON.stringify(branch.const)];
  if (branch.type === 'null') return ['null'];
  if (typeof branch.pattern === 'string') return [`a ${String(branch.type)} matching ${branch.pattern}`];
  if (branch.type === 'object' && isTree(branch.properties)) return [`a mapping of ${Object.keys(branch.properties).join(', ')}`];
  if (branch.type === 'object' && isTree(branch.patternProperties)) return ['a mapping of names to those'];
  return [`a ${String(branch.type)}`];
}

/**
 * Every problem as `path: message (got value)`, paths dotted like the YAML; once the schema holds,
 * the rules across fields (rules.ts). Secret values are never shown, nor those of unknown keys
 * (a misspelt secret's key is unknown).
 */
export function validateConfig(candidate: unknown): string[] {
  const byPath = new Map<string, string>();
  for (const e of Value.Errors(ConfigSchema, candidate)) {
    const path = e.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    if (byPath.has(path)) continue; // a union reports once per branch; the first line says it
    if (e.message === 'Unexpected property') byPath.set(path, `${path}: unknown key`);
    else byPath.set(path, `${path}: ${expected(e.schema as Tree) ?? e.message.toLowerCase()} (got ${describe(path, e.value)})`);
  }
  if (byPath.size > 0) return [...byPath.values()];
  return crossFieldProblems(candidate as Config);
}

export function embeddedDefaults(): Config {
  return Value.Default(ConfigSchema, {}) as Config;
}

/** Defaults, then the file, then FACEGATE_* env, then $CREDENTIALS_DIRECTORY; then validate. */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.FACEGATE_CONFIG;
  const layers = ['embedded defaults'];
  let tree: Tree = {};
  if (file) {
    tree = mergeLayers(tree, readConfigFile(file));
    layers.push(file);
  }
  const fromEnv = envLayer(env);
  if (Object.keys(fromEnv).length > 0) {
    tree = mergeLayers(tree, fromEnv);
    layers.push('environment');
  }
  const creds = credentialsLayer(env.CREDENTIALS_DIRECTORY);
  if (Object.keys(creds).length > 0) {
    tree = mergeLayers(tree, creds);
    layers.push('credentials');
  }
  const candidate = Value.Default(ConfigSchema, structuredClone(tree));
  const problems = validateConfig(candidate);
  if (problems.length > 0) throw new ConfigError(file ?? 'configuration', problems);
  return { config: candidate as Config, layers };
}
