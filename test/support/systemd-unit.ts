import { readFileSync } from 'node:fs';

/** A unit file's [Service] section: every key with its values, in file order (keys may repeat). */
export function serviceSection(unitFile: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(unitFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

/** Rewrites absolute paths that start with a key of `map` (the installed layout) to the test's places. */
export function mapPath(value: string, map: Record<string, string>): string {
  for (const [from, to] of Object.entries(map)) {
    if (value === from || value.startsWith(`${from}/`)) return to + value.slice(from.length);
  }
  return value;
}

/** Words of a unit value; quoting and specifiers are not understood, so they are refused rather than misread. */
function words(value: string, what: string): string[] {
  if (/["'\\%$]/.test(value)) throw new Error(`${what}: quotes, escapes, specifiers and variables are not handled by this test helper: ${value}`);
  return value.split(/\s+/).filter((w) => w !== '');
}

/**
 * The one command line of `key` (ExecStart=, ExecStopPost=…), paths mapped. A prefix such as `-`
 * or `+` changes how systemd runs it, so it is refused: the test would not run what systemd runs.
 */
export function execCommand(service: Map<string, string[]>, key: string, map: Record<string, string>): string[] {
  const values = service.get(key) ?? [];
  if (values.length !== 1) throw new Error(`expected exactly one ${key}=, found ${values.length}`);
  const argv = words(values[0] as string, key);
  if (/^[-@:+!]/.test(argv[0] ?? '')) throw new Error(`${key}= has a prefix this helper does not model: ${values[0]}`);
  return argv.map((a) => mapPath(a, map));
}

/** The variables every Environment= line sets, values mapped like paths. */
export function unitEnvironment(service: Map<string, string[]>, map: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of service.get('Environment') ?? []) {
    for (const pair of words(value, 'Environment')) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = mapPath(pair.slice(eq + 1), map);
    }
  }
  return env;
}
