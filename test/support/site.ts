import assert from 'node:assert/strict';
import { SiteError } from '../../daemon/site/index.ts';

/** Asserts that `fn` throws a SiteError with this code and a message matching `pattern`. */
export function refusedBySite(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SiteError, `expected SiteError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}
