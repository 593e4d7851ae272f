import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { FacegateError, rpcClient, serveRpc, type RpcErrorData } from '../../../daemon/core/index.ts';

class KindError extends Error {
  readonly kind: string;
  constructor(kind: string, message: string) {
    super(message);
    this.kind = kind;
  }
}

function pair(handle: (method: string, args: unknown[]) => unknown, rebuild: (e: RpcErrorData) => Error = (e) => new Error(`${e.name}: ${e.message}`)) {
  const { port1, port2 } = new MessageChannel();
  const stop = serveRpc(port2, handle);
  const client = rpcClient(port1, rebuild);
  return {
    client,
    stop,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

test('a call crosses a real MessagePort and answers with its value: bytes and dates survive, calls overlap', async () => {
  const p = pair(async (method, args) => {
    if (method === 'slow') await new Promise((r) => setTimeout(r, 30));
    if (method === 'echo' || method === 'slow') return { args, bytes: new Uint8Array([1, 2, 3]), at: new Date(0) };
    throw new Error(`no ${method}`);
  });
  try {
    const [slow, fast] = (await Promise.all([p.client.call('slow', ['a']), p.client.call('echo', [7, null])])) as {
      args: unknown[];
      bytes: Uint8Array;
      at: Date;
    }[];
    assert.deepEqual(slow!.args, ['a']);
    assert.deepEqual(fast!.args, [7, null]);
    assert.ok(fast!.bytes instanceof Uint8Array && fast!.bytes[2] === 3);
    assert.ok(fast!.at instanceof Date && fast!.at.getTime() === 0);
  } finally {
    p.close();
  }
});

test('a refused call rejects with the error rebuilt from its class name and own fields; a stack or cause does not cross', async () => {
  const seen: RpcErrorData[] = [];
  const p = pair(
    (method) => {
      if (method === 'kind') throw new KindError('conflict', 'already running');
      throw new FacegateError('door_stopped', 'the door is stopped', { cause: new Error('secret detail') });
    },
    (e) => {
      seen.push(e);
      return e.name === 'KindError' ? new KindError(String(e.fields.kind), e.message) : new Error(e.message);
    },
  );
  try {
    await assert.rejects(p.client.call('kind', []), (err: unknown) => err instanceof KindError && err.kind === 'conflict' && err.message === 'already running');
    await assert.rejects(p.client.call('facegate', []), /the door is stopped/);
    assert.equal(seen[1]!.name, 'FacegateError');
    assert.equal(seen[1]!.fields.code, 'door_stopped');
    assert.ok(!('cause' in seen[1]!.fields) && !('stack' in seen[1]!.fields));
    assert.doesNotMatch(JSON.stringify(seen), /secret detail/);
  } finally {
    p.close();
  }
});

test('close() fails the open calls and refuses new ones; a stopped server no longer answers', async () => {
  const p = pair(() => new Promise(() => undefined));
  try {
    const open = p.client.call('never', []);
    p.client.close(new Error('worker gone'));
    await assert.rejects(open, /worker gone/);
    await assert.rejects(p.client.call('later', []), /worker gone/);
  } finally {
    p.close();
  }
  let answered = 0;
  const q = pair(() => {
    answered++;
    return 1;
  });
  try {
    assert.equal(await q.client.call('one', []), 1);
    q.stop();
    const unanswered = await Promise.race([q.client.call('two', []).then(() => 'answered'), new Promise((r) => setTimeout(() => r('silent'), 100))]);
    assert.equal(unanswered, 'silent');
    assert.equal(answered, 1);
  } finally {
    q.close();
  }
});
