// npm run bench -- [--json] [--only name,name] [--load N]
// Runs every bench part in one process and prints a table, or one JSON object on stdout.
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchPart } from './bench/types.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, only: { type: 'string' }, load: { type: 'string' } } });
const adminLoad = values.load === undefined ? null : Number(values.load);
if (adminLoad !== null && !(Number.isInteger(adminLoad) && adminLoad >= 1 && adminLoad <= 1000)) {
  process.stderr.write('usage: npm run bench -- [--json] [--only name,name] [--load 1..1000]\n');
  process.exit(2);
}
const options: BenchOptions = { adminLoad };
const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'types.ts')
  .sort();
const only = values.only ? new Set(values.only.split(',')) : null;
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

const results: Record<string, number> = {};
for (const file of files) {
  const mod = (await import(new URL(`./bench/${file}`, import.meta.url).href)) as { default: BenchPart };
  const part = mod.default;
  if (only && !only.has(part.name)) continue;
  log(`bench: ${part.name} ...`);
  Object.assign(results, await part.run(log, options));
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  const width = Math.max(...Object.keys(results).map((k) => k.length), 10);
  for (const [k, v] of Object.entries(results)) {
    console.log(`${k.padEnd(width)}  ${Number.isInteger(v) ? v : v.toFixed(3)}`);
  }
}
process.exit(0);
