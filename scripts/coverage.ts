// Line and branch coverage of daemon/**, measured around a test command, with a floor.
//
//   node --import tsx scripts/coverage.ts --lines 80 --branches 70 -- node --import tsx --test …
//   node --import tsx scripts/coverage.ts --from <dir>   (a NODE_V8_COVERAGE directory kept from a run)
//
// Why not `--experimental-test-coverage` or c8: tsx hands V8 one long line per module and puts
// esbuild's `static { __name(this, …) }` blocks after each class. Both tools map V8's ranges back
// to TypeScript, and such a block's range maps back to "line 1 to the class", so methods never
// called count as covered. Here it goes the other way: every TypeScript position in the source map
// is looked up in V8's counts, so a line counts only when code mapped from it ran.
//
// Counts come from NODE_V8_COVERAGE, which every process the tests start inherits (test files,
// daemons, CLIs; worker threads write their own files). A line is covered when it ran in any of
// them. A branch is one of V8's block ranges (if/else arms, ?:, ||, catch, code after a return)
// in a function that ran; functions never called add uncovered lines, not branches.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
  isBlockCoverage: boolean;
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}
interface SourceMapEntry {
  lineLengths: number[] | null;
  data: { mappings: string; sources: string[] } | null;
}
interface V8File {
  result: ScriptCoverage[];
  'source-map-cache'?: Record<string, SourceMapEntry>;
}

/** One mapping: a generated offset and the TypeScript line (0-based) it came from. */
interface Segment {
  offset: number;
  line: number;
}

export interface FileCoverage {
  file: string;
  lines: number;
  linesCovered: number;
  branches: number;
  branchesCovered: number;
  uncoveredLines: number[];
}

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Decodes a source map's mappings into generated offsets (from line lengths) and source lines. */
export function decodeMappings(mappings: string, lineLengths: number[]): Segment[] {
  const out: Segment[] = [];
  let genLine = 0;
  let lineStart = 0;
  let src = 0;
  let srcLine = 0;
  for (const lineText of mappings.split(';')) {
    let genCol = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.get(ch);
        if (digit === undefined) throw new Error(`bad source map character ${ch}`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0] ?? 0;
      if (fields.length < 4) continue; // a generated position with no source: tsx's helpers
      src += fields[1] ?? 0;
      srcLine += fields[2] ?? 0; // the source column (fields[3]) is not needed for lines
      if (src === 0) out.push({ offset: lineStart + genCol, line: srcLine });
    }
    lineStart += (lineLengths[genLine] ?? 0) + 1;
    genLine++;
  }
  return out;
}

/** Where code ran: the innermost V8 range at each generated offset has a count above 0 (ranges nest; inner ones win). */
export function ranAt(functions: FunctionCoverage[], length: number): Uint8Array {
  const ran = new Uint8Array(length + 1);
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  for (const r of ranges) ran.fill(r.count > 0 ? 1 : 0, Math.max(0, r.startOffset), Math.min(length + 1, r.endOffset));
  return ran;
}

interface Accumulated {
  segments: Segment[];
  length: number;
  ran: Uint8Array;
  blocks: Map<string, number>;
}

/** Merges the V8 coverage files in `dir` for the TypeScript files under `root/daemon`. */
export function collect(dir: string, root: string): FileCoverage[] {
  const prefix = pathToFileURL(join(root, 'daemon')).href + '/';
  const files = new Map<string, Accumulated>();
  // One file at a time: a run leaves hundreds, some of them megabytes (TensorFlow.js).
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    let v8: V8File;
    try {
      v8 = JSON.parse(readFileSync(join(dir, name), 'utf8')) as V8File;
    } catch {
      continue; // a process killed mid-write leaves a partial file: its counts are lost, not wrong
    }
    for (const script of v8.result) {
      if (!script.url.startsWith(prefix) || !script.url.endsWith('.ts')) continue;
      const map = v8['source-map-cache']?.[script.url];
      if (!map?.data || !map.lineLengths) continue;
      const length = map.lineLengths.reduce((a, b) => a + b + 1, 0);
      let acc = files.get(script.url);
      if (!acc) {
        acc = { segments: decodeMappings(map.data.mappings, map.lineLengths), length, ran: new Uint8Array(length + 1), blocks: new Map() };
        files.set(script.url, acc);
      }
      if (acc.length !== length) continue; // the file changed during the run: offsets would not match
      // Or-ing where code ran is enough: a block a process did not report ran as its parent did.
      const ran = ranAt(script.functions, length);
      for (let i = 0; i < ran.length; i++) if (ran[i]) acc.ran[i] = 1;
      for (const f of script.functions) {
        if (!f.isBlockCoverage) continue;
        for (const r of f.ranges.slice(1)) acc.blocks.set(`${r.startOffset}:${r.endOffset}`, r.startOffset);
      }
    }
  }
  const out: FileCoverage[] = [];
  for (const [url, acc] of files) {
    const code = new Set(acc.segments.map((s) => s.line));
    const covered = new Set(acc.segments.filter((s) => acc.ran[s.offset] === 1).map((s) => s.line));
    const uncoveredLines = [...code]
      .filter((l) => !covered.has(l))
      .map((l) => l + 1)
      .sort((a, b) => a - b);
    out.push({
      file: relative(root, fileURLToPath(url)),
      lines: code.size,
      linesCovered: code.size - uncoveredLines.length,
      branches: acc.blocks.size,
      branchesCovered: [...acc.blocks.values()].filter((start) => acc.ran[start] === 1).length,
      uncoveredLines,
    });
  }
  return out;
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return listTs(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A daemon file no process loaded: every line TypeScript emits code for counts as uncovered. */
export function unloaded(path: string, root: string): FileCoverage {
  const out = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    compilerOptions: { sourceMap: true, removeComments: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
  });
  const map = JSON.parse(out.sourceMapText ?? '{"mappings":""}') as { mappings: string };
  const js = out.outputText.split('\n').map((l) => l.length);
  const lines = [...new Set(decodeMappings(map.mappings, js).map((s) => s.line + 1))].sort((a, b) => a - b);
  return { file: relative(root, path), lines: lines.length, linesCovered: 0, branches: 0, branchesCovered: 0, uncoveredLines: lines };
}

/** "3-7 12 40-41": uncovered lines as runs. */
export function runs(lines: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i] as number;
    while (i + 1 < lines.length && lines[i + 1] === (lines[i] as number) + 1) i++;
    parts.push(start === lines[i] ? `${start}` : `${start}-${lines[i]}`);
  }
  return parts.join(' ');
}

const pct = (n: number, d: number): number => (d === 0 ? 100 : (100 * n) / d);

export function summarize(files: FileCoverage[]): { lines: number; branches: number; linesOf: [number, number]; branchesOf: [number, number] } {
  const sum = (k: keyof Pick<FileCoverage, 'lines' | 'linesCovered' | 'branches' | 'branchesCovered'>): number => files.reduce((a, f) => a + f[k], 0);
  return {
    lines: pct(sum('linesCovered'), sum('lines')),
    branches: pct(sum('branchesCovered'), sum('branches')),
    linesOf: [sum('linesCovered'), sum('lines')],
    branchesOf: [sum('branchesCovered'), sum('branches')],
  };
}

function table(files: FileCoverage[]): string {
  const width = Math.max(...files.map((f) => f.file.length), 9);
  const row = (name: string, l: string, b: string, rest: string): string => `${name.padEnd(width)} | ${l.padStart(6)} | ${b.padStart(6)} | ${rest}`;
  const lines = [row('file', 'line %', 'br %', 'uncovered lines')];
  for (const f of [...files].sort((a, b) => a.file.localeCompare(b.file))) {
    const u = runs(f.uncoveredLines);
    lines.push(row(f.file, pct(f.linesCovered, f.lines).toFixed(1), pct(f.branchesCovered, f.branches).toFixed(1), u.length > 70 ? `${u.slice(0, 67)}…` : u));
  }
  return lines.join('\n');
}

interface Args {
  lines: number;
  branches: number;
  from: string | null;
  command: string[];
}

const USAGE = 'usage: coverage.ts [--lines N] [--branches N] -- <test command…> | coverage.ts [--lines N] [--branches N] --from <NODE_V8_COVERAGE dir>';

function parseArgs(argv: string[]): Args {
  const dash = argv.indexOf('--');
  const opts = dash < 0 ? argv : argv.slice(0, dash);
  const args: Args = { lines: 0, branches: 0, from: null, command: dash < 0 ? [] : argv.slice(dash + 1) };
  for (let i = 0; i < opts.length; i += 2) {
    const [key, value] = [opts[i], opts[i + 1]];
    if (key === '--from' && value) args.from = value;
    else if ((key === '--lines' || key === '--branches') && Number.isFinite(Number(value))) args[key === '--lines' ? 'lines' : 'branches'] = Number(value);
    else
      throw new Error(`${USAGE}
(not understood: ${key ?? ''} ${value ?? ''})`);
  }
  if ((args.from === null) === (args.command.length === 0)) throw new Error(USAGE);
  return args;
}

function runTests(command: string[], dir: string): Promise<number> {
  const [cmd, ...rest] = command as [string, ...string[]];
  return new Promise<number>((done) => {
    const child = spawn(cmd, rest, { stdio: 'inherit', env: { ...process.env, NODE_V8_COVERAGE: dir } });
    child.on('exit', (c, signal) => done(c ?? (signal ? 128 : 1)));
    child.on('error', (err) => {
      console.error(err.message);
      done(127);
    });
  });
}

/** Prints the table and the totals; returns whether both are at or above the floor. */
function report(dir: string, root: string, args: Args): boolean {
  const measured = collect(dir, root);
  const seen = new Set(measured.map((f) => f.file));
  const never = listTs(join(root, 'daemon'))
    .filter((p) => !seen.has(relative(root, p)))
    .map((p) => unloaded(p, root));
  const files = [...measured, ...never].filter((f) => f.lines > 0);
  const s = summarize(files);
  console.log(`\ncoverage of daemon/** (${files.length} files, ${never.filter((f) => f.lines > 0).length} never loaded)\n${table(files)}`);
  console.log(
    `\nlines ${s.lines.toFixed(2)} % (${s.linesOf[0]}/${s.linesOf[1]}), branches ${s.branches.toFixed(2)} % (${s.branchesOf[0]}/${s.branchesOf[1]}); floor: lines ${args.lines} %, branches ${args.branches} %`,
  );
  const low = [
    s.lines < args.lines ? `lines ${s.lines.toFixed(2)} % < ${args.lines} %` : '',
    s.branches < args.branches ? `branches ${s.branches.toFixed(2)} % < ${args.branches} %` : '',
  ].filter(Boolean);
  if (low.length > 0) console.error(`coverage below the floor: ${low.join(', ')}`);
  return low.length === 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  if (args.from) return report(args.from, root, args) ? 0 : 1;
  const dir = mkdtempSync(join(tmpdir(), 'facegate-coverage-'));
  // Like /tmp: tests that run the daemon as nobody must still write their counts here.
  chmodSync(dir, 0o1777);
  try {
    const code = await runTests(args.command, dir);
    const enough = report(dir, root, args);
    // A failing test is the news: its exit code wins, and the figure above is of a partial run.
    if (code !== 0) {
      console.error(`tests failed (exit ${code}): the coverage above is of an incomplete run`);
      return code;
    }
    return enough ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
