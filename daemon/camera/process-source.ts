import { spawn, type ChildProcess } from 'node:child_process';
import { redactText } from '../core/index.ts';
import type { FrameSource, SourceExit, SourceHandlers, SourceKind } from './source.ts';

export interface CommandLine {
  command: string;
  args: string[];
}

/** How long a child gets to exit after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 2000;
/** How much of the child's stderr is kept to explain an exit. */
const STDERR_TAIL = 2000;

/**
 * A source that is a child process writing MJPEG to stdout. The command line is resolved at each
 * start (so a fallback binary or a changed PATH is picked up on restart) and spawned without a shell.
 */
export class ProcessSource implements FrameSource {
  readonly kind: SourceKind;
  readonly id: string;
  readonly #resolve: () => CommandLine;
  /** Whether exit code 0 means "finished on purpose" (a replay that does not loop). */
  readonly #cleanExitEnds: boolean;
  #child: ChildProcess | null = null;
  #killReason: string | null = null;
  #stopping = false;

  constructor(opts: { kind: SourceKind; id: string; resolve: () => CommandLine; cleanExitEnds?: boolean }) {
    this.kind = opts.kind;
    this.id = opts.id;
    this.#resolve = opts.resolve;
    this.#cleanExitEnds = opts.cleanExitEnds ?? false;
  }

  /** The pid of the running child, if any (tests and logs). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(handlers: SourceHandlers): void {
    if (this.#child) throw new Error(`source ${this.id} is already running`);
    this.#stopping = false;
    this.#killReason = null;
    let line: CommandLine;
    try {
      line = this.#resolve();
    } catch (err) {
      queueMicrotask(() => handlers.exit({ reason: (err as Error).message, ended: false }));
      return;
    }
    const child = spawn(line.command, line.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    this.#child = child;
    let tail = '';
    let done = false;
    const finish = (info: SourceExit): void => {
      if (done) return;
      done = true;
      if (this.#child === child) this.#child = null;
      if (!this.#stopping) handlers.exit(info);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!this.#stopping) handlers.data(chunk);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      tail = (tail + text).slice(-STDERR_TAIL);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `${line.command} not found` : err.code === 'EACCES' ? `${line.command}: permission denied` : err.message;
      finish({ reason: why, ended: false });
    });
    child.on('close', (code, signal) => {
      const last = redactText(tail.trim().split('\n').slice(-1)[0] ?? '').slice(0, 300);
      const how = this.#killReason ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
      const ended = this.#cleanExitEnds && code === 0 && this.#killReason === null;
      finish({ reason: ended ? 'finished' : last && this.#killReason === null ? `${how}: ${last}` : how, ended });
    });
  }

  kill(reason: string): void {
    if (!this.#child) return;
    this.#killReason = reason;
    this.#child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    this.#child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), TERM_GRACE_MS);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
