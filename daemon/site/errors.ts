import { FacegateError } from '../core/index.ts';

/** Something from the site (a record, a clock value, a join message) that is refused; the message says why in one line. */
export class SiteError extends FacegateError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { exitCode: 65, cause });
    this.name = 'SiteError';
  }
}
