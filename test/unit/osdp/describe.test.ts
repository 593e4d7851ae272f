import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBuzzer, describeLed, describeOutput } from '../../../daemon/osdp/describe.ts';
import { decodeBuzzer, decodeLed } from '../../../daemon/osdp/commands.ts';

void test('LED, buzzer and output commands in a few words', () => {
  // temporary red 300/200 ms for 1 s, then permanent green
  const [led] = decodeLed(Uint8Array.of(0, 0, 2, 3, 2, 1, 0, 10, 0, 1, 1, 0, 2, 0))!;
  assert.equal(describeLed(led!), 'led 0: red 300/200 ms for 1000 ms, then green');
  const [steady] = decodeLed(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 4, 0))!;
  assert.equal(describeLed(steady!), 'led 0: then blue');
  const [none] = decodeLed(new Uint8Array(14))!;
  assert.equal(describeLed(none!), 'led 0: no change');
  assert.equal(describeBuzzer(decodeBuzzer(Uint8Array.of(0, 2, 1, 1, 2))![0]!), 'tone 2: 100/100 ms, 2 times');
  assert.equal(describeBuzzer(decodeBuzzer(Uint8Array.of(0, 1, 0, 0, 0))![0]!), 'off');
  assert.equal(describeBuzzer(decodeBuzzer(Uint8Array.of(0, 2, 5, 5, 0))![0]!), 'tone 2: 500/500 ms, until told otherwise');
  assert.equal(describeOutput(0, true), 'output 0 on');
});
