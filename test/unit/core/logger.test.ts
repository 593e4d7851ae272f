import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FacegateError, logFormat } from '../../../daemon/core/index.ts';

test('logs are pretty on a terminal and JSON lines elsewhere', () => {
  assert.equal(logFormat({}, true), 'pretty');
  assert.equal(logFormat({}, false), 'json');
  assert.equal(logFormat({ FACEGATE_LOG_FORMAT: '' }, false), 'json');
});

test('FACEGATE_LOG_FORMAT wins over the terminal test, both ways', () => {
  assert.equal(logFormat({ FACEGATE_LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(logFormat({ FACEGATE_LOG_FORMAT: 'pretty' }, false), 'pretty');
});

test('an unknown FACEGATE_LOG_FORMAT is a usage error, not a silent default', () => {
  assert.throws(
    () => logFormat({ FACEGATE_LOG_FORMAT: 'Pretty' }, true),
    (err: unknown) => err instanceof FacegateError && err.exitCode === 64,
  );
});
