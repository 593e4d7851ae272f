/**
 * An error meant for a person: its message is one clear line, printed as-is by the CLI
 * (no stack), with the exit code the command should end with.
 */
export class FacegateError extends Error {
  readonly exitCode: number;
  readonly code: string;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FacegateError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}
