import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryTuning } from '../../../daemon/health/index.ts';

test("tuned when MALLOC_ARENA_MAX and the semi-space flag are both at or below facegate's settings", () => {
  assert.deepEqual(memoryTuning({ MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=2']), { mallocArenaMax: '2', semiSpaceMb: 2, tuned: true });
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '1' }, ['--max-semi-space-size', '1']).tuned, true);
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-old-space-size=300 --max_semi_space_size=2' }, []).tuned, true);
});

test('not tuned when either is missing, larger, or not a number', () => {
  assert.deepEqual(memoryTuning({}, []), { mallocArenaMax: null, semiSpaceMb: null, tuned: false });
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '2' }, []).tuned, false);
  assert.equal(memoryTuning({}, ['--max-semi-space-size=2']).tuned, false);
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '8' }, ['--max-semi-space-size=2']).tuned, false);
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=16']).tuned, false);
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: 'two' }, ['--max-semi-space-size=2']).tuned, false);
  assert.equal(memoryTuning({ MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=']).semiSpaceMb, null);
});

test('the command line wins over NODE_OPTIONS, as in node', () => {
  const t = memoryTuning({ MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=2' }, ['--max-semi-space-size=16']);
  assert.equal(t.semiSpaceMb, 16);
  assert.equal(t.tuned, false);
});
